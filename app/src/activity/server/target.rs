//! The activity a phone's record names, checked before the record is stored.

use crate::error::AppError;
use crate::sync::protocol::RejectCode;
use crate::sync::server::Received;
use sqlx::{AnyConnection, AssertSqlSafe};
use std::borrow::Cow;
use std::collections::HashMap;
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
    conn: &mut AnyConnection,
    ctx: &Received<'_>,
    claim: &Claim,
) -> Result<Result<Target, Refusal>, AppError> {
    if let Err(refused) = check_claim(ctx, claim) {
        return Ok(Err(refused));
    }
    let pair = (claim.activity_id.to_string(), ctx.member.id.clone());
    let mut found = load_targets(conn, &[(pair.0.as_str(), pair.1.as_str())]).await?;
    let target = match judge_target(found.remove(&pair)) {
        Ok(t) => t,
        Err((code, why)) => return Ok(Err((code, why.into()))),
    };
    // A record about a closed year (年度封存) changes nothing any more: refused, with why.
    if let Some(year) = target.closed_year() {
        return Ok(Err(closed_refusal(year)));
    }
    Ok(Ok(target))
}

/// The checks of [`claimed_target`] that need no database.
pub fn check_claim(ctx: &Received<'_>, claim: &Claim) -> Result<(), Refusal> {
    if let Some(why) = crate::domain::proof::clock_ahead(claim.device_time, ctx.at) {
        return Err((RejectCode::ClockAhead, why.into()));
    }
    if claim.member_id.to_string() != ctx.member.id {
        return Err((RejectCode::NotYours, claim.not_yours.into()));
    }
    Ok(())
}

/// Why a record about a closed year is refused.
pub fn closed_refusal(year: i32) -> Refusal {
    (
        RejectCode::ActivityOver,
        crate::org::server::closed_message(year).into(),
    )
}

/// The activity a member's record is about, checked: it exists, is not cancelled, and the
/// member is among its 应到.
#[derive(Clone, sqlx::FromRow)]
pub struct Target {
    pub id: String,
    pub org_id: String,
    pub status: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub proof_secret: String,
    /// The member the rest is about.
    member_id: String,
    expected: i64,
    /// 1 when the member already has a check-in that counts for it: another one changes
    /// neither their state nor whether the activity was held (its tally stays as it is).
    attended: i64,
    /// The years closed (年度封存) for the activity's school, comma-separated.
    closed_years: Option<String>,
    /// The member's wrong codes for it so far, as read (without a lock: see
    /// `checkin::store` for when the counter is locked).
    pub failures: i64,
}

impl Target {
    /// Whether the member had a counting check-in for the activity before this push.
    pub fn attended(&self) -> bool {
        self.attended > 0
    }

    /// The activity's year when that year is closed (年度封存): a record about it changes
    /// nothing any more.
    pub fn closed_year(&self) -> Option<i32> {
        let year = crate::domain::time::year_of(self.starts_at);
        let closed = self.closed_years.as_deref().unwrap_or_default();
        closed
            .split(',')
            .any(|y| y.trim().parse::<i32>() == Ok(year))
            .then_some(year)
    }
}

/// Each activity of `wanted` (activity, member) with whether the member is among its 应到 and
/// has a counting check-in already, the years closed for its school and the member's wrong
/// codes for it, in one query for every pair (a push's rules read nothing else about its
/// activities), keyed by the pair.
pub async fn load_targets(
    conn: &mut AnyConnection,
    wanted: &[(&str, &str)],
) -> Result<HashMap<(String, String), Target>, AppError> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let marks = crate::db::value_marks(conn, 2 * wanted.len());
    let pairs: Vec<String> = marks
        .chunks(2)
        .map(|m| format!("({}, {})", m[0], m[1]))
        .collect();
    let sql = format!(
        "WITH w (activity_id, user_id) AS (VALUES {}) \
         SELECT a.id, a.org_id, a.status, a.starts_at, a.ends_at, a.proof_secret, \
           w.user_id AS member_id, \
           (SELECT COUNT(*) FROM activity_expected e \
             WHERE e.activity_id = a.id AND e.user_id = w.user_id) AS expected, \
           CASE WHEN EXISTS (SELECT 1 FROM checkins c \
             WHERE c.activity_id = a.id AND c.user_id = w.user_id \
             AND (c.review IS NULL OR c.review = 'confirmed')) THEN 1 ELSE 0 END AS attended, \
           (SELECT string_agg(CAST(y.year AS TEXT), ',') FROM {closures} \
             WHERE o.id = a.org_id) AS closed_years, \
           CAST(COALESCE((SELECT f.failures FROM proof_failures f \
             WHERE f.activity_id = a.id AND f.user_id = w.user_id), 0) AS BIGINT) AS failures \
         FROM w JOIN activities a ON a.id = w.activity_id",
        pairs.join(", "),
        closures = crate::org::server::closures_binding_org!(),
    );
    let mut query = sqlx::query_as::<_, Target>(AssertSqlSafe(sql));
    for (activity, member) in wanted {
        query = query.bind(*activity).bind(*member);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|t| ((t.id.clone(), t.member_id.clone()), t))
        .collect())
}

/// Whether a record may be about the activity found (or not found) for it.
pub fn judge_target(target: Option<Target>) -> Result<Target, (RejectCode, &'static str)> {
    match target {
        None => Err((RejectCode::UnknownActivity, "活动不存在")),
        Some(t) if t.status == "cancelled" => Err((RejectCode::Cancelled, "活动已取消")),
        Some(t) if t.expected == 0 => Err((RejectCode::NotExpected, "您不在本次活动的应到名单中")),
        Some(t) => Ok(t),
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    fn target(starts_at: i64, closed_years: Option<&str>) -> Target {
        Target {
            id: "a".into(),
            org_id: "b".into(),
            status: "scheduled".into(),
            starts_at,
            ends_at: starts_at + 3_600_000,
            proof_secret: String::new(),
            member_id: "m".into(),
            expected: 1,
            attended: 0,
            closed_years: closed_years.map(str::to_owned),
            failures: 0,
        }
    }

    #[test]
    fn a_closed_year_is_the_activity_s_own() {
        // 2025-06-01 in China.
        let june_2025 = 1_748_707_200_000;
        let year_start_2026 = crate::domain::time::year_bounds_ms(2026).0;
        assert_eq!(target(june_2025, None).closed_year(), None);
        assert_eq!(target(june_2025, Some("2024,2026")).closed_year(), None);
        assert_eq!(
            target(june_2025, Some("2024,2025")).closed_year(),
            Some(2025)
        );
        // The first moment of 2026 (China time) is 2026's, the one before it 2025's.
        assert_eq!(
            target(year_start_2026, Some("2026")).closed_year(),
            Some(2026)
        );
        assert_eq!(
            target(year_start_2026 - 1, Some("2026")).closed_year(),
            None
        );
    }
}
