//! A branch's activities of a year with their counts alone, from the kept tallies
//! (`activity_tallies`, equal to the rolls by construction and by `xingqi recount --check`):
//! what the rating reads, one query where the rolls took one row per expected member.

use super::{ActivityFigure, Figure};
use crate::db::Db;
use crate::domain::activity::ActivityKind;
use crate::domain::attendance::RollCounts;
use crate::domain::participation::SEED_PARTICIPATION_BAR;
use crate::domain::time::year_bounds_ms;
use crate::error::AppError;

/// How much of each activity a year's overview reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Who was present, excused, absent (the branch page): every activity's roll.
    Names,
    /// The counts alone (the rating's inputs, a list's summaries): the kept tallies, no roll,
    /// and none of what only the branch page shows around them (its to-dos, leave requests,
    /// years to pick, the year's closing).
    Counts,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    kind: String,
    topic: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    has_minutes: i32,
    audience_group: Option<String>,
    counted: Option<i32>,
    expected: Option<i64>,
    present: Option<i64>,
    excused: Option<i64>,
}

/// The branch's scheduled activities of `year`, newest first, each with its counts; no names.
pub(super) async fn year_activities(
    db: &Db,
    branch_id: &str,
    year: i32,
    now: i64,
) -> Result<Vec<ActivityFigure>, AppError> {
    let (from, to) = year_bounds_ms(year);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.kind, a.topic, a.starts_at, a.ends_at, a.place, \
           CASE WHEN a.minutes = '' THEN 0 ELSE 1 END AS has_minutes, a.audience_group, \
           t.counted, t.expected, t.present, t.excused \
         FROM activities a LEFT JOIN activity_tallies t ON t.activity_id = a.id \
         WHERE a.org_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2 AND a.starts_at < $3 \
         ORDER BY a.starts_at DESC, a.id",
    )
    .bind(branch_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let count = |n: Option<i64>| u32::try_from(n.unwrap_or(0)).unwrap_or(0);
            let (expected, present, excused) =
                (count(r.expected), count(r.present), count(r.excused));
            let counts = RollCounts {
                expected,
                present,
                excused,
                absent: expected.saturating_sub(present + excused),
            };
            ActivityFigure {
                id: r.id,
                kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Other),
                topic: r.topic,
                started: r.starts_at <= now,
                starts_at: r.starts_at,
                place: r.place,
                held: r.counted == Some(1),
                group: r.audience_group,
                ends_at: r.ends_at,
                has_minutes: r.has_minutes != 0,
                counts,
                figure: Figure::of(counts.attendance(), SEED_PARTICIPATION_BAR),
                present: Vec::new(),
                excused: Vec::new(),
                absent: Vec::new(),
                conflicts: Vec::new(),
            }
        })
        .collect())
}
