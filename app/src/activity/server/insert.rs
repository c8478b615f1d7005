//! The one place an activity and its 应到 are written: scheduling, the demo school and the test
//! fixtures all go through [`insert_activity`].

use crate::error::AppError;
use sqlx::AnyConnection;

/// An activity as first stored, with the members it is for.
pub struct NewActivity<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    /// An `ActivityKind` as stored (`theme_day`, …).
    pub kind: &'a str,
    pub topic: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: &'a str,
    pub chair: &'a str,
    pub recorder: &'a str,
    /// `branch`, `committee` or `group` (with `audience_group`).
    pub audience: &'a str,
    pub audience_group: Option<&'a str>,
    /// `scheduled` or `cancelled`.
    pub status: &'a str,
    /// Hex; keys the rotating check-in code.
    pub proof_secret: &'a str,
    pub minutes: &'a str,
    pub created_by: Option<&'a str>,
    pub created_at: i64,
    /// The change counter for pulls (`crate::db::next_version`), or 0.
    pub version: i64,
    /// 应到: the members it is for.
    pub expected: &'a [&'a str],
}

/// Writes the activity and its 应到.
pub async fn insert_activity(
    conn: &mut AnyConnection,
    a: &NewActivity<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO activities (id, org_id, kind, topic, starts_at, ends_at, place, chair, \
           recorder, audience, audience_group, status, proof_secret, minutes, created_by, \
           created_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(a.id)
    .bind(a.org_id)
    .bind(a.kind)
    .bind(a.topic)
    .bind(a.starts_at)
    .bind(a.ends_at)
    .bind(a.place)
    .bind(a.chair)
    .bind(a.recorder)
    .bind(a.audience)
    .bind(a.audience_group.map(str::to_owned))
    .bind(a.status)
    .bind(a.proof_secret)
    .bind(a.minutes)
    .bind(a.created_by.map(str::to_owned))
    .bind(a.created_at)
    .bind(a.version)
    .execute(&mut *conn)
    .await?;
    set_expected(conn, a.id, a.expected).await
}

/// Replaces an activity's 应到 (only before it starts: from then on it is part of the record).
pub async fn set_expected(
    conn: &mut AnyConnection,
    activity_id: &str,
    members: &[&str],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM activity_expected WHERE activity_id = $1")
        .bind(activity_id)
        .execute(&mut *conn)
        .await?;
    for m in members {
        sqlx::query("INSERT INTO activity_expected (activity_id, user_id) VALUES ($1, $2)")
            .bind(activity_id)
            .bind(*m)
            .execute(&mut *conn)
            .await?;
    }
    super::retally(conn, &[activity_id]).await
}
