//! What the figure pages look up about a branch beside its activities: its shape for the
//! cadence rules, and the years that can be picked.

use crate::db::Db;
use crate::domain::cadence::{GroupRef, Shape};
use crate::domain::time::year_of;
use crate::error::AppError;

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
