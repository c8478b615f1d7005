//! Group commit (every write on SQLite, the merged ones on PostgreSQL): writes sent at the same
//! moment share one transaction, so one disk flush acknowledges them all, while each keeps its
//! own answer.
//!
//! SQLite has one writer at a time and, with `synchronous = FULL`, flushes the disk at every
//! commit; fifty phones pushing at once used to queue for fifty flushes (and, past the busy
//! timeout, got "database is locked"). Here one task owns the writing: it takes every write
//! that is waiting, runs each inside a savepoint of one `BEGIN IMMEDIATE` transaction — a write
//! that fails is rolled back to its savepoint and answers its own error, the others go on — and
//! commits once. Nobody hears "done" before that commit: an acknowledged record is durable.
//!
//! Writes come in two lanes that never share a transaction: [`Lane::Anonymous`] (survey
//! answers, which may not be committed beside any row about a person) and [`Lane::People`]
//! (everything else).
//!
//! PostgreSQL needs little of this (it lets writers run side by side and groups their flushes
//! itself): there every write runs in a transaction of its own — except merged writes
//! ([`Db::write_merged`]), which a writer of their own takes in groups as here, one
//! transaction per group: a push there is a dozen round trips, a group of them not many more.

use super::job::{Finish, Job, Lane, Run, Step, Work, WriteFuture, units};
use super::{Backend, Db};
use crate::error::AppError;
use futures::FutureExt;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, mpsc, oneshot};

/// The most writes one transaction takes: enough to share a flush among many phones, few
/// enough that one slow write cannot hold a crowd for long. (A merged run of pushes, at most
/// 64 × 100 records, binds at most 12,800 values in one statement: SQLite allows 32,766.
/// Taking up to 512 one-record pushes at once instead was measured: no faster.)
pub const MAX_GROUP: usize = 64;

/// The handle to the writer task: every write on SQLite, the merged ones on PostgreSQL.
#[derive(Clone, Debug)]
pub struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
    tally: Arc<Tally>,
    /// Whose turn it is at SQLite's write lock: the writer's next group or a transaction of
    /// [`Db::begin_write`], first come first served.
    turn: Arc<Mutex<()>>,
}

/// How many transactions the writer committed and how many writes they held.
#[derive(Debug, Default)]
struct Tally {
    transactions: AtomicU64,
    writes: AtomicU64,
}

/// What group commit has done since the process started: `writes` committed in
/// `transactions` (so the flushes it saved are the difference).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupTally {
    pub transactions: u64,
    pub writes: u64,
}

impl Writer {
    /// Starts the writer task on `pool`.
    /// Starts the writer task; each group's transaction opens with `begin` (`BEGIN IMMEDIATE`
    /// on SQLite: the write lock taken up front).
    pub fn start(pool: AnyPool, begin: &'static str) -> Self {
        let (jobs, rx) = mpsc::unbounded_channel();
        let tally = Arc::new(Tally::default());
        let turn = Arc::new(Mutex::new(()));
        tokio::spawn(write_loop(pool, begin, rx, tally.clone(), turn.clone()));
        Writer { jobs, tally, turn }
    }

    /// Whether the writer task still takes writes (else a write runs in a transaction of its
    /// own, as on PostgreSQL).
    pub(super) fn is_running(&self) -> bool {
        !self.jobs.is_closed()
    }

    /// Hands `job` to the writer task; `false` if that task has stopped.
    pub(super) fn send(&self, job: Job) -> bool {
        self.jobs.send(job).is_ok()
    }

    /// The write turn [`Db::begin_write`] waits for.
    pub(super) fn turn(&self) -> Arc<Mutex<()>> {
        self.turn.clone()
    }
}

impl Db {
    /// Runs `write` in a transaction and answers its result once that transaction committed.
    /// On SQLite the transaction may be shared with other writes of the same `lane` (group
    /// commit, above); `write` must then not depend on being alone in it. A write that fails
    /// leaves nothing behind.
    pub async fn write<T, F>(&self, lane: Lane, write: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> WriteFuture<'c, T> + Send + 'static,
    {
        if self.backend == Backend::Sqlite && self.writer.is_running() {
            let (tell, answer) = oneshot::channel::<Result<T, AppError>>();
            let run: Run = Box::new(move |conn| {
                Box::pin(async move {
                    match write(conn).await {
                        Ok(value) => {
                            let finish = move |committed: Result<(), AppError>| {
                                let _ = tell.send(committed.map(|()| value));
                            };
                            Step::Done(Box::new(finish), 1)
                        }
                        Err(e) => Step::Failed(Box::new(move |_: Result<(), AppError>| {
                            let _ = tell.send(Err(e));
                        })),
                    }
                })
            });
            let work = Work::Run(run);
            if self.writer.jobs.send(Job { lane, work }).is_err() {
                // Only if the writer task died between the check above and now.
                tracing::error!("the group writer has stopped");
                return Err(AppError::Internal);
            }
            return answer.await.unwrap_or(Err(AppError::Internal));
        }
        let mut tx = self.begin_write().await?;
        let value = write(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    }

    /// One statement written through [`Db::write`] (with the people's writes); answers the rows
    /// it changed. For a lone write beside the pushes: on SQLite, outside the writer it would
    /// wait for a gap in a stream of grouped commits that may not come.
    pub async fn execute_write(
        &self,
        query: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<u64, AppError> {
        self.write(Lane::People, move |conn| {
            Box::pin(async move { Ok(query.execute(conn).await?.rows_affected()) })
        })
        .await
    }

    /// Whether writes go through the group writer (SQLite): one writer commits every write of
    /// the moment together, so two writes of one request may as well be one.
    pub fn groups_writes(&self) -> bool {
        self.backend == Backend::Sqlite
    }

    /// Whether merged writes ([`Db::write_merged`]) go through the group writer (both
    /// backends, while it runs): a merged write shares its transaction with the others of the
    /// moment, whatever else it does in it.
    pub fn merges_writes(&self) -> bool {
        self.writer.is_running()
    }

    /// Group commit's tally: on SQLite every write's, on PostgreSQL the merged writes'.
    pub fn group_tally(&self) -> GroupTally {
        GroupTally {
            transactions: self.writer.tally.transactions.load(Ordering::Relaxed),
            writes: self.writer.tally.writes.load(Ordering::Relaxed),
        }
    }
}

async fn write_loop(
    pool: AnyPool,
    begin: &'static str,
    mut rx: mpsc::UnboundedReceiver<Job>,
    tally: Arc<Tally>,
    turn: Arc<Mutex<()>>,
) {
    let mut waiting: VecDeque<Job> = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match rx.recv().await {
                Some(job) => waiting.push_back(job),
                None => return,
            }
        }
        while let Ok(job) = rx.try_recv() {
            waiting.push_back(job);
        }
        let group = take_group(&mut waiting);
        let _turn = turn.lock().await;
        run_group(&pool, begin, units(group), &tally).await;
    }
}

/// The next group: the oldest waiting write and those after it in its lane, in order.
fn take_group(waiting: &mut VecDeque<Job>) -> Vec<Job> {
    let Some(lane) = waiting.front().map(|j| j.lane) else {
        return Vec::new();
    };
    let mut group = Vec::new();
    let mut rest = VecDeque::with_capacity(waiting.len());
    while let Some(job) = waiting.pop_front() {
        if job.lane == lane && group.len() < MAX_GROUP {
            group.push(job);
        } else {
            rest.push_back(job);
        }
    }
    *waiting = rest;
    group
}

/// Runs one group in one transaction and tells every write how it ended.
async fn run_group(pool: &AnyPool, begin: &'static str, mut group: Vec<Run>, tally: &Tally) {
    let mut tx = match pool.begin_with(begin).await {
        Ok(tx) => tx,
        Err(e) => {
            tracing::error!(error = %e, "group commit: could not begin");
            // Each write is told on its own: it never ran.
            for run in group {
                fail_unrun(run);
            }
            return;
        }
    };
    if group.len() == 1
        && let Some(run) = group.pop()
    {
        return run_alone(tx, run, tally).await;
    }
    let mut finished: Vec<Finish> = Vec::with_capacity(group.len());
    let mut writes = 0;
    let mut broken = None;
    let mut jobs = group.into_iter();
    // Each write runs inside the savepoint `grouped`. After a write that succeeded, one call
    // releases its savepoint and opens the next one's; after one that failed, rolling back to
    // the savepoint leaves it open and empty for the next. The last is released by the commit.
    let mut mark: Option<&'static str> = Some("SAVEPOINT grouped");
    for run in jobs.by_ref() {
        if let Some(sql) = mark
            && let Err(e) = savepoint(&mut tx, sql).await
        {
            broken = Some(e);
            fail_unrun(run);
            break;
        }
        let step = AssertUnwindSafe(run(&mut tx)).catch_unwind().await;
        match step {
            Ok(Step::Done(finish, n)) => {
                finished.push(finish);
                writes += n;
                mark = Some("RELEASE grouped; SAVEPOINT grouped");
            }
            Ok(Step::Failed(finish)) => {
                let undone = savepoint(&mut tx, "ROLLBACK TO grouped").await;
                finish(Err(AppError::Internal));
                if let Err(e) = undone {
                    broken = Some(e);
                    break;
                }
                mark = None;
            }
            Err(_) => {
                tracing::error!("group commit: a write panicked; it is rolled back alone");
                if let Err(e) = savepoint(&mut tx, "ROLLBACK TO grouped").await {
                    broken = Some(e);
                    break;
                }
                mark = None;
            }
        }
    }
    for run in jobs {
        fail_unrun(run);
    }
    let committed = match broken {
        Some(e) => {
            tracing::error!(error = %e, "group commit: the transaction broke; rolled back");
            let _ = tx.rollback().await;
            Err(AppError::Internal)
        }
        None => commit(tx, writes, tally).await,
    };
    for finish in finished {
        finish(committed.clone());
    }
}

/// A group of one (a quiet moment) needs no savepoint, which saves two statements: its
/// transaction is its own, rolled back whole if it fails.
async fn run_alone(mut tx: Transaction<'static, Any>, run: Run, tally: &Tally) {
    match AssertUnwindSafe(run(&mut tx)).catch_unwind().await {
        Ok(Step::Done(finish, n)) => finish(commit(tx, n, tally).await),
        Ok(Step::Failed(finish)) => {
            let _ = tx.rollback().await;
            finish(Err(AppError::Internal));
        }
        Err(_) => {
            tracing::error!("group commit: a write panicked; it is rolled back");
            let _ = tx.rollback().await;
        }
    }
}

/// Commits a transaction of `writes` writes, counted in the tally once it is durable.
async fn commit(
    tx: Transaction<'static, Any>,
    writes: usize,
    tally: &Tally,
) -> Result<(), AppError> {
    tx.commit().await.map_err(|e| {
        tracing::error!(error = %e, "group commit: the commit failed");
        AppError::from(e)
    })?;
    tally.transactions.fetch_add(1, Ordering::Relaxed);
    tally.writes.fetch_add(writes as u64, Ordering::Relaxed);
    Ok(())
}

/// Runs one or two savepoint statements in one call to the connection (`raw_sql`: one hop to
/// SQLite's thread for both).
async fn savepoint(conn: &mut AnyConnection, sql: &'static str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sql).execute(conn).await.map(|_| ())
}

/// A write that never ran: dropping it drops its answer's sender, which its caller hears as
/// a server error (so the phone sends it again).
fn fail_unrun(run: Run) {
    drop(run);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(lane: Lane) -> Job {
        Job {
            lane,
            work: Work::Run(Box::new(|_| {
                Box::pin(async { Step::Failed(Box::new(|_| {})) })
            })),
        }
    }

    #[test]
    fn a_group_never_mixes_lanes_and_keeps_the_order() {
        use Lane::{Anonymous as A, People as P};
        let mut waiting: VecDeque<Job> = [P, A, P, P, A].into_iter().map(job).collect();
        let lanes = |g: &[Job]| g.iter().map(|j| j.lane).collect::<Vec<_>>();
        assert_eq!(lanes(&take_group(&mut waiting)), [P, P, P]);
        assert_eq!(lanes(&take_group(&mut waiting)), [A, A]);
        assert!(take_group(&mut waiting).is_empty());
    }

    #[test]
    fn a_group_is_bounded() {
        let mut waiting: VecDeque<Job> = (0..MAX_GROUP + 5).map(|_| job(Lane::People)).collect();
        assert_eq!(take_group(&mut waiting).len(), MAX_GROUP);
        assert_eq!(take_group(&mut waiting).len(), 5);
    }
}
