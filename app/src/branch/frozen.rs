//! A closed year (年度封存) as the figure pages read it: the snapshot of each branch's
//! figures taken at the close, and the year's state and trail. Closing and reopening are
//! `closing.rs`.

use super::{BranchOverview, YearState, YearTrailEntry};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::time::year_of;
use crate::error::AppError;

/// Whether `year` may have been closed at `now`: only a year that is over can be
/// (`closing::close_year` refuses any other, and a reopening needs a closing), so the current
/// year — the one most pages show — has no snapshot, closing or trail to look up.
pub fn closable(year: i32, now: i64) -> bool {
    year < year_of(now)
}

/// The snapshot of a branch's closed year, if the year is closed (for the school above the
/// branch, in one statement: every figure page reads it).
pub async fn snapshot(
    db: &Db,
    branch_id: &str,
    year: i32,
    now: i64,
) -> Result<Option<BranchOverview>, AppError> {
    if !closable(year, now) {
        return Ok(None);
    }
    let figures: Option<String> = sqlx::query_scalar(
        "SELECT s.figures FROM organisations o \
         JOIN year_closures y ON y.school_id = o.parent_id AND y.year = $2 \
         JOIN year_snapshots s ON s.school_id = y.school_id AND s.year = y.year \
           AND s.branch_id = o.id \
         WHERE o.id = $1",
    )
    .bind(branch_id)
    .bind(year)
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
    if !closable(year, now) {
        return Ok(YearState {
            year,
            closed_at: None,
            closed_by: None,
            may_close: false,
            trail: Vec::new(),
        });
    }
    let closed = sqlx::query_as::<_, (i64, String)>(
        "SELECT y.closed_at, u.display_name FROM year_closures y \
         JOIN users u ON u.id = y.closed_by WHERE y.school_id = $1 AND y.year = $2",
    )
    .bind(school_id)
    .bind(year)
    .fetch_optional(db.pool());
    let trail = sqlx::query_as::<_, (String, String, String, i64)>(
        "SELECT t.act, t.reason, u.display_name, t.at FROM year_trail t \
         JOIN users u ON u.id = t.by_user WHERE t.school_id = $1 AND t.year = $2 \
         ORDER BY t.at, t.id",
    )
    .bind(school_id)
    .bind(year)
    .fetch_all(db.pool());
    let (closed, trail) = futures::try_join!(closed, trail)?;
    Ok(YearState {
        year,
        closed_at: closed.as_ref().map(|c| c.0),
        closed_by: closed.map(|c| c.1),
        may_close: viewer.role == crate::domain::role::Role::Admin && viewer.org_id == school_id,
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
