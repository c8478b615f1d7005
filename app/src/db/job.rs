//! What the group writer (`super::group`) runs: the waiting writes, plain or mergeable
//! (`super::merge`), and how a group of them becomes the runs of one transaction.

use crate::error::AppError;
use sqlx::AnyConnection;
use std::any::{Any, TypeId};
use std::future::Future;
use std::pin::Pin;

/// Which writes may share a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Anything about a person: check-ins, leave, counters, devices.
    People,
    /// Anonymous survey answers: grouped only with each other.
    Anonymous,
}

/// A write's future, borrowing the transaction's connection.
pub type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'c>>;

/// Tells a waiting write how its transaction ended (`Ok` once committed).
pub(super) type Finish = Box<dyn FnOnce(Result<(), AppError>) + Send>;
/// A write as the writer task runs it: its answer is kept until the commit.
pub(super) type Run = Box<
    dyn for<'c> FnOnce(&'c mut AnyConnection) -> Pin<Box<dyn Future<Output = Step> + Send + 'c>>
        + Send,
>;

/// What running one write left: its answer, kept for after the commit, or its own error
/// (rolled back to its savepoint; told at once, whatever becomes of the others).
pub(super) enum Step {
    /// Done: its answers, and how many writes it held (several when merged).
    Done(Finish, usize),
    Failed(Finish),
}

pub(super) struct Job {
    pub(super) lane: Lane,
    pub(super) work: Work,
}

/// What a waiting write is: a write of its own, or one that may be merged with others of its
/// kind (`super::merge`).
pub(super) enum Work {
    Run(Run),
    Merge(Waiting),
}

/// A mergeable write, its kind erased.
type Item = Box<dyn Any + Send>;

/// A mergeable write waiting for the writer, its kind erased.
pub(super) struct Waiting {
    pub(super) kind: TypeId,
    pub(super) item: Box<dyn Any + Send>,
    /// Turns the waiting writes of this kind into one run.
    pub(super) unit: fn(Vec<Box<dyn Any + Send>>) -> Run,
}

/// A group's writes as the runs of one transaction, in order: each plain write on its own, and
/// the mergeable writes of each kind as one run, where the first of them stood. (Writes waiting
/// at the same moment were sent by requests none of which has had its answer: any order of them
/// is one they might have arrived in.)
pub(super) fn units(group: Vec<Job>) -> Vec<Run> {
    let mut runs: Vec<Option<Run>> = Vec::with_capacity(group.len());
    // Each kind: its first write, where it stood, and the others' items.
    let mut kinds: Vec<(Waiting, usize, Vec<Item>)> = Vec::new();
    for job in group {
        match job.work {
            Work::Run(run) => runs.push(Some(run)),
            Work::Merge(waiting) => match kinds.iter_mut().find(|(w, ..)| w.kind == waiting.kind) {
                Some((.., items)) => items.push(waiting.item),
                None => {
                    kinds.push((waiting, runs.len(), Vec::new()));
                    runs.push(None);
                }
            },
        }
    }
    for (first, at, mut rest) in kinds {
        rest.insert(0, first.item);
        runs[at] = Some((first.unit)(rest));
    }
    runs.into_iter().flatten().collect()
}
