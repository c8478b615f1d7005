//! Writes of one kind merged into one: the pushes waiting for the same commit run as
//! one batch of statements — one lookup of all their stored ids, one of all their activities,
//! one insert — instead of each running its own. Every statement is a hop to SQLite's
//! connection thread and back (sqlx runs each one there), and with hundreds of phones pushing
//! one record at a time those hops, not SQLite, were the cost of a push. On PostgreSQL each
//! statement is a round trip to the server, and a push alone was a dozen of them in a
//! transaction of its own: there a writer of their own takes the merged writes in groups too
//! (the rest of PostgreSQL's writes run side by side, as before).
//!
//! A kind of write says how to run many at once ([`Merge::run_all`]), answering each its own
//! result. Should the merged run fail, it is rolled back and each write runs again alone, so
//! one write's failure is still its own. Should the writer task have stopped, a write runs alone
//! in a transaction of its own.

use super::Db;
use super::job::{Finish, Job, Lane, Run, Step, Waiting, Work, WriteFuture};
use crate::error::AppError;
use sqlx::AnyConnection;
use std::any::{Any, TypeId};
use tokio::sync::oneshot;

/// A write that can run together with others of its kind in one transaction.
pub trait Merge: Sized + Send + Sync + 'static {
    /// What one write answers (after the commit).
    type Out: Send + 'static;

    /// Runs `items` in `conn`'s transaction and answers one result per item, in order, as if
    /// each had run alone, one after the other in that order. An error undoes them all; they
    /// are then run again one at a time.
    fn run_all<'c>(
        conn: &'c mut AnyConnection,
        items: &'c [Self],
    ) -> WriteFuture<'c, Vec<Self::Out>>;
}

/// A write of kind `M` and where its answer goes.
struct Item<M: Merge> {
    item: M,
    tell: oneshot::Sender<Result<M::Out, AppError>>,
}

impl Db {
    /// Runs `item` in a transaction and answers its result once that transaction committed:
    /// together with every other write of its kind waiting at the moment
    /// ([`Merge::run_all`]), in the people's lane of the group writer, on either backend.
    pub async fn write_merged<M: Merge>(&self, item: M) -> Result<M::Out, AppError> {
        if self.writer.is_running() {
            let (tell, answer) = oneshot::channel();
            let waiting = Waiting {
                kind: TypeId::of::<M>(),
                item: Box::new(Item { item, tell }),
                unit: unit::<M>,
            };
            let job = Job {
                lane: Lane::People,
                work: Work::Merge(waiting),
            };
            if self.writer.send(job) {
                return answer.await.unwrap_or(Err(AppError::Internal));
            }
            tracing::error!("the group writer has stopped");
            return Err(AppError::Internal);
        }
        let mut tx = self.begin_write().await?;
        let mut out = M::run_all(&mut tx, std::slice::from_ref(&item)).await?;
        tx.commit().await?;
        match (out.pop(), out.is_empty()) {
            (Some(answer), true) => Ok(answer),
            _ => Err(AppError::Internal),
        }
    }
}

/// The run of the waiting writes of kind `M`.
fn unit<M: Merge>(items: Vec<Box<dyn Any + Send>>) -> Run {
    let items: Vec<Item<M>> = items
        .into_iter()
        // Every item given here is an `Item<M>` (`units` sorts them by kind): one that were not
        // would be dropped, and its caller told of a server error.
        .filter_map(|item| item.downcast::<Item<M>>().ok())
        .map(|item| *item)
        .collect();
    Box::new(move |conn| Box::pin(run_unit(conn, items)))
}

/// Runs the writes of one kind together; should that fail, each alone in a savepoint of its
/// own. A lone write that fails fails its run, which the group writer rolls back.
async fn run_unit<M: Merge>(conn: &mut AnyConnection, items: Vec<Item<M>>) -> Step {
    let (items, tells): (Vec<M>, Vec<_>) = items.into_iter().map(|i| (i.item, i.tell)).unzip();
    if items.len() == 1 {
        let tell = tells.into_iter().next();
        return match (M::run_all(conn, &items).await, tell) {
            (Ok(mut out), Some(tell)) if out.len() == 1 => {
                let out = out.pop();
                Step::Done(
                    Box::new(move |committed: Result<(), AppError>| {
                        let _ = tell.send(committed.and(out.ok_or(AppError::Internal)));
                    }),
                    1,
                )
            }
            (answer, tell) => Step::Failed(Box::new(move |_| {
                if let Some(tell) = tell {
                    let _ = tell.send(Err(answer.err().unwrap_or(AppError::Internal)));
                }
            })),
        };
    }
    match together(conn, &items).await {
        Ok(Some(out)) => return Step::Done(answer_all(tells, out), items.len()),
        Ok(None) => {}
        Err(e) => {
            tracing::error!(error = %e, "merged writes: the transaction broke");
            return Step::Failed(Box::new(move |_| drop(tells)));
        }
    }
    let mut finishes = Vec::with_capacity(items.len());
    for (item, tell) in items.iter().zip(tells) {
        match alone(conn, item).await {
            Ok(Ok(out)) => finishes.push((tell, out)),
            Ok(Err(e)) => {
                let _ = tell.send(Err(e));
            }
            Err(e) => {
                tracing::error!(error = %e, "merged writes: the transaction broke");
                return Step::Failed(Box::new(move |_| drop(finishes)));
            }
        }
    }
    let writes = finishes.len();
    let (tells, out) = finishes.into_iter().unzip();
    Step::Done(answer_all(tells, out), writes)
}

/// Every write of a run at once, in the savepoint `merged`: their answers, or `None` when it
/// failed (and was rolled back). `Err` only when the savepoint itself could not be handled.
async fn together<M: Merge>(
    conn: &mut AnyConnection,
    items: &[M],
) -> Result<Option<Vec<M::Out>>, sqlx::Error> {
    sqlx::raw_sql("SAVEPOINT merged")
        .execute(&mut *conn)
        .await?;
    match M::run_all(conn, items).await {
        Ok(out) if out.len() == items.len() => {
            sqlx::raw_sql("RELEASE merged").execute(&mut *conn).await?;
            Ok(Some(out))
        }
        answer => {
            if let Err(e) = answer {
                tracing::warn!(error = %e, writes = items.len(), "merged writes failed together: each runs alone");
            }
            sqlx::raw_sql("ROLLBACK TO merged; RELEASE merged")
                .execute(&mut *conn)
                .await?;
            Ok(None)
        }
    }
}

/// One write in the savepoint `merged`: its answer, or its own error (rolled back).
async fn alone<M: Merge>(
    conn: &mut AnyConnection,
    item: &M,
) -> Result<Result<M::Out, AppError>, sqlx::Error> {
    sqlx::raw_sql("SAVEPOINT merged")
        .execute(&mut *conn)
        .await?;
    match M::run_all(conn, std::slice::from_ref(item)).await {
        Ok(mut out) if out.len() == 1 => {
            sqlx::raw_sql("RELEASE merged").execute(&mut *conn).await?;
            Ok(out.pop().ok_or(AppError::Internal))
        }
        answer => {
            sqlx::raw_sql("ROLLBACK TO merged; RELEASE merged")
                .execute(&mut *conn)
                .await?;
            Ok(Err(answer.err().unwrap_or(AppError::Internal)))
        }
    }
}

/// Tells each write its answer once the transaction ended (the answer if it committed).
fn answer_all<T: Send + 'static>(
    tells: Vec<oneshot::Sender<Result<T, AppError>>>,
    out: Vec<T>,
) -> Finish {
    Box::new(move |committed: Result<(), AppError>| {
        for (tell, out) in tells.into_iter().zip(out) {
            let _ = tell.send(committed.clone().map(|()| out));
        }
    })
}
