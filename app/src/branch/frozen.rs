//! A closed year (年度封存) as the figure pages read it: the snapshot of each branch's
//! figures taken at the close, and the year's state and trail. Closing and reopening are
//! `closing.rs`.

use super::{BranchOverview, YearState, YearTrailEntry};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::time::year_of;
use crate::error::AppError;

/// The school above a branch, if the branch has one.
async fn school_of_branch(db: &Db, branch_id: &str) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT parent_id FROM organisations WHERE id = $1")
            .bind(branch_id)
            .fetch_optional(db.pool())
            .await?
            .flatten(),
    )
}

/// The snapshot of a branch's closed year, if the year is closed.
pub async fn snapshot(
    db: &Db,
    branch_id: &str,
    year: i32,
) -> Result<Option<BranchOverview>, AppError> {
    let Some(school) = school_of_branch(db, branch_id).await? else {
        return Ok(None);
    };
    let figures: Option<String> = sqlx::query_scalar(
        "SELECT s.figures FROM year_snapshots s JOIN year_closures y \
           ON y.school_id = s.school_id AND y.year = s.year \
         WHERE s.school_id = $1 AND s.year = $2 AND s.branch_id = $3",
    )
    .bind(&school)
    .bind(year)
    .bind(branch_id)
    .fetch_optional(db.pool())
    .await?;
    figures
        .map(|f| {
            serde_json::from_str(&f).map_err(|e| {
                tracing::error!(error = %e, branch_id, year, "a year's snapshot cannot be read");
                AppError::Internal
            })
        })
        .transpose()
}

/// Whether `year` is closed for the school above `branch_id`, and what the viewer may do.
pub async fn year_state(
    db: &Db,
    viewer: &CurrentUser,
    school_id: &str,
    year: i32,
    now: i64,
) -> Result<YearState, AppError> {
    let closed: Option<(i64, String)> = sqlx::query_as(
        "SELECT y.closed_at, u.display_name FROM year_closures y \
         JOIN users u ON u.id = y.closed_by WHERE y.school_id = $1 AND y.year = $2",
    )
    .bind(school_id)
    .bind(year)
    .fetch_optional(db.pool())
    .await?;
    let trail: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT t.act, t.reason, u.display_name, t.at FROM year_trail t \
         JOIN users u ON u.id = t.by_user WHERE t.school_id = $1 AND t.year = $2 \
         ORDER BY t.at, t.id",
    )
    .bind(school_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    Ok(YearState {
        year,
        closed_at: closed.as_ref().map(|c| c.0),
        closed_by: closed.map(|c| c.1),
        may_close: viewer.role == crate::domain::role::Role::Admin
            && viewer.org_id == school_id
            && year < year_of(now),
        trail: trail
            .into_iter()
            .map(|(act, reason, by_name, at)| YearTrailEntry {
                act: if act == "close" {
                    "封存"
                } else {
                    "重新开启"
                }
                .to_owned(),
                reason,
                by_name,
                at,
            })
            .collect(),
    })
}
