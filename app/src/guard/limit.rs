//! Counting requests against the deployment's [`Limits`](crate::domain::limits::Limits) in the
//! database: one fixed window per bucket and key (an address or an account), so every server
//! process on the same database counts together. Keys are stored as keyed hashes, never as
//! addresses or usernames. A counter is written in a transaction of its own, or — for a
//! member's push, which the writer of merged writes commits with the others of the moment
//! anyway — first in the push's own transaction ([`Counts`]); never in a transaction that stores a
//! survey answer, so no counter row is committed with one.

use super::secret::{keyed_hash, server_secret};
use crate::db::{Backend, Db, Lane};
use crate::domain::limits::{Bucket, Limit, Limits, verdict};
use crate::error::AppError;
use rand::Rng;

/// The name of the salt that hides rate-limit keys.
const KEY_SALT: &str = "rate-limit-key";

/// Counts one request of `bucket` by `key` at `now` (ms): `Err(AppError::TooMany)` with the
/// seconds to wait once the window holds more than the limit. Refused requests count too, so
/// hammering does not shorten the wait.
pub async fn count(
    db: &Db,
    limits: &Limits,
    bucket: Bucket,
    key: &str,
    now: i64,
) -> Result<(), AppError> {
    count_by(db, limits, bucket, key, 1, now).await
}

/// [`count`] for `n` requests at once (the survey answers of one pushed batch).
pub async fn count_by(
    db: &Db,
    limits: &Limits,
    bucket: Bucket,
    key: &str,
    n: i64,
    now: i64,
) -> Result<(), AppError> {
    let limit = limits.of(bucket);
    let key_hash = hidden_key(db, bucket, key).await?;
    let window_ms = limit.window_ms();
    // A write of its own (never in the transaction of what it guards); on SQLite it shares a
    // commit with the other writes of the moment (`Db::write`).
    let key = bucket.key();
    let (hits, window_start) = db
        .write(Lane::People, move |conn| {
            Box::pin(async move { bump(conn, key, &key_hash, now, window_ms, n).await })
        })
        .await?;
    counted(db, limits, now).await?;
    verdict(limit, hits, window_start, now).map_err(|retry_after_s| {
        tracing::info!(bucket = bucket.key(), retry_after_s, "rate limit reached");
        AppError::TooMany(retry_after_s)
    })
}

/// Whether `key` is over the limit of `bucket` already, without counting this request: for
/// limits that count only failures (a wrong code), checked before the lookup.
pub async fn check(
    db: &Db,
    limits: &Limits,
    bucket: Bucket,
    key: &str,
    now: i64,
) -> Result<(), AppError> {
    let limit = limits.of(bucket);
    let key_hash = hidden_key(db, bucket, key).await?;
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT hits, window_start FROM rate_counts WHERE bucket = $1 AND key_hash = $2",
    )
    .bind(bucket.key())
    .bind(&key_hash)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some((hits, start)) if !window_ended(start, now, limit.window_ms()) => {
            // The next request would be hits + 1.
            verdict(limit, hits + 1, start, now).map_err(AppError::TooMany)
        }
        _ => Ok(()),
    }
}

/// Whether a counter's window that started at `start` is over at `now`: it ended, or it
/// starts more than a window ahead (the server's clock was set back). A start a little ahead
/// of `now` is a request that read the clock before another one counted first (requests
/// are counted in the order they reach the database, not the order they read the clock):
/// the window goes on — restarting it there let a crowd of requests at once through the limit.
/// The same rule is written in SQL in [`bump`] and [`bump_all`].
fn window_ended(start: i64, now: i64, window_ms: i64) -> bool {
    start <= now - window_ms || start > now + window_ms
}

/// Adds `n` hits to a counter's window (starting a new window once the old one ended) and
/// answers its hits and the window's start.
async fn bump(
    conn: &mut sqlx::AnyConnection,
    bucket: &'static str,
    key_hash: &str,
    now: i64,
    window_ms: i64,
    n: i64,
) -> Result<(i64, i64), AppError> {
    Ok(sqlx::query_as(
        "INSERT INTO rate_counts (bucket, key_hash, window_start, hits) VALUES ($1, $2, $3, $5) \
         ON CONFLICT (bucket, key_hash) DO UPDATE SET \
           hits = CASE WHEN rate_counts.window_start <= $4 OR rate_counts.window_start > $6 \
                  THEN $5 ELSE rate_counts.hits + $5 END, \
           window_start = CASE WHEN rate_counts.window_start <= $4 OR rate_counts.window_start > $6 \
                  THEN $3 ELSE rate_counts.window_start END \
         RETURNING hits, window_start",
    )
    .bind(bucket)
    .bind(key_hash)
    .bind(now)
    .bind(now - window_ms)
    .bind(n.max(1))
    .bind(now + window_ms)
    .fetch_one(conn)
    .await?)
}

/// [`bump`] for several counters at once (each `(bucket, key_hash, window_ms, hits)`, no two of
/// the same bucket and key) in one statement; answers each counter's bucket, key, hits and
/// window start, in no particular order.
async fn bump_all(
    conn: &mut sqlx::AnyConnection,
    keys: &[(&'static str, &str, i64, i64)],
    now: i64,
) -> Result<Vec<(String, String, i64, i64)>, AppError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    // $1 is now; each counter k binds its bucket, key, window and hits at $4k-2 … $4k+1.
    let values: Vec<String> = (0..keys.len())
        .map(|k| format!("(${}, ${}, $1, ${})", 4 * k + 2, 4 * k + 3, 4 * k + 5))
        .collect();
    let windows: Vec<String> = (0..keys.len())
        .map(|k| format!("WHEN ${} THEN ${}", 4 * k + 2, 4 * k + 4))
        .collect();
    let window = format!("(CASE excluded.bucket {} END)", windows.join(" "));
    let ended = format!(
        "rate_counts.window_start <= $1 - {window} OR rate_counts.window_start > $1 + {window}"
    );
    let sql = format!(
        "INSERT INTO rate_counts (bucket, key_hash, window_start, hits) VALUES {} \
         ON CONFLICT (bucket, key_hash) DO UPDATE SET \
           hits = CASE WHEN {ended} THEN excluded.hits ELSE rate_counts.hits + excluded.hits END, \
           window_start = CASE WHEN {ended} THEN $1 ELSE rate_counts.window_start END \
         RETURNING bucket, key_hash, hits, window_start",
        values.join(", ")
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(now);
    for (bucket, key_hash, window_ms, hits) in keys {
        query = query
            .bind(*bucket)
            .bind(key_hash.to_string())
            .bind(*window_ms)
            .bind(*hits);
    }
    Ok(query.fetch_all(conn).await?)
}

/// The stored form of a key: a keyed hash, so the table holds no address or username.
async fn hidden_key(db: &Db, bucket: Bucket, key: &str) -> Result<String, AppError> {
    let salt = server_secret(db, KEY_SALT).await?;
    Ok(hide(&salt, bucket, key))
}

/// A key as stored: its keyed hash, salted per deployment, with its bucket in it.
fn hide(salt: &[u8], bucket: Bucket, key: &str) -> String {
    keyed_hash(salt, format!("{}:{key}", bucket.key()).as_bytes())
}

/// Counts one request in each of several buckets (an address and an account, say); refused
/// if any is over, with the longest wait.
pub async fn count_many(
    db: &Db,
    limits: &Limits,
    keys: &[(Bucket, &str)],
    now: i64,
) -> Result<(), AppError> {
    let counts = Counts::prepare(db, limits, keys, now).await?;
    let verdict = counts.count_alone(db).await;
    counted(db, limits, now).await?;
    verdict
}

/// One request's counters, their keys hidden already, to be counted in a write: on its own
/// ([`count_many`]) or first thing in the write of what they guard, where a single writer
/// commits both at once anyway (the writer of merged writes; see `sync::server::push_with`).
/// Never in a write that stores a survey answer.
#[derive(Clone)]
pub struct Counts {
    now: i64,
    keys: Vec<(Bucket, Limit, String)>,
    /// A bucket whose key is learnt only inside the write (the member of a session looked up
    /// there), with the salt that hides it: see [`Counts::with_later`].
    later: Option<(Bucket, Limit, Vec<u8>)>,
}

impl Counts {
    /// Hides each key (a keyed hash) and looks up its bucket's limit.
    pub async fn prepare(
        db: &Db,
        limits: &Limits,
        keys: &[(Bucket, &str)],
        now: i64,
    ) -> Result<Self, AppError> {
        let mut hidden = Vec::with_capacity(keys.len());
        for (bucket, key) in keys {
            hidden.push((
                *bucket,
                limits.of(*bucket),
                hidden_key(db, *bucket, key).await?,
            ));
        }
        Ok(Counts {
            now,
            keys: hidden,
            later: None,
        })
    }

    /// [`Counts::prepare`] and one more bucket, whose key is given later, inside the write
    /// ([`Counts::with_later`]); until then that bucket is not counted.
    pub async fn prepare_later(
        db: &Db,
        limits: &Limits,
        keys: &[(Bucket, &str)],
        later: Bucket,
        now: i64,
    ) -> Result<Self, AppError> {
        let mut counts = Self::prepare(db, limits, keys, now).await?;
        let salt = server_secret(db, KEY_SALT).await?;
        counts.later = Some((later, limits.of(later), salt));
        Ok(counts)
    }

    /// These counts with the later bucket's key now known, hidden as [`Counts::prepare`]
    /// hides keys.
    pub fn with_later(&self, key: &str) -> Counts {
        let mut keys = self.keys.clone();
        if let Some((bucket, limit, salt)) = &self.later {
            keys.push((*bucket, *limit, hide(salt, *bucket, key)));
        }
        Counts {
            now: self.now,
            keys,
            later: None,
        }
    }

    /// Counts in a write of their own (one commit, shared with others on SQLite); refused
    /// with `TooMany` when any counter is over. On PostgreSQL that commit does not wait for
    /// the disk (`synchronous_commit = off` for this transaction alone): a counter is no
    /// one's record, and a crash that forgets the last moment's hits forgets nothing a user
    /// sent — while a push would otherwise wait for two flushes, its counters' and its own.
    pub async fn count_alone(self, db: &Db) -> Result<(), AppError> {
        let postgres = db.backend() == Backend::Postgres;
        db.write(Lane::People, move |conn| {
            Box::pin(async move {
                if postgres {
                    sqlx::query("SET LOCAL synchronous_commit = off")
                        .execute(&mut *conn)
                        .await?;
                }
                self.bump(conn).await
            })
        })
        .await?
    }

    /// Adds one hit to every counter in `conn`'s transaction and answers the verdict:
    /// `Ok(Err(TooMany))` with the longest wait when any is over. The hits stay counted either
    /// way (the caller commits them), so hammering does not shorten the wait.
    pub async fn bump(
        &self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<Result<(), AppError>, AppError> {
        let mut verdicts = Counts::bump_many(conn, &[self]).await?;
        verdicts.pop().ok_or(AppError::Internal)
    }

    /// [`Counts::bump`] for several requests (in the order they came) in one statement: each
    /// request's verdict is the one it would have had counted alone, after those before it. A
    /// counter shared by several requests (phones behind one address) gets all their hits at
    /// once, and the n-th of them is judged on the count after its own hit.
    pub async fn bump_many(
        conn: &mut sqlx::AnyConnection,
        requests: &[&Counts],
    ) -> Result<Vec<Result<(), AppError>>, AppError> {
        // Written at one moment: the latest of theirs (they came within the same commit).
        let now = requests.iter().map(|c| c.now).max().unwrap_or(0);
        let mut keys: Vec<(&'static str, &str, i64, i64)> = Vec::new();
        for (bucket, limit, key_hash) in requests.iter().flat_map(|c| &c.keys) {
            match keys
                .iter_mut()
                .find(|(b, k, ..)| *b == bucket.key() && *k == key_hash)
            {
                Some((.., hits)) => *hits += 1,
                None => keys.push((bucket.key(), key_hash, limit.window_ms(), 1)),
            }
        }
        // Sorted: on PostgreSQL two processes' merged pushes lock the counters they share in
        // the same order, so neither waits for the other while holding what it waits for.
        keys.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let counted = bump_all(conn, &keys, now).await?;
        // Each counter's count before this statement's first hit (its window may have restarted).
        let mut before: Vec<(&str, &str, i64, i64)> = Vec::with_capacity(keys.len());
        for (bucket, key_hash, _, hits) in &keys {
            let (total, start) = counted
                .iter()
                .find(|(b, k, ..)| b == bucket && k == key_hash)
                .map(|(.., total, start)| (*total, *start))
                .ok_or(AppError::Internal)?;
            before.push((bucket, key_hash, total - hits, start));
        }
        let mut verdicts = Vec::with_capacity(requests.len());
        for request in requests {
            let mut wait = None;
            for (bucket, limit, key_hash) in &request.keys {
                let (.., count, start) = before
                    .iter_mut()
                    .find(|(b, k, ..)| *b == bucket.key() && *k == key_hash)
                    .ok_or(AppError::Internal)?;
                *count += 1;
                if let Err(s) = verdict(*limit, *count, *start, now) {
                    tracing::info!(
                        bucket = bucket.key(),
                        retry_after_s = s,
                        "rate limit reached"
                    );
                    wait = wait.max(Some(s));
                }
            }
            verdicts.push(wait.map_or(Ok(()), |s| Err(AppError::TooMany(s))));
        }
        Ok(verdicts)
    }
}

/// Now and then (one request in 256), after counting: forgets the counters of windows long
/// past, so the table holds about one row per recent key.
pub async fn counted(db: &Db, limits: &Limits, now: i64) -> Result<(), AppError> {
    if rand::rngs::OsRng.gen_ratio(1, 256) {
        prune(db, limits, now).await?;
    }
    Ok(())
}

/// Forgets counters whose window ended longer ago than the longest window.
async fn prune(db: &Db, limits: &Limits, now: i64) -> Result<(), AppError> {
    let longest = Bucket::ALL
        .into_iter()
        .map(|b| limits.of(b).window_ms())
        .max()
        .unwrap_or(0);
    let before = now - 2 * longest;
    // Through the writer, like the counting: on SQLite a lone write beside a stream of grouped
    // ones would wait for a gap that may not come.
    let prune = sqlx::query("DELETE FROM rate_counts WHERE window_start < $1").bind(before);
    db.execute_write(prune).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::window_ended;

    #[test]
    fn a_window_started_a_moment_ahead_goes_on() {
        let minute = 60_000;
        assert!(!window_ended(1_000, 1_000, minute));
        // Counted first by a request that read the clock a little later.
        assert!(!window_ended(1_005, 1_000, minute));
        assert!(!window_ended(1_000 + minute, 1_000, minute));
        // The clock was set back by more than a window.
        assert!(window_ended(1_001 + minute, 1_000, minute));
        // A window ends exactly `window_ms` after its start.
        assert!(!window_ended(1_000, 1_000 + minute - 1, minute));
        assert!(window_ended(1_000, 1_000 + minute, minute));
    }
}
