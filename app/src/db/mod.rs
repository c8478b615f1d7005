//! The database handle: a pool over SQLite (the embedded default) or PostgreSQL, chosen at
//! run time by the URL, and a small pool of its own for the writes that take turns.
//!
//! Queries go through sqlx's `Any` driver so that each is written once. That keeps the schema
//! portable: ids and enumerations are TEXT, instants are BIGINT milliseconds, flags are INTEGER,
//! sums are cast to BIGINT, and placeholders are `$1`, `$2`, … (both drivers read them) —
//! except in a statement built with many values ([`value_marks`]).

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Transaction};
use std::str::FromStr;
use std::time::Duration;

mod group;
mod job;
mod merge;
mod once;
pub use group::GroupTally;
pub use job::{Lane, WriteFuture};
pub use merge::Merge;
pub use once::{Once, Seen, content_hash, seen_against, stored_hashes};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// The connections of the writes that take turns — the group writer's transactions, and on
    /// SQLite every [`Db::begin_write`] — apart from `pool`, so a crowd of page reads (a page
    /// reads many things at once) never queues a check-in's commit behind it.
    writes: AnyPool,
    backend: Backend,
    /// Server secrets read from this database (`crate::guard::secret`): made once and never
    /// changed, so each process reads each one once.
    secrets: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>,
    /// The group-commit writer: on SQLite every write's ([`Db::write`]), on PostgreSQL only the
    /// merged ones' ([`Db::write_merged`]).
    writer: group::Writer,
}

impl Db {
    /// Connects to `url` (`sqlite://path.db` or `postgres://…`). A SQLite file is created on
    /// first use and switched to WAL, so readers never wait for the writer.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite:// or postgres://".into(),
            ));
        };
        // sqlx pings every connection it hands out by default: a second round trip for every
        // statement run on the pool (on SQLite a second hop to the connection's thread). A
        // SQLite connection is a file handle that cannot be cut off; a PostgreSQL one is pinged
        // only after sitting idle a while (a restarted server or a dropped link shows there).
        let options = || {
            let options = AnyPoolOptions::new()
                .acquire_timeout(Duration::from_secs(10))
                .test_before_acquire(false);
            if backend == Backend::Postgres {
                options.before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PING_AFTER_IDLE {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
            } else {
                options
            }
        };
        let reads = if backend == Backend::Sqlite {
            // Journal mode is a property of the file: set it once, before the pool opens it.
            SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .connect()
                .await?;
            // SQLite's default `synchronous = FULL` stays: an acknowledged check-in must
            // survive a power cut, not just a crash of the process.
            8
        } else {
            16
        };
        let pool = options().max_connections(reads).connect(url).await?;
        // The writes that take turns hold one connection at a time (two: one may still be on
        // its way back while the next begins).
        let writes = options().max_connections(2).connect(url).await?;
        let begin = match backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        let writer = group::Writer::start(writes.clone(), begin);
        Ok(Self {
            pool,
            writes,
            backend,
            secrets: Default::default(),
            writer,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A server secret this process has read already.
    pub fn cached_secret(&self, name: &str) -> Option<Vec<u8>> {
        self.secrets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    /// Remembers a server secret read from the database.
    pub fn cache_secret(&self, name: &str, value: &[u8]) {
        self.secrets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(name.to_owned(), value.to_vec());
    }

    /// Begins a transaction that will write. On SQLite it first waits for its turn at the one
    /// write lock — in order, beside the group writer's transactions, so a steady stream of
    /// pushes cannot starve it (SQLite's own busy wait is no queue) — then takes the lock up
    /// front (`BEGIN IMMEDIATE`), so a transaction that reads before it writes cannot deadlock
    /// with another writer. PostgreSQL's row locks need no such care.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                // A turn not given within the limit is a bug (a transaction that waits on
                // another write while holding its own): an error, not a hang.
                let turn = tokio::time::timeout(TURN_LIMIT, self.writer.turn().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?;
                let tx = self.writes.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx {
                    tx,
                    _turn: Some(turn),
                })
            }
            Backend::Postgres => Ok(WriteTx {
                tx: self.pool.begin().await?,
                _turn: None,
            }),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writes.close().await;
    }
}

/// How long [`Db::begin_write`] waits for its turn at SQLite's write lock.
const TURN_LIMIT: Duration = Duration::from_secs(30);

/// How long a PostgreSQL connection may sit idle in the pool before it is pinged when handed
/// out again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

/// A transaction that writes ([`Db::begin_write`]): used as its connection, and holding the
/// SQLite write turn until it is committed, rolled back or dropped.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// Whether the database refused a statement for breaking one of the unique constraints named
/// in `constraints`. PostgreSQL names the constraint; SQLite names none, so there any unique
/// violation of the statement counts (the caller knows which constraints its statement can
/// break). The constraint decides, never a look before the write: two writers racing each
/// other get the same clear answer.
pub fn is_unique_violation(e: &sqlx::Error, constraints: &[&str]) -> bool {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            d.constraint().is_none_or(|c| constraints.contains(&c))
        }
        _ => false,
    }
}

/// The placeholders of `count` values, in order, for a statement whose values are all
/// bound in order and that has no other placeholder: `$1, $2, …` on PostgreSQL, `?, ?, …` on
/// SQLite. sqlx's SQLite driver reads a `$N` by asking SQLite its name, which SQLite finds by
/// walking the statement's list of names: quadratic in the values, it took a third of a
/// 100-check-in push (1,200 values) on its own. A bare `?` has no name to look up.
pub fn value_marks(conn: &AnyConnection, count: usize) -> Vec<String> {
    marks(conn.backend_name() == "SQLite", count)
}

fn marks(sqlite: bool, count: usize) -> Vec<String> {
    (1..=count)
        .map(|i| if sqlite { "?".into() } else { format!("${i}") })
        .collect()
}

impl Db {
    /// [`value_marks`] for a statement run on the pool.
    pub fn value_marks(&self, count: usize) -> Vec<String> {
        marks(self.backend == Backend::Sqlite, count)
    }
}

/// Milliseconds since the Unix epoch, the unit every instant is stored in.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Takes the next change version inside `tx` (see the `change_counter` table): versions are
/// handed out in commit order, so a pull cursor never skips a row.
pub async fn next_version(tx: &mut sqlx::AnyConnection) -> Result<i64, sqlx::Error> {
    use sqlx::Row;
    sqlx::query("UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn many_values_are_bare_on_sqlite_and_numbered_on_postgres() {
        assert_eq!(super::marks(true, 3), ["?", "?", "?"]);
        assert_eq!(super::marks(false, 3), ["$1", "$2", "$3"]);
        assert!(super::marks(true, 0).is_empty());
    }
}
