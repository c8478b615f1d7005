//! Each activity's counts (`activity_tallies`), kept beside its records: rewritten from the
//! activity's roll in the transaction of every change to that roll, so they never drift from
//! what the branch page computes; the bureau's roll-up reads them instead of every roll.
//!
//! The changes that rewrite a tally: its 应到 set (scheduling, the roster followed, a member's
//! move), a check-in stored, reviewed, a hand mark, the roll closed, a leave decided, the
//! activity edited or cancelled. A leave request only asked changes nothing (a pending leave is
//! not 请假). [`recount`] computes every tally from the raw records again: at start-up for
//! activities that have none, and in `xingqi recount [--check]`.

use super::super::RollEntry;
use super::roll::{roll_of, rolls_of_activities};
use crate::db::Db;
use crate::domain::attendance::RollCounts;
use crate::domain::cadence::roll_taken;
use crate::domain::time::year_of;
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// An activity's counts, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TallyRow {
    pub year: i32,
    /// Scheduled and held: it counts in participation.
    pub counted: bool,
    pub expected: i64,
    pub present: i64,
    pub excused: i64,
}

/// Whether an activity's roll was taken (it counts as held) and its counts: the rule the branch
/// page and the stored tallies share.
pub fn roll_tally(roll: &[RollEntry], roll_closed: bool) -> (RollCounts, bool) {
    let counts = RollCounts::of(roll.iter().map(|e| e.state));
    let held = roll_taken(
        roll.iter().filter(|e| e.checkin_method.is_some()).count() as u32,
        roll.iter().filter(|e| e.marked).count() as u32,
        roll_closed,
    );
    (counts, held)
}

/// The activity facts a tally needs besides its roll.
#[derive(sqlx::FromRow)]
struct Head {
    id: String,
    org_id: String,
    starts_at: i64,
    status: String,
    roll_closed_at: Option<i64>,
}

impl Head {
    fn tally(&self, roll: &[RollEntry]) -> TallyRow {
        let (counts, held) = roll_tally(roll, self.roll_closed_at.is_some());
        TallyRow {
            year: year_of(self.starts_at),
            counted: self.status == "scheduled" && held,
            expected: counts.expected.into(),
            present: counts.present.into(),
            excused: counts.excused.into(),
        }
    }
}

const HEAD: &str = "SELECT id, org_id, starts_at, status, roll_closed_at FROM activities";

async fn store(conn: &mut AnyConnection, head: &Head, t: &TallyRow) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO activity_tallies (activity_id, org_id, year, counted, expected, present, \
           excused) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (activity_id) DO UPDATE SET org_id = excluded.org_id, year = excluded.year, \
           counted = excluded.counted, expected = excluded.expected, present = excluded.present, \
           excused = excluded.excused",
    )
    .bind(head.id.clone())
    .bind(head.org_id.clone())
    .bind(t.year)
    .bind(i32::from(t.counted))
    .bind(t.expected)
    .bind(t.present)
    .bind(t.excused)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Rewrites the tallies of `activity_ids` from their rolls, in the caller's transaction.
///
/// On PostgreSQL two transactions may change one roll at once (READ COMMITTED): each first
/// locks the tally's row, in id order, so the later one reads its roll only once the earlier
/// one has committed and writes the counts with both changes in. SQLite has one writer.
pub async fn retally(conn: &mut AnyConnection, activity_ids: &[&str]) -> Result<(), AppError> {
    let mut ids = activity_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let postgres = conn.backend_name() == "PostgreSQL";
    for id in ids {
        if postgres {
            sqlx::query("SELECT 1 FROM activity_tallies WHERE activity_id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        }
        let head: Option<Head> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{HEAD} WHERE id = $1")))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some(head) = head else { continue };
        let roll = roll_of(conn, id).await?;
        store(conn, &head, &head.tally(&roll)).await?;
    }
    Ok(())
}

/// Every activity of `branch_id` with the tally its raw records give now.
async fn computed(
    conn: &mut AnyConnection,
    branch_id: &str,
) -> Result<Vec<(Head, TallyRow)>, AppError> {
    let heads: Vec<Head> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{HEAD} WHERE org_id = $1 ORDER BY id"
    )))
    .bind(branch_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut rolls = rolls_of_activities(conn, branch_id).await?;
    Ok(heads
        .into_iter()
        .map(|h| {
            let t = h.tally(&rolls.remove(&h.id).unwrap_or_default());
            (h, t)
        })
        .collect())
}

/// What [`recount`] found or did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recount {
    pub activities: u64,
    /// Tallies that differed from the raw records (missing ones included): activity id, stored,
    /// computed.
    pub differing: Vec<(String, Option<TallyRow>, TallyRow)>,
}

/// Which branches to recount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Only branches with an activity that has no tally (start-up).
    Missing,
    Every,
}

/// Computes the tallies of `scope` from the raw records and compares them with the stored ones;
/// when `write`, stores those that differ. Each branch is read and written in one write
/// transaction (on PostgreSQL with its tallies locked first, as [`retally`] does), so a change
/// made meanwhile is either in what it reads or rewrites the tally after it.
pub async fn recount(db: &Db, scope: Scope, write: bool) -> Result<Recount, AppError> {
    let branches: Vec<String> = sqlx::query_scalar(match scope {
        Scope::Missing => {
            "SELECT DISTINCT a.org_id FROM activities a WHERE NOT EXISTS \
             (SELECT 1 FROM activity_tallies t WHERE t.activity_id = a.id) ORDER BY a.org_id"
        }
        Scope::Every => "SELECT DISTINCT org_id FROM activities ORDER BY org_id",
    })
    .fetch_all(db.pool())
    .await?;
    let mut out = Recount::default();
    for branch in branches {
        let differing = if write {
            let mut tx = db.begin_write().await?;
            if tx.backend_name() == "PostgreSQL" {
                sqlx::query("SELECT 1 FROM activity_tallies WHERE org_id = $1 ORDER BY activity_id FOR UPDATE")
                    .bind(&branch)
                    .fetch_all(&mut *tx)
                    .await?;
            }
            let (count, differing) = compare(&mut tx, &branch).await?;
            for (head, _, fresh) in &differing {
                store(&mut tx, head, fresh).await?;
            }
            tx.commit().await?;
            out.activities += count;
            differing
        } else {
            let mut conn = db.pool().acquire().await?;
            let (count, differing) = compare(&mut conn, &branch).await?;
            out.activities += count;
            differing
        };
        out.differing.extend(
            differing
                .into_iter()
                .map(|(h, stored, fresh)| (h.id, stored, fresh)),
        );
    }
    Ok(out)
}

/// The stored tallies of `branch_id` (of every branch when `None`), by activity.
pub async fn stored_tallies(
    conn: &mut AnyConnection,
    branch_id: Option<&str>,
) -> Result<HashMap<String, TallyRow>, AppError> {
    const COLUMNS: &str = "SELECT activity_id, year, counted, expected, present, excused \
                           FROM activity_tallies";
    let sql = match branch_id {
        Some(_) => format!("{COLUMNS} WHERE org_id = $1"),
        None => COLUMNS.to_owned(),
    };
    let mut query =
        sqlx::query_as::<_, (String, i32, i32, i64, i64, i64)>(sqlx::AssertSqlSafe(sql));
    if let Some(branch) = branch_id {
        query = query.bind(branch);
    }
    Ok(query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, year, counted, expected, present, excused)| {
            let counted = counted != 0;
            let t = TallyRow {
                year,
                counted,
                expected,
                present,
                excused,
            };
            (id, t)
        })
        .collect())
}

/// How many activities `branch_id` has, and those whose stored tally differs from its records.
async fn compare(
    conn: &mut AnyConnection,
    branch_id: &str,
) -> Result<(u64, Vec<(Head, Option<TallyRow>, TallyRow)>), AppError> {
    let fresh = computed(conn, branch_id).await?;
    let stored = stored_tallies(conn, Some(branch_id)).await?;
    let count = fresh.len() as u64;
    let differing = fresh
        .into_iter()
        .filter_map(|(h, t)| {
            let before = stored.get(&h.id).copied();
            (before != Some(t)).then_some((h, before, t))
        })
        .collect();
    Ok((count, differing))
}
