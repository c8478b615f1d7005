//! The activity a phone's record names, checked before the record is stored.

use crate::error::AppError;
use crate::sync::protocol::RejectCode;
use sqlx::{Any, Transaction};

/// The activity a member's record is about, checked: it exists, is not cancelled, and the
/// member is among its 应到.
#[derive(sqlx::FromRow)]
pub struct Target {
    pub id: String,
    pub status: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub proof_secret: String,
    expected: i64,
}

pub async fn load_target(
    tx: &mut Transaction<'static, Any>,
    activity_id: &str,
    member_id: &str,
) -> Result<Result<Target, (RejectCode, &'static str)>, AppError> {
    let target: Option<Target> = sqlx::query_as(
        "SELECT a.id, a.status, a.starts_at, a.ends_at, a.proof_secret, \
           (SELECT COUNT(*) FROM activity_expected e \
             WHERE e.activity_id = a.id AND e.user_id = $2) AS expected \
         FROM activities a WHERE a.id = $1",
    )
    .bind(activity_id)
    .bind(member_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match target {
        None => Err((RejectCode::UnknownActivity, "活动不存在")),
        Some(t) if t.status == "cancelled" => Err((RejectCode::Cancelled, "活动已取消")),
        Some(t) if t.expected == 0 => Err((RejectCode::NotExpected, "您不在本次活动的应到名单中")),
        Some(t) => Ok(t),
    })
}
