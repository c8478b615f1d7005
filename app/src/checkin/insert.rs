//! Writing the check-ins a push's rules accepted (`super::store`): every new row in as few
//! inserts as the database's limit on bound values allows, and the answer for a row another
//! transaction stored first.

use crate::db::Once;
use crate::domain::replay::Held;
use crate::error::AppError;
use crate::sync::protocol::PushResult;
use crate::sync::server::{Received, seen_result};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use uuid::Uuid;

/// The columns whose text is a check-in's content (for rows stored before content hashes).
pub(super) const CONTENT_COLUMNS: &[&str] = &["activity_id", "user_id", "device_time", "method"];
/// The columns of a stored check-in, in the order [`insert_all`] binds them.
const INSERT_COLUMNS: &str = "id, activity_id, user_id, device_time, method, received_at, \
    proof_step, device_id, device_seq, content_hash, review, held_because";
const PER_ROW: usize = 12;

/// A check-in that passed every rule, to be inserted.
pub(super) struct NewRow {
    pub(super) id: Uuid,
    pub(super) id_text: String,
    /// The batch it came in (its sender).
    pub(super) batch: usize,
    pub(super) activity_id: String,
    pub(super) device_time: i64,
    pub(super) method: &'static str,
    pub(super) step: i64,
    pub(super) seq: Option<i64>,
    pub(super) content_hash: String,
    pub(super) held: Option<Held>,
}

/// Inserts every new row in one statement; answers the ids it stored (an id another
/// transaction stored meanwhile is skipped by `ON CONFLICT`).
pub(super) async fn insert_all(
    conn: &mut AnyConnection,
    senders: &[&Received<'_>],
    rows: &[NewRow],
) -> Result<std::collections::HashSet<String>, AppError> {
    let mut inserted = std::collections::HashSet::with_capacity(rows.len());
    // A statement binds at most 32,766 values on SQLite (65,535 on PostgreSQL).
    for chunk in rows.chunks(MAX_ROWS_PER_INSERT) {
        inserted.extend(insert_rows(conn, senders, chunk).await?);
    }
    Ok(inserted)
}

/// The rows inserted in one statement at most.
const MAX_ROWS_PER_INSERT: usize = 1_000;

/// [`insert_all`] for rows that fit one statement.
async fn insert_rows(
    conn: &mut AnyConnection,
    senders: &[&Received<'_>],
    rows: &[NewRow],
) -> Result<Vec<String>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let marks = crate::db::value_marks(conn, rows.len() * PER_ROW);
    let values: Vec<String> = marks
        .chunks(PER_ROW)
        .map(|cells| format!("({})", cells.join(", ")))
        .collect();
    let sql = format!(
        "INSERT INTO checkins ({INSERT_COLUMNS}) VALUES {} ON CONFLICT (id) DO NOTHING RETURNING id",
        values.join(", ")
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for row in rows {
        let ctx = senders.get(row.batch).ok_or(AppError::Internal)?;
        query = query
            .bind(row.id_text.clone())
            .bind(row.activity_id.clone())
            .bind(ctx.member.id.clone())
            .bind(row.device_time)
            .bind(row.method)
            .bind(ctx.at)
            .bind(row.step)
            .bind(ctx.device.clone())
            .bind(row.seq)
            .bind(row.content_hash.clone())
            .bind(row.held.map(|_| "pending"))
            .bind(row.held.map(Held::code));
    }
    let stored = query.fetch_all(&mut *conn).await?;
    stored
        .iter()
        .map(|r| r.try_get::<String, _>(0).map_err(AppError::from))
        .collect()
}

/// The answer for a row another transaction stored first.
pub(super) async fn raced(conn: &mut AnyConnection, row: &NewRow) -> Result<PushResult, AppError> {
    let once = Once {
        table: "checkins",
        key_column: "id",
        legacy_columns: CONTENT_COLUMNS,
        key: &row.id_text,
        content_hash: row.content_hash.clone(),
    };
    match once.seen(conn).await? {
        Some(seen) => Ok(seen_result(row.id, seen)),
        None => Err(AppError::Internal),
    }
}
