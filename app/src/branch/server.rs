//! Storage reads behind the branch pages, and the figures computed from them.

use super::{ActivityFigure, BranchOverview, BranchSummary, Figure, MyBranches};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::activity::ActivityKind;
use crate::domain::participation::{Attendance, SEED_PARTICIPATION_BAR};
use crate::domain::role::{Role, may_read_branch};
use crate::domain::time::{year_bounds_ms, year_of};
use crate::error::AppError;
use sqlx::Row;
use std::collections::HashMap;

struct Branch {
    id: String,
    name: String,
    parent_id: Option<String>,
}

async fn load_branch(db: &Db, id: &str) -> Result<Option<Branch>, AppError> {
    let row = sqlx::query(
        "SELECT id, name, parent_id FROM organisations WHERE id = $1 AND kind = 'branch'",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(Branch {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            parent_id: r.try_get("parent_id")?,
        })
    })
    .transpose()
}

/// The branches `viewer` may read: a secretary's own, every branch of an admin's school.
async fn readable_branches(db: &Db, viewer: &CurrentUser) -> Result<Vec<Branch>, AppError> {
    let sql = match viewer.role {
        Role::Member => return Ok(Vec::new()),
        Role::Secretary => {
            "SELECT id, name, parent_id FROM organisations WHERE id = $1 AND kind = 'branch'"
        }
        Role::Admin => {
            "SELECT id, name, parent_id FROM organisations WHERE parent_id = $1 AND kind = 'branch' \
             ORDER BY sort_order, name"
        }
    };
    let rows = sqlx::query(sql)
        .bind(&viewer.org_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Branch {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                parent_id: r.try_get("parent_id")?,
            })
        })
        .collect()
}

/// The branch's activities of `year` with who was expected and who was present.
async fn year_activities(
    db: &Db,
    branch_id: &str,
    year: i32,
    now: i64,
) -> Result<Vec<ActivityFigure>, AppError> {
    let (from, to) = year_bounds_ms(year);
    let activities = sqlx::query(
        "SELECT id, kind, topic, starts_at, place FROM activities \
         WHERE org_id = $1 AND status = 'scheduled' AND starts_at >= $2 AND starts_at < $3 \
         ORDER BY starts_at DESC, id",
    )
    .bind(branch_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    // Who was expected at each, and whether they checked in: one query for the whole year.
    let roll = sqlx::query(
        "SELECT e.activity_id, u.display_name, \
           (SELECT COUNT(*) FROM checkins c \
             WHERE c.activity_id = e.activity_id AND c.user_id = e.user_id) AS present \
         FROM activity_expected e \
         JOIN activities a ON a.id = e.activity_id JOIN users u ON u.id = e.user_id \
         WHERE a.org_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2 AND a.starts_at < $3",
    )
    .bind(branch_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    let mut names: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    for r in &roll {
        let entry = names.entry(r.try_get("activity_id")?).or_default();
        let name: String = r.try_get("display_name")?;
        if r.try_get::<i64, _>("present")? > 0 {
            entry.0.push(name);
        } else {
            entry.1.push(name);
        }
    }
    activities
        .iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            let kind: String = r.try_get("kind")?;
            let starts_at: i64 = r.try_get("starts_at")?;
            let (mut present, mut absent) = names.remove(&id).unwrap_or_default();
            present.sort();
            absent.sort();
            let attendance =
                Attendance::new((present.len() + absent.len()) as u32, present.len() as u32);
            Ok(ActivityFigure {
                id,
                kind: ActivityKind::parse(&kind).unwrap_or(ActivityKind::Other),
                topic: r.try_get("topic")?,
                starts_at,
                place: r.try_get("place")?,
                held: starts_at <= now,
                figure: Figure::of(attendance, SEED_PARTICIPATION_BAR),
                present,
                absent,
            })
        })
        .collect()
}

fn summarise(branch: &Branch, year: i32, activities: &[ActivityFigure]) -> BranchSummary {
    let held: Vec<_> = activities.iter().filter(|a| a.held).collect();
    BranchSummary {
        id: branch.id.clone(),
        name: branch.name.clone(),
        year,
        held: held.len() as u32,
        year_figure: Figure::of(
            Attendance::total(held.iter().map(|a| a.figure.attendance)),
            SEED_PARTICIPATION_BAR,
        ),
    }
}

/// One branch's year, if `viewer` may read it.
pub async fn branch_overview(
    db: &Db,
    viewer: &CurrentUser,
    branch_id: &str,
    now: i64,
) -> Result<BranchOverview, AppError> {
    let branch = load_branch(db, branch_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_read_branch(
        viewer.role,
        &viewer.org_id,
        &branch.id,
        branch.parent_id.as_deref(),
    ) {
        return Err(AppError::Forbidden);
    }
    let year = year_of(now);
    let activities = year_activities(db, &branch.id, year, now).await?;
    Ok(BranchOverview {
        viewer: viewer.clone(),
        bar: SEED_PARTICIPATION_BAR,
        summary: summarise(&branch, year, &activities),
        activities,
    })
}

/// The year so far of every branch `viewer` may read.
pub async fn my_branches(db: &Db, viewer: &CurrentUser, now: i64) -> Result<MyBranches, AppError> {
    if !viewer.role.runs_branches() {
        return Err(AppError::Forbidden);
    }
    let year = year_of(now);
    let mut branches = Vec::new();
    for branch in readable_branches(db, viewer).await? {
        let activities = year_activities(db, &branch.id, year, now).await?;
        branches.push(summarise(&branch, year, &activities));
    }
    Ok(MyBranches {
        viewer: viewer.clone(),
        bar: SEED_PARTICIPATION_BAR,
        branches,
    })
}
