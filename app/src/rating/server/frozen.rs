//! A closed year's rating (年度封存): computed once after the closing and kept, so later changes
//! to the roster or the rules' other inputs never move a closed year's stars.

use crate::db::Db;
use crate::domain::rating::Rating;
use crate::error::AppError;
use crate::org::server::Branch;

/// The closing of `year` for the branch's school (a 总支's own: its own), if the year is
/// closed: the school, when it was closed, and the rating kept for the branch at that closing
/// if one was (one statement: it is read on every rating page).
async fn closing(
    db: &Db,
    branch: &Branch,
    year: i32,
) -> Result<Option<(String, i64, Option<String>)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT y.school_id, y.closed_at, s.rating FROM organisations o \
         JOIN year_closures y ON y.year = $2 \
           AND y.school_id = CASE WHEN o.kind = 'school' THEN o.id ELSE o.parent_id END \
         LEFT JOIN rating_snapshots s ON s.school_id = y.school_id AND s.year = y.year \
           AND s.branch_id = o.id AND s.closed_at = y.closed_at \
         WHERE o.id = $1",
    )
    .bind(&branch.id)
    .bind(year)
    .fetch_optional(db.pool())
    .await?)
}

/// The kept rating of a closed year, or `compute`d now (and kept, when the year is closed).
pub async fn closed_or(
    db: &Db,
    branch: &Branch,
    year: i32,
    now: i64,
    compute: impl FnOnce() -> Rating,
) -> Result<Rating, AppError> {
    if !crate::branch::frozen::closable(year, now) {
        return Ok(compute());
    }
    let Some((school, closed_at, kept)) = closing(db, branch, year).await? else {
        return Ok(compute());
    };
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
