//! A branch's targets (a level by a deadline), set and removed by the 总支.

use super::deciding;
use super::registers::{audit, day};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::rating::Level;
use crate::error::AppError;

/// Most targets a branch keeps.
pub const MAX_TARGETS: i64 = 10;

pub async fn set_target(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    level: &str,
    deadline: &str,
    now: i64,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, org_id).await?;
    let l = Level::parse(level.trim())
        .ok_or_else(|| AppError::Invalid("目标等次应为 红旗/先进/一般".into()))?;
    if l == Level::Lagging {
        return Err(AppError::Invalid("目标等次应为 红旗/先进/一般".into()));
    }
    let d = day(deadline, "目标期限")?;
    let mut tx = db.pool().begin().await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rating_targets WHERE org_id = $1")
        .bind(&branch.id)
        .fetch_one(&mut *tx)
        .await?;
    if n >= MAX_TARGETS {
        return Err(AppError::Invalid(format!(
            "每个支部最多 {MAX_TARGETS} 个目标"
        )));
    }
    sqlx::query(
        "INSERT INTO rating_targets (id, org_id, level, deadline, set_by, set_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&branch.id)
    .bind(l.as_str())
    .bind(d.to_string())
    .bind(&viewer.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(
        &mut tx,
        viewer,
        &branch,
        format!("设定目标：{d} 前达到{}", l.label()),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_target(
    db: &Db,
    viewer: &CurrentUser,
    org_id: &str,
    id: &str,
) -> Result<(), AppError> {
    let branch = deciding(db, viewer, org_id).await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT level, deadline FROM rating_targets WHERE id = $1 AND org_id = $2")
            .bind(id)
            .bind(&branch.id)
            .fetch_optional(db.pool())
            .await?;
    let (level, deadline) = row.ok_or(AppError::NotFound)?;
    let now = crate::db::now_ms();
    let mut tx = db.pool().begin().await?;
    sqlx::query("DELETE FROM rating_targets WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let label = Level::parse(&level).map_or("", Level::label);
    audit(
        &mut tx,
        viewer,
        &branch,
        format!("取消目标：{deadline} 前达到{label}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
