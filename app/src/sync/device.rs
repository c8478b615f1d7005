//! A device's row after a push: its high-water mark moved, and a numbering that started again
//! noticed. A record stored only now yet numbered at or below what the device sent before means
//! its counter went back, which only happens when its store was wiped.

use super::protocol::DeviceState;
use crate::error::AppError;
use sqlx::{AnyConnection, AssertSqlSafe};
use std::collections::HashMap;
use uuid::Uuid;

/// What one push does to its device's row.
pub struct DeviceMove<'a> {
    pub id: Uuid,
    pub member_id: &'a str,
    /// The highest number among the push's records that move the mark.
    pub max_seq: i64,
    /// The lowest number among the records the push stored.
    pub lowest_accepted: Option<i64>,
    /// When the push arrived.
    pub at: i64,
}

/// A device's row as the rule reads and writes it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
struct DeviceRow {
    high_water: i64,
    resets: i64,
    reset_mark: Option<String>,
}

/// The rule, for a row as read (`None`: a device not seen before) and one push: the row after
/// it, and whether the push restarted the numbering.
fn moved(row: Option<&DeviceRow>, m: &DeviceMove, mark: &str) -> (DeviceRow, bool) {
    match row {
        None => (
            DeviceRow {
                high_water: m.max_seq,
                resets: 0,
                reset_mark: None,
            },
            false,
        ),
        Some(row) => {
            let reset = m.lowest_accepted.is_some_and(|l| row.high_water >= l);
            let after = DeviceRow {
                high_water: row.high_water.max(m.max_seq),
                resets: row.resets + i64::from(reset),
                reset_mark: if reset {
                    Some(mark.to_owned())
                } else {
                    row.reset_mark.clone()
                },
            };
            (after, reset)
        }
    }
}

/// Moves the devices of the pushes of one transaction, in their order, and answers each push's
/// device state. One push: one upsert that applies the rule itself, under the row's lock (two
/// pushes from one phone may race on PostgreSQL, through two processes). Several (merged
/// pushes): their rows read in one statement, moved one push after another by [`moved`] — the
/// same rule — and written back in one statement. Nothing may write those rows between the
/// read and the write: on SQLite nothing can (one write lock); on PostgreSQL the read locks
/// them (`FOR UPDATE`), and a device without a row yet — which another process may be inserting
/// meanwhile — is moved by the one-statement upsert, push by push (a phone's first pushes).
pub async fn record_devices(
    conn: &mut AnyConnection,
    moves: &[DeviceMove<'_>],
) -> Result<Vec<DeviceState>, AppError> {
    match moves {
        [] => Ok(Vec::new()),
        [one] => Ok(vec![record_device(conn, one).await?]),
        _ => record_together(conn, moves).await,
    }
}

/// [`record_devices`] for one push: the rule in one upsert. The push marks the row with a
/// random mark of its own when it counts a reset, and reads the mark back.
async fn record_device(
    conn: &mut AnyConnection,
    m: &DeviceMove<'_>,
) -> Result<DeviceState, AppError> {
    let mark = Uuid::new_v4().to_string();
    let (high_water, reset_mark): (i64, Option<String>) = sqlx::query_as(
        "INSERT INTO devices (id, user_id, high_water, resets, first_seen, last_seen) \
         VALUES ($1, $2, $3, 0, $4, $4) \
         ON CONFLICT (id) DO UPDATE SET \
           high_water = CASE WHEN devices.high_water > excluded.high_water \
             THEN devices.high_water ELSE excluded.high_water END, \
           user_id = excluded.user_id, last_seen = excluded.last_seen, \
           resets = devices.resets + CASE WHEN devices.high_water >= $5 THEN 1 ELSE 0 END, \
           reset_mark = CASE WHEN devices.high_water >= $5 THEN $6 ELSE devices.reset_mark END \
         RETURNING high_water, reset_mark",
    )
    .bind(m.id.to_string())
    .bind(m.member_id)
    .bind(m.max_seq)
    .bind(m.at)
    .bind(m.lowest_accepted)
    .bind(&mark)
    .fetch_one(&mut *conn)
    .await?;
    Ok(DeviceState {
        id: m.id,
        high_water,
        reset_detected: reset_mark.as_deref() == Some(mark.as_str()),
    })
}

/// [`record_devices`] for several pushes: two statements for all of them (and on PostgreSQL
/// one more per push of a device new here).
async fn record_together(
    conn: &mut AnyConnection,
    moves: &[DeviceMove<'_>],
) -> Result<Vec<DeviceState>, AppError> {
    let locks = conn.backend_name() != "SQLite";
    let mut ids: Vec<String> = moves.iter().map(|m| m.id.to_string()).collect();
    // Sorted: two processes lock the rows they share in the same order.
    ids.sort_unstable();
    ids.dedup();
    let marks = crate::db::value_marks(conn, ids.len());
    let sql = format!(
        "SELECT id, high_water, CAST(resets AS BIGINT) AS resets, reset_mark FROM devices \
         WHERE id IN ({}) ORDER BY id{}",
        marks.join(", "),
        if locks { " FOR UPDATE" } else { "" }
    );
    let mut query = sqlx::query_as::<_, (String, i64, i64, Option<String>)>(AssertSqlSafe(sql));
    for id in &ids {
        query = query.bind(id.clone());
    }
    let mut rows: HashMap<String, DeviceRow> = query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(id, high_water, resets, reset_mark)| {
            let row = DeviceRow {
                high_water,
                resets,
                reset_mark,
            };
            (id, row)
        })
        .collect();
    // Each device's row as written back: the last push's member and time; its first push's
    // time for a device new here.
    let mut written: HashMap<String, (&str, i64, i64)> = HashMap::new();
    let mut states: Vec<Option<DeviceState>> = Vec::with_capacity(moves.len());
    // On PostgreSQL, the pushes of devices with no row yet: each moved by its own upsert.
    let mut fresh: Vec<(usize, &DeviceMove)> = Vec::new();
    for (at, m) in moves.iter().enumerate() {
        let id = m.id.to_string();
        if locks && !rows.contains_key(&id) {
            fresh.push((at, m));
            states.push(None);
            continue;
        }
        let mark = Uuid::new_v4().to_string();
        let (after, reset) = moved(rows.get(&id), m, &mark);
        let first_seen = written.get(&id).map_or(m.at, |(_, first, _)| *first);
        written.insert(id.clone(), (m.member_id, first_seen, m.at));
        states.push(Some(DeviceState {
            id: m.id,
            high_water: after.high_water,
            reset_detected: reset,
        }));
        rows.insert(id, after);
    }
    // In device order (each device's own pushes keeping theirs), as the rows read were locked:
    // two processes inserting the same new devices take their locks alike.
    fresh.sort_by_key(|(_, m)| m.id);
    for (at, m) in fresh {
        let state = record_device(conn, m).await?;
        *states.get_mut(at).ok_or(AppError::Internal)? = Some(state);
    }
    let states = states
        .into_iter()
        .map(|s| s.ok_or(AppError::Internal))
        .collect::<Result<Vec<_>, _>>()?;
    if written.is_empty() {
        return Ok(states);
    }
    let marks = crate::db::value_marks(conn, written.len() * 7);
    let values: Vec<String> = marks
        .chunks(7)
        .map(|cells| format!("({})", cells.join(", ")))
        .collect();
    let sql = format!(
        "INSERT INTO devices (id, user_id, high_water, resets, first_seen, last_seen, reset_mark) \
         VALUES {} ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, \
           high_water = excluded.high_water, resets = excluded.resets, \
           last_seen = excluded.last_seen, reset_mark = excluded.reset_mark",
        values.join(", ")
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (id, (member_id, first_seen, last_seen)) in &written {
        let row = rows.get(id).ok_or(AppError::Internal)?;
        query = query
            .bind(id.clone())
            .bind(member_id.to_string())
            .bind(row.high_water)
            .bind(row.resets)
            .bind(*first_seen)
            .bind(*last_seen)
            .bind(row.reset_mark.clone());
    }
    query.execute(&mut *conn).await?;
    Ok(states)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(max_seq: i64, lowest_accepted: Option<i64>) -> DeviceMove<'static> {
        DeviceMove {
            id: Uuid::nil(),
            member_id: "m",
            max_seq,
            lowest_accepted,
            at: 0,
        }
    }

    #[test]
    fn a_number_at_or_below_the_mark_is_a_restart() {
        let (new, reset) = moved(None, &push(5, Some(1)), "a");
        assert_eq!((new.high_water, new.resets, reset), (5, 0, false));
        // Numbered on from the mark: no restart.
        let (next, reset) = moved(Some(&new), &push(9, Some(6)), "b");
        assert_eq!((next.high_water, next.resets, reset), (9, 0, false));
        // A record stored now at the mark itself: the numbering went back.
        let (again, reset) = moved(Some(&next), &push(9, Some(9)), "c");
        assert_eq!((again.high_water, again.resets, reset), (9, 1, true));
        assert_eq!(again.reset_mark.as_deref(), Some("c"));
        // Nothing stored (all duplicates): the mark stays, no restart.
        let (same, reset) = moved(Some(&again), &push(3, None), "d");
        assert_eq!((same.high_water, same.resets, reset), (9, 1, false));
        assert_eq!(same.reset_mark.as_deref(), Some("c"));
    }
}
