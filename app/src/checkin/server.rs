//! The member's activities as 我的活动 shows them (a pushed check-in is stored by `store`).

use super::{MemberActivity, MyActivities};
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::{Mark, conflict, member_note};
use crate::domain::time::day_bounds_ms;
use crate::error::AppError;
use crate::sync::protocol::CheckinReview;

/// Failed codes (wrong, expired, or from outside the activity) a member may send for one
/// activity before code check-in stops for them there. Ten typos is generous; ten guesses at a
/// six-digit code that changes every 30 s are not.
pub const MAX_WRONG_CODES: i64 = 10;

/// How many upcoming activities "我的活动" lists after today's.
const UPCOMING_LIMIT: i64 = 10;

/// A row of "我的活动": the activity with the member's own facts about it.
#[derive(sqlx::FromRow)]
struct MemberActivityRow {
    id: String,
    kind: String,
    topic: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    checked_in: i64,
    checkin_review: Option<String>,
    leave: Option<i64>,
    latest_mark: Option<String>,
    latest_mark_at: Option<i64>,
    checkin_received_at: Option<i64>,
}

impl From<MemberActivityRow> for MemberActivity {
    fn from(r: MemberActivityRow) -> Self {
        let mark = r.latest_mark.as_deref().and_then(Mark::parse);
        let in_conflict = conflict(mark.zip(r.latest_mark_at), r.checkin_received_at);
        let record_note = member_note(r.checked_in > 0, mark, in_conflict).map(str::to_owned);
        MemberActivity {
            id: r.id,
            kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Other),
            topic: r.topic,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            place: r.place,
            checked_in: r.checked_in > 0,
            checkin_review: r.checkin_review.as_deref().and_then(CheckinReview::parse),
            leave: r
                .leave
                .map(crate::domain::attendance::LeaveStatus::from_rank),
            record_note,
        }
    }
}

/// Today's and the next scheduled activities that `member` is expected at.
pub async fn member_activities(
    db: &Db,
    member: &CurrentUser,
    now: i64,
) -> Result<MyActivities, AppError> {
    let (day_start, day_end) = day_bounds_ms(now);
    let rows: Vec<MemberActivityRow> = sqlx::query_as(
        "SELECT a.id, a.kind, a.topic, a.starts_at, a.ends_at, a.place, \
           (SELECT COUNT(*) FROM checkins c WHERE c.activity_id = a.id AND c.user_id = e.user_id \
             AND (c.review IS NULL OR c.review = 'confirmed')) AS checked_in, \
           (SELECT MIN(c.review) FROM checkins c WHERE c.activity_id = a.id \
             AND c.user_id = e.user_id AND c.review IN ('pending', 'refused')) AS checkin_review, \
           (SELECT MAX(CASE l.status WHEN 'approved' THEN 3 WHEN 'pending' THEN 2 ELSE 1 END) \
             FROM leave_requests l WHERE l.activity_id = a.id AND l.user_id = e.user_id) AS leave, \
           (SELECT m.mark FROM attendance_marks m WHERE m.activity_id = a.id \
             AND m.user_id = e.user_id ORDER BY m.marked_at DESC, m.id DESC LIMIT 1) AS latest_mark, \
           (SELECT MAX(m.marked_at) FROM attendance_marks m WHERE m.activity_id = a.id \
             AND m.user_id = e.user_id) AS latest_mark_at, \
           (SELECT MAX(c.received_at) FROM checkins c WHERE c.activity_id = a.id \
             AND c.user_id = e.user_id AND (c.review IS NULL OR c.review = 'confirmed')) \
             AS checkin_received_at \
         FROM activities a JOIN activity_expected e ON e.activity_id = a.id \
         WHERE e.user_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2 \
         ORDER BY a.starts_at, a.id LIMIT $3",
    )
    .bind(&member.id)
    .bind(day_start)
    .bind(UPCOMING_LIMIT + 20)
    .fetch_all(db.pool())
    .await?;
    let mut today = Vec::new();
    let mut upcoming = Vec::new();
    for row in rows {
        let a = MemberActivity::from(row);
        if a.starts_at < day_end {
            today.push(a);
        } else if (upcoming.len() as i64) < UPCOMING_LIMIT {
            upcoming.push(a);
        }
    }
    Ok(MyActivities {
        member: member.clone(),
        today,
        upcoming,
    })
}
