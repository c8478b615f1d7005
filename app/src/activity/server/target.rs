//! The activity a phone's record names, checked before the record is stored.

use crate::error::AppError;
use crate::sync::protocol::RejectCode;
use crate::sync::server::Received;
use sqlx::{Any, Transaction};
use std::borrow::Cow;
use uuid::Uuid;

/// Why a member's record about an activity is refused: its code and the reason shown.
pub type Refusal = (RejectCode, Cow<'static, str>);

/// What a member's record (a check-in, a leave request) says about whom and when.
pub struct Claim {
    pub member_id: Uuid,
    pub activity_id: Uuid,
    pub device_time: i64,
    /// The reason shown when the record names another member ("只能为自己签到").
    pub not_yours: &'static str,
}

/// The checks every member's record passes before its own: the phone's clock is not ahead of
/// the server's, the record is the sender's own, and the activity is one they may answer.
pub async fn claimed_target(
    tx: &mut Transaction<'static, Any>,
    ctx: &Received<'_>,
    claim: &Claim,
) -> Result<Result<Target, Refusal>, AppError> {
    if let Some(why) = crate::domain::proof::clock_ahead(claim.device_time, ctx.at) {
        return Ok(Err((RejectCode::ClockAhead, why.into())));
    }
    if claim.member_id.to_string() != ctx.member.id {
        return Ok(Err((RejectCode::NotYours, claim.not_yours.into())));
    }
    let target = match load_target(tx, &claim.activity_id.to_string(), &ctx.member.id).await? {
        Ok(t) => t,
        Err((code, why)) => return Ok(Err((code, why.into()))),
    };
    // A record about a closed year (年度封存) changes nothing any more: refused, with why.
    if let Some(year) =
        crate::org::server::closed_year(tx, &target.org_id, target.starts_at).await?
    {
        return Ok(Err((
            RejectCode::ActivityOver,
            crate::org::server::closed_message(year).into(),
        )));
    }
    Ok(Ok(target))
}

/// The activity a member's record is about, checked: it exists, is not cancelled, and the
/// member is among its 应到.
#[derive(sqlx::FromRow)]
pub struct Target {
    pub id: String,
    pub org_id: String,
    pub status: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub proof_secret: String,
    expected: i64,
}

async fn load_target(
    tx: &mut Transaction<'static, Any>,
    activity_id: &str,
    member_id: &str,
) -> Result<Result<Target, (RejectCode, &'static str)>, AppError> {
    let target: Option<Target> = sqlx::query_as(
        "SELECT a.id, a.org_id, a.status, a.starts_at, a.ends_at, a.proof_secret, \
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
