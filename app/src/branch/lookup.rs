//! What the figure pages look up about a branch beside its activities: its shape for the
//! cadence rules, the years that can be picked, and the branches a list shows.

use super::SchoolLink;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::cadence::{GroupRef, Shape};
use crate::domain::time::year_of;
use crate::error::AppError;
use crate::org::server::{Branch, readable_branches, school_branches};

/// The branch as the cadence rules need it: its groups in use and its full members.
pub(crate) async fn shape(db: &Db, branch_id: &str) -> Result<Shape, AppError> {
    let groups: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, name FROM organisations WHERE parent_id = $1 AND kind = 'group' \
         AND archived_at IS NULL ORDER BY sort_order, name",
    )
    .bind(branch_id)
    .fetch_all(db.pool())
    .await?;
    let full_members: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE org_id = $1 AND active = 1 AND standing = 'full' \
         AND role <> 'admin'",
    )
    .bind(branch_id)
    .fetch_one(db.pool())
    .await?;
    Ok(Shape {
        groups: groups
            .into_iter()
            .map(|(id, name)| GroupRef { id, name })
            .collect(),
        full_members: full_members as u32,
    })
}

/// The years a figure page offers: from the year of the organisations' first activity (or
/// `year`, if earlier) to the current one, latest first.
pub(crate) async fn years(
    db: &Db,
    org_ids: &[&str],
    year: i32,
    now: i64,
) -> Result<Vec<i32>, AppError> {
    let mut first = year.min(year_of(now));
    for org in org_ids {
        let earliest: Option<i64> =
            sqlx::query_scalar("SELECT MIN(starts_at) FROM activities WHERE org_id = $1")
                .bind(*org)
                .fetch_one(db.pool())
                .await?;
        if let Some(ms) = earliest {
            first = first.min(year_of(ms));
        }
    }
    let last = year.max(year_of(now));
    Ok((first.max(crate::domain::time::FIRST_YEAR)..=last)
        .rev()
        .collect())
}

/// The schools of a bureau's viewer, in the order its pages list them, with their branches;
/// none for anyone else.
pub(crate) async fn bureau_schools(
    db: &Db,
    viewer: &CurrentUser,
) -> Result<Vec<SchoolLink>, AppError> {
    if !viewer.role.is_bureau() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT s.id, COALESCE(s.school_name, s.name), \
           (SELECT COUNT(*) FROM organisations b WHERE b.parent_id = s.id AND b.kind = 'branch' \
              AND b.archived_at IS NULL) \
         FROM organisations s WHERE s.parent_id = $1 AND s.kind = 'school' \
           AND s.archived_at IS NULL ORDER BY s.sort_order, s.name",
    )
    .bind(&viewer.org_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, branches)| SchoolLink {
            id,
            name,
            branches: branches as u32,
        })
        .collect())
}

/// The branches a list shows: a bureau's viewer reads one of its `schools` at a time (none
/// until one is picked: a county has thousands of branches, read only for the school picked);
/// anyone else every branch they read, of `school` when it is named — which must be theirs.
pub(crate) async fn listed_branches(
    db: &Db,
    viewer: &CurrentUser,
    schools: &[SchoolLink],
    school: Option<&str>,
) -> Result<Vec<Branch>, AppError> {
    if viewer.role.is_bureau() {
        return match school {
            None => Ok(Vec::new()),
            Some(s) if schools.iter().any(|x| x.id == s) => school_branches(db, s).await,
            Some(_) => Err(AppError::NotFound),
        };
    }
    let readable = readable_branches(db, viewer).await?;
    let Some(school) = school else {
        return Ok(readable);
    };
    if viewer.org_id != school
        && !readable
            .iter()
            .any(|b| b.parent_id.as_deref() == Some(school))
    {
        return Err(AppError::NotFound);
    }
    Ok(readable
        .into_iter()
        .filter(|b| b.parent_id.as_deref() == Some(school))
        .collect())
}
