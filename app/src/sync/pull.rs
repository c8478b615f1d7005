//! The pull of reference data: what changed since a phone's cursor.

use super::protocol::{CheckinReview, PullResponse, PulledActivity, RosterEntry};
use super::server::RECEIPT_KEY;
use crate::auth::CurrentUser;
use crate::db::{Db, now_ms};
use crate::domain::activity::ActivityKind;
use crate::error::AppError;
use crate::guard::server_secret;

/// An activity as a member pulls it, with their own facts about it.
#[derive(sqlx::FromRow)]
struct PulledRow {
    id: String,
    org_id: String,
    kind: String,
    topic: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    status: String,
    version: i64,
    expected: i64,
    checked_in: i64,
    checkin_review: Option<String>,
    leave: Option<i64>,
}

impl From<PulledRow> for PulledActivity {
    fn from(r: PulledRow) -> Self {
        PulledActivity {
            id: r.id,
            branch_id: r.org_id,
            kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Other),
            topic: r.topic,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            place: r.place,
            status: r.status,
            expected: r.expected > 0,
            checked_in: r.checked_in > 0,
            checkin_review: r.checkin_review.as_deref().and_then(CheckinReview::parse),
            leave: r
                .leave
                .map(crate::domain::attendance::LeaveStatus::from_rank),
            version: r.version,
        }
    }
}

/// A member as an organiser's phone pulls the roster.
#[derive(sqlx::FromRow)]
struct RosterRow {
    id: String,
    display_name: String,
    committee: i64,
    group_id: Option<String>,
    active: i64,
    version: i64,
}

impl From<RosterRow> for RosterEntry {
    fn from(r: RosterRow) -> Self {
        RosterEntry {
            id: r.id,
            display_name: r.display_name,
            committee: r.committee != 0,
            group_id: r.group_id,
            active: r.active != 0,
            version: r.version,
        }
    }
}

/// Reference data changed since `cursor` (all of it when `None`): the activities `member` is
/// expected at from the start of today on, and for organisers the roster of their branches.
pub async fn pull(
    db: &Db,
    member: &CurrentUser,
    cursor: Option<i64>,
) -> Result<PullResponse, AppError> {
    let since = cursor.unwrap_or(-1);
    let (day_start, _) = crate::domain::time::day_bounds_ms(now_ms());
    let rows: Vec<PulledRow> = sqlx::query_as(
        "SELECT a.id, a.org_id, a.kind, a.topic, a.starts_at, a.ends_at, a.place, a.status, \
           a.version, \
           (SELECT COUNT(*) FROM activity_expected e \
             WHERE e.activity_id = a.id AND e.user_id = $1) AS expected, \
           (SELECT COUNT(*) FROM checkins c WHERE c.activity_id = a.id AND c.user_id = $1 \
             AND (c.review IS NULL OR c.review = 'confirmed')) AS checked_in, \
           (SELECT MIN(c.review) FROM checkins c WHERE c.activity_id = a.id AND c.user_id = $1 \
             AND c.review IN ('pending', 'refused')) AS checkin_review, \
           (SELECT MAX(CASE l.status WHEN 'approved' THEN 3 WHEN 'pending' THEN 2 ELSE 1 END) \
             FROM leave_requests l WHERE l.activity_id = a.id AND l.user_id = $1) AS leave \
         FROM activities a \
         WHERE a.version > $2 AND a.ends_at >= $3 AND a.id IN \
           (SELECT e.activity_id FROM activity_expected e WHERE e.user_id = $1) \
         ORDER BY a.version",
    )
    .bind(&member.id)
    .bind(since)
    .bind(day_start)
    .fetch_all(db.pool())
    .await?;
    let mut next = since.max(0);
    let mut activities = Vec::with_capacity(rows.len());
    for r in rows {
        next = next.max(r.version);
        activities.push(PulledActivity::from(r));
    }
    let roster = if member.role.runs_branches() {
        let sql = match member.role {
            crate::domain::role::Role::Admin => {
                "SELECT u.id, u.display_name, u.committee, u.group_id, u.active, u.version \
                 FROM users u JOIN organisations o ON o.id = u.org_id \
                 WHERE o.parent_id = $1 AND u.version > $2 ORDER BY u.version"
            }
            _ => {
                "SELECT u.id, u.display_name, u.committee, u.group_id, u.active, u.version \
                 FROM users u WHERE u.org_id = $1 AND u.version > $2 ORDER BY u.version"
            }
        };
        let rows: Vec<RosterRow> = sqlx::query_as(sql)
            .bind(&member.org_id)
            .bind(since)
            .fetch_all(db.pool())
            .await?;
        let mut roster = Vec::with_capacity(rows.len());
        for r in rows {
            next = next.max(r.version);
            roster.push(RosterEntry::from(r));
        }
        Some(roster)
    } else {
        None
    };
    let key = server_secret(db, RECEIPT_KEY).await?;
    Ok(PullResponse {
        cursor: next,
        activities,
        roster,
        receipt: Some(crate::domain::replay::mint_receipt(
            &key,
            &member.id,
            now_ms(),
        )),
    })
}
