//! Sessions looked up inside the write that needs them: a member's push on the writer of merged
//! writes reads its session in its own transaction, one statement for every push of the moment,
//! instead of a read of its own before — the same rules as [`user_for_token`](super::user_for_token)
//! (not expired, not idle too long, an active account), read in the push's own transaction: on
//! SQLite under its one write lock, so as of its commit; on PostgreSQL as of the read (a
//! sign-out committed between that read and the push's commit lets that one push through —
//! a narrower gap than a read before the transaction, as before this file).

use super::{TOUCH_EVERY_MS, UserRow, token_hash};
use crate::auth::CurrentUser;
use crate::error::AppError;
use sqlx::{AnyConnection, AssertSqlSafe};
use std::collections::HashMap;

/// A session cookie's token as stored (its hash), with the idle timeout it is held to.
#[derive(Clone, Debug)]
pub struct SessionKey {
    hash: String,
    idle_ms: i64,
}

impl SessionKey {
    pub fn of(token: &str, idle_ms: i64) -> Self {
        Self {
            hash: token_hash(token),
            idle_ms,
        }
    }
}

#[derive(sqlx::FromRow)]
struct KeyedRow {
    token_hash: String,
    #[sqlx(flatten)]
    user: UserRow,
    seen: i64,
}

/// The user of each live session among `keys` at `now` (`None` for one that is not), in
/// order, in `conn`'s transaction: one read for all of them, and one write that moves on the
/// idle clock of those last seen more than a minute ago.
pub async fn users_in(
    conn: &mut AnyConnection,
    keys: &[&SessionKey],
    now: i64,
) -> Result<Vec<Option<CurrentUser>>, AppError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut hashes: Vec<&str> = keys.iter().map(|k| k.hash.as_str()).collect();
    hashes.sort_unstable();
    hashes.dedup();
    // The hashes first, then now: in the order they appear (SQLite's marks are positional).
    let marks = crate::db::value_marks(conn, hashes.len() + 1);
    let (now_mark, marks) = marks.split_last().ok_or(AppError::Internal)?;
    let sql = format!(
        concat!(
            "SELECT s.token_hash, ",
            user_columns!(),
            ", COALESCE(s.last_seen_at, s.created_at) AS seen \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             JOIN organisations o ON o.id = u.org_id \
             WHERE s.token_hash IN ({}) AND s.expires_at > {} AND u.active = 1"
        ),
        marks.join(", "),
        now_mark
    );
    let mut query = sqlx::query_as::<_, KeyedRow>(AssertSqlSafe(sql));
    for hash in &hashes {
        query = query.bind(hash.to_string());
    }
    query = query.bind(now);
    let rows: HashMap<String, (UserRow, i64)> = query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.token_hash, (r.user, r.seen)))
        .collect();
    let mut users = Vec::with_capacity(keys.len());
    let mut touch: Vec<&str> = Vec::new();
    for key in keys {
        let user = match rows.get(&key.hash) {
            Some((user, seen)) if *seen > now - key.idle_ms => {
                if now - seen > TOUCH_EVERY_MS && !touch.contains(&key.hash.as_str()) {
                    touch.push(&key.hash);
                }
                Some(user.clone().into_user()?)
            }
            _ => None,
        };
        users.push(user);
    }
    if !touch.is_empty() {
        let marks = crate::db::value_marks(conn, touch.len() + 1);
        let (now_mark, marks) = marks.split_first().ok_or(AppError::Internal)?;
        let sql = format!(
            "UPDATE sessions SET last_seen_at = {now_mark} WHERE token_hash IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(now);
        for hash in touch {
            query = query.bind(hash.to_owned());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(users)
}
