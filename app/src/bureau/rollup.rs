//! The bureau's roll-up of a year: each school's participation (its branches' 实到 over 应到 of
//! the activities they held, from `activity_tallies`), how many of its branches meet the bar,
//! the masses' satisfaction (`super::satisfaction`, from `survey_counts`) and — once the
//! school has closed the year — its branches' levels as kept at the close. A few queries
//! whatever the county's size: one row per branch, one per counting campaign's vote, one per
//! kept rating.

use super::{LevelCount, RollUp, Satisfaction, SchoolFigures};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::figures::{interval_text, value_text};
use crate::domain::participation::{Attendance, BarStatus, Figure, SEED_PARTICIPATION_BAR};
use crate::domain::rating::{Level, Rating};
use crate::domain::survey::figure;
use crate::domain::time::{FIRST_YEAR, figure_year, year_of};
use crate::error::AppError;
use std::collections::HashMap;

/// A school of the bureau with its branch count and whether `year` is closed there.
#[derive(sqlx::FromRow)]
struct SchoolRow {
    id: String,
    name: String,
    branches: i64,
    closed: i64,
}

/// The bureau's schools with their figures of `year` (the current one when `None`).
pub async fn rollup(
    db: &Db,
    viewer: &CurrentUser,
    year: Option<i32>,
    now: i64,
) -> Result<RollUp, AppError> {
    let (bureau, _) = super::server::own_bureau(db, viewer).await?;
    let year = figure_year(year, now).map_err(AppError::Invalid)?;
    let schools: Vec<SchoolRow> = sqlx::query_as(
        "SELECT s.id, COALESCE(s.school_name, s.name) AS name, \
           (SELECT COUNT(*) FROM organisations b WHERE b.parent_id = s.id AND b.kind = 'branch' \
              AND b.archived_at IS NULL) AS branches, \
           (SELECT COUNT(*) FROM year_closures c WHERE c.school_id = s.id AND c.year = $2) \
              AS closed \
         FROM organisations s WHERE s.parent_id = $1 AND s.kind = 'school' \
         AND s.archived_at IS NULL ORDER BY s.sort_order, s.name",
    )
    .bind(&bureau)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    // Each branch's sums over the activities it held in the year, straight from the tallies'
    // index (grouped by branch, no join: a join made SQLite walk every organisation first),
    // then each branch put under its school.
    let school_of: HashMap<String, String> = sqlx::query_as(
        "SELECT b.id, b.parent_id FROM organisations b JOIN organisations s ON s.id = b.parent_id \
         WHERE s.parent_id = $1 AND s.kind = 'school' AND b.kind = 'branch'",
    )
    .bind(&bureau)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .collect();
    let sums: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT org_id, COUNT(*), SUM(expected), SUM(present) FROM activity_tallies \
         WHERE year = $1 AND counted = 1 GROUP BY org_id",
    )
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let mut held: HashMap<String, Vec<(u32, Attendance)>> = HashMap::new();
    for (branch, activities, expected, present) in sums {
        let Some(school) = school_of.get(&branch) else {
            continue;
        };
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        held.entry(school.clone()).or_default().push((
            count(activities),
            Attendance::new(count(expected), count(present)),
        ));
    }
    let levels = kept_levels(db, &bureau, year).await?;
    let mut pooled = super::satisfaction::pooled(db, &bureau, year, now).await?;
    let schools: Vec<SchoolFigures> = schools
        .into_iter()
        .map(|s| {
            let branches = held.remove(&s.id).unwrap_or_default();
            // Levels only for a closed year: an open year's rating is still moving.
            let rated = (s.closed > 0).then(|| levels.get(&s.id).cloned().unwrap_or_default());
            let satisfaction = pooled.remove(&s.id).map(satisfaction_of);
            school_figures(s, &branches, rated.as_ref(), satisfaction)
        })
        .collect();
    let total = Attendance::total(schools.iter().map(|s| s.participation.attendance));
    Ok(RollUp {
        viewer: viewer.clone(),
        year,
        years: (FIRST_YEAR.max(year_of(now) - 5)..=year_of(now))
            .rev()
            .collect(),
        total: Figure::of(total, SEED_PARTICIPATION_BAR),
        schools,
    })
}

/// One school's figures from its branches' (activities held, attendance) and the levels kept.
fn school_figures(
    s: SchoolRow,
    branches: &[(u32, Attendance)],
    rated: Option<&Vec<Level>>,
    satisfaction: Option<Satisfaction>,
) -> SchoolFigures {
    let attendance = Attendance::total(branches.iter().map(|(_, a)| *a));
    let levels = rated.map(|kept| {
        Level::ALL
            .iter()
            .map(|&level| LevelCount {
                level,
                branches: kept.iter().filter(|l| **l == level).count() as u32,
            })
            .collect()
    });
    SchoolFigures {
        id: s.id,
        name: s.name,
        branches: u32::try_from(s.branches).unwrap_or(0),
        held: branches.iter().map(|(n, _)| n).sum(),
        participation: Figure::of(attendance, SEED_PARTICIPATION_BAR),
        branches_counted: branches.len() as u32,
        branches_met: branches
            .iter()
            .filter(|(_, a)| a.status(SEED_PARTICIPATION_BAR) == BarStatus::Met)
            .count() as u32,
        satisfaction,
        closed: s.closed > 0,
        rated: rated.map_or(0, |k| k.len() as u32),
        levels,
    }
}

/// The figure of a school's pooled votes (every group size is shown: a bureau reads counts of
/// hundreds; the interval says how sure the rate is).
fn satisfaction_of(p: super::satisfaction::Pooled) -> Satisfaction {
    let (tally, convention) = p.tally();
    let figure = figure(&tally, &convention, 1);
    Satisfaction {
        rate_text: value_text(&figure, &convention),
        interval_text: interval_text(&figure, &convention),
        figure,
        campaigns: p.campaigns,
        weighted: p.weighted,
    }
}

/// The levels kept for each school's branches at its latest closing of `year` (a rating is
/// kept the first time it is read after the close).
async fn kept_levels(
    db: &Db,
    bureau: &str,
    year: i32,
) -> Result<HashMap<String, Vec<Level>>, AppError> {
    let kept: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.school_id, r.rating FROM rating_snapshots r \
         JOIN year_closures c ON c.school_id = r.school_id AND c.year = r.year \
           AND c.closed_at = r.closed_at \
         JOIN organisations s ON s.id = r.school_id \
         WHERE s.parent_id = $1 AND r.year = $2 AND r.branch_id <> r.school_id",
    )
    .bind(bureau)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let mut out: HashMap<String, Vec<Level>> = HashMap::new();
    for (school, json) in kept {
        if let Ok(rating) = serde_json::from_str::<Rating>(&json) {
            out.entry(school).or_default().push(rating.level);
        }
    }
    Ok(out)
}
