//! A closed year's rating (年度封存): computed once after the closing and kept, so later changes
//! to the roster or the rules' other inputs never move a closed year's stars.

use crate::db::Db;
use crate::domain::rating::Rating;
use crate::error::AppError;
use crate::org::server::Branch;

/// The closing of `year` for the branch's school (a 总支's own: its own), if the year is
/// closed.
async fn closing(db: &Db, branch: &Branch, year: i32) -> Result<Option<(String, i64)>, AppError> {
    let school: Option<Option<String>> = sqlx::query_scalar(
        "SELECT CASE WHEN kind = 'school' THEN id ELSE parent_id END FROM organisations \
         WHERE id = $1",
    )
    .bind(&branch.id)
    .fetch_optional(db.pool())
    .await?;
    let Some(school) = school.flatten() else {
        return Ok(None);
    };
    let school = &school;
    let closed_at: Option<i64> = sqlx::query_scalar(
        "SELECT closed_at FROM year_closures WHERE school_id = $1 AND year = $2",
    )
    .bind(school)
    .bind(year)
    .fetch_optional(db.pool())
    .await?;
    Ok(closed_at.map(|at| (school.clone(), at)))
}

/// The kept rating of a closed year, or `compute`d now (and kept, when the year is closed).
pub async fn closed_or(
    db: &Db,
    branch: &Branch,
    year: i32,
    now: i64,
    compute: impl FnOnce() -> Rating,
) -> Result<Rating, AppError> {
    let Some((school, closed_at)) = closing(db, branch, year).await? else {
        return Ok(compute());
    };
    let kept: Option<String> = sqlx::query_scalar(
        "SELECT rating FROM rating_snapshots \
         WHERE school_id = $1 AND year = $2 AND branch_id = $3 AND closed_at = $4",
    )
    .bind(&school)
    .bind(year)
    .bind(&branch.id)
    .bind(closed_at)
    .fetch_optional(db.pool())
    .await?;
    if let Some(r) = kept.and_then(|k| serde_json::from_str(&k).ok()) {
        return Ok(r);
    }
    let rating = compute();
    let json = serde_json::to_string(&rating).map_err(|_| AppError::Internal)?;
    // Two first readers at once both compute the same rating; the second insert is a no-op.
    let insert = sqlx::query(
        "INSERT INTO rating_snapshots (school_id, year, branch_id, closed_at, rating, taken_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(school.clone())
    .bind(year)
    .bind(branch.id.clone())
    .bind(closed_at)
    .bind(json)
    .bind(now);
    db.execute_write(insert).await?;
    Ok(rating)
}
