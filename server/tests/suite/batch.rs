//! The push path under load: a batch's records judged in order in one pass, many pushes at
//! once each answered on its own (SQLite shares their transaction: group commit), and a write
//! that fails or panics rolled back alone. Every test runs on SQLite and on PostgreSQL.

use crate::common;

use app::auth::CurrentUser;
use app::db::{Db, Lane};
use app::error::AppError;
use app::sync::protocol::{PushResult, PushStatus, RejectCode};
use common::{Fixture, checkin_with, fixture, v7};
use futures::future::join_all;
use serde_json::json;
use std::time::Duration;

async fn push(db: &Db, member: &CurrentUser, records: Vec<serde_json::Value>) -> Vec<PushResult> {
    app::records::push(db, member, None, records)
        .await
        .expect("the push is answered")
        .results
}

async fn scalar(db: &Db, sql: &'static str, binds: &[&str]) -> i64 {
    let mut query = sqlx::query_scalar(sql);
    for b in binds {
        query = query.bind(b.to_string());
    }
    query.fetch_one(db.pool()).await.expect("a number")
}

/// A code that matches no step of `activity` within 8 hours of `at`: wrong, not merely
/// expired (an old code of the activity is refused as expired, not wrong).
fn wrong_code(f: &Fixture, activity: &str, at: i64, nth: usize) -> String {
    let step = app::domain::proof::step_of(at);
    let near: Vec<String> = (step - 1_000..=step + 1_000)
        .map(|s| app::domain::proof::code(&f.secrets[activity], activity, s))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .filter(|c| !near.contains(c))
        .nth(nth)
        .expect("a wrong code")
}

fn typed(activity: &str, member: &CurrentUser, at: i64, code: &str) -> serde_json::Value {
    checkin_with(
        v7(),
        activity,
        member,
        at,
        json!({"method": "code", "code": code}),
    )
}

/// One batch: a record sent twice is stored once (the second is its duplicate, or a conflict
/// when its content differs), and wrong codes count in the batch's order — the eleventh and
/// everything after it is refused, even the right code, though none of them was committed
/// before the batch's end.
async fn a_batch_is_judged_record_by_record_in_order(db: &Db) {
    let f = fixture(db).await;
    let at = f.starts[&f.today] + 60_000;
    let id = v7();
    let mut batch = vec![
        f.checkin(id, &f.today, &f.m1a, at),
        f.checkin(id, &f.today, &f.m1a, at),
        f.checkin(id, &f.today, &f.m1a, at + 5_000),
    ];
    for n in 0..11 {
        batch.push(typed(
            &f.today,
            &f.m1a,
            at,
            &wrong_code(&f, &f.today, at, n),
        ));
    }
    batch.push(f.checkin(v7(), &f.today, &f.m1a, at));
    let r = push(db, &f.m1a, batch).await;
    assert_eq!(r.len(), 15);
    assert_eq!(r[0].status, PushStatus::Accepted, "{:?}", r[0]);
    assert_eq!(r[1].status, PushStatus::Duplicate, "{:?}", r[1]);
    assert_eq!(r[2].status, PushStatus::Conflict, "{:?}", r[2]);
    for w in &r[3..13] {
        assert_eq!(w.code, Some(RejectCode::ProofWrong), "{w:?}");
    }
    for late in &r[13..] {
        assert_eq!(late.code, Some(RejectCode::TooManyWrongCodes), "{late:?}");
    }
    let ids = [id.to_string()];
    assert_eq!(
        scalar(
            db,
            "SELECT COUNT(*) FROM checkins WHERE id = $1",
            &[&ids[0]]
        )
        .await,
        1
    );
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM checkins", &[]).await, 1);
    let failures = "SELECT failures FROM proof_failures WHERE activity_id = $1 AND user_id = $2";
    assert_eq!(scalar(db, failures, &[&f.today, &f.m1a.id]).await, 10);
    // A record of the batch sent again later is the same fact, not a new one.
    let again = push(db, &f.m1a, vec![f.checkin(id, &f.today, &f.m1a, at)]).await;
    assert_eq!(again[0].status, PushStatus::Duplicate);
}

/// Thirty pushes at once from three members: each gets its own answers (its check-in stored,
/// its duplicate and conflict recognised inside the batch, its wrong code counted), no counter
/// loses an increment, and the pushes shared transactions (merged writes, both backends).
async fn pushes_at_once_each_get_their_own_answers(db: &Db) {
    let f = fixture(db).await;
    let before = db.group_tally();
    let members = [
        (&f.m1a, &f.today),
        (&f.m1b, &f.today),
        (&f.m2a, &f.other_branch),
    ];
    let mut pushes = Vec::new();
    let mut expected_ids = Vec::new();
    for round in 0..10 {
        for (member, activity) in members {
            let at = f.starts[activity] + 60_000;
            let id = v7();
            expected_ids.push(id.to_string());
            let batch = vec![
                f.checkin(id, activity, member, at),
                typed(activity, member, at, &wrong_code(&f, activity, at, round)),
                f.checkin(id, activity, member, at),
                f.checkin(id, activity, member, at + 1_000),
            ];
            pushes.push(async move { (id, push(db, member, batch).await) });
        }
    }
    for (id, r) in join_all(pushes).await {
        let statuses: Vec<_> = r.iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [
                PushStatus::Accepted,
                PushStatus::Rejected,
                PushStatus::Duplicate,
                PushStatus::Conflict
            ],
            "{r:?}"
        );
        assert_eq!(r[0].id.as_deref(), Some(id.to_string().as_str()));
        assert_eq!(r[1].code, Some(RejectCode::ProofWrong));
    }
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM checkins", &[]).await, 30);
    for id in &expected_ids {
        let n = scalar(db, "SELECT COUNT(*) FROM checkins WHERE id = $1", &[id]).await;
        assert_eq!(n, 1, "{id}");
    }
    let failures = "SELECT failures FROM proof_failures WHERE activity_id = $1 AND user_id = $2";
    for (member, activity) in members {
        assert_eq!(scalar(db, failures, &[activity, &member.id]).await, 10);
        let at = f.starts[activity] + 60_000;
        let r = push(db, member, vec![f.checkin(v7(), activity, member, at)]).await;
        assert_eq!(r[0].code, Some(RejectCode::TooManyWrongCodes), "{r:?}");
    }
    let after = db.group_tally();
    let writes = after.writes - before.writes;
    let transactions = after.transactions - before.transactions;
    assert!(writes >= 30, "{writes} writes");
    assert!(
        transactions < writes,
        "{transactions} transactions for {writes} writes"
    );
}

/// Inserts a rate-limit row named `key` (a table no fixture touches).
async fn insert_key(conn: &mut sqlx::AnyConnection, key: &str) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO rate_counts (bucket, key_hash, window_start, hits) VALUES ('batch', $1, 0, 1)",
    )
    .bind(key.to_owned())
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes sent together (on SQLite: held behind a slow one, so they share one transaction):
/// one that fails after writing, one that panics after writing and one that breaks the SQL
/// leave nothing behind and hear their own error; every other write is committed and answered.
async fn a_failing_write_is_rolled_back_alone(db: &Db) {
    let before = db.group_tally();
    // Only the group writer catches a panic: elsewhere it is the request's own (axum's).
    let grouped = db.groups_writes();
    let slow = db.write(Lane::People, |conn| {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            insert_key(conn, "slow").await?;
            Ok("slow")
        })
    });
    let mut writes = vec![Box::pin(slow) as std::pin::Pin<Box<dyn Future<Output = _> + Send>>];
    for n in 0..20 {
        let key = format!("k{n}");
        writes.push(Box::pin(db.write(Lane::People, move |conn| {
            Box::pin(async move {
                insert_key(conn, &key).await?;
                match n {
                    5 => Err(AppError::Invalid("refused after writing".into())),
                    9 if grouped => panic!("a write panics after writing"),
                    9 => Err(AppError::Internal),
                    13 => {
                        // The same key twice: the second insert breaks the primary key.
                        insert_key(conn, &key).await?;
                        Ok("never")
                    }
                    _ => Ok("done"),
                }
            })
        })));
    }
    let answers = join_all(writes).await;
    assert_eq!(answers[0], Ok("slow"));
    for (n, answer) in answers[1..].iter().enumerate() {
        match n {
            5 => assert_eq!(
                answer,
                &Err(AppError::Invalid("refused after writing".into()))
            ),
            9 | 13 => assert!(answer.is_err(), "write {n}: {answer:?}"),
            _ => assert_eq!(answer, &Ok("done"), "write {n}"),
        }
    }
    let stored = "SELECT COUNT(*) FROM rate_counts WHERE bucket = 'batch'";
    assert_eq!(scalar(db, stored, &[]).await, 1 + 17);
    for gone in ["k5", "k9", "k13"] {
        let n = "SELECT COUNT(*) FROM rate_counts WHERE bucket = 'batch' AND key_hash = $1";
        assert_eq!(scalar(db, n, &[gone]).await, 0, "{gone}");
    }
    if grouped {
        let after = db.group_tally();
        // All twenty were queued while the slow write held the writer: at most two
        // transactions (the slow one's group, and the rest).
        assert_eq!(after.writes - before.writes, 18);
        assert!(after.transactions - before.transactions <= 2, "{after:?}");
    }
    // Alone (nothing else waiting, so no savepoint): rolled back just the same.
    let alone = db.write(Lane::People, |conn| {
        Box::pin(async move {
            insert_key(conn, "alone").await?;
            Err::<(), _>(AppError::Invalid("alone".into()))
        })
    });
    assert_eq!(alone.await, Err(AppError::Invalid("alone".into())));
    if grouped {
        let panics: Result<(), AppError> = db
            .write(Lane::People, |conn| {
                Box::pin(async move {
                    insert_key(conn, "alone-panic").await?;
                    panic!("a write alone panics after writing")
                })
            })
            .await;
        assert!(panics.is_err());
    }
    for gone in ["alone", "alone-panic"] {
        let n = "SELECT COUNT(*) FROM rate_counts WHERE bucket = 'batch' AND key_hash = $1";
        assert_eq!(scalar(db, n, &[gone]).await, 0, "{gone}");
    }
    // The writer still works after a panic.
    let later = db.write(Lane::Anonymous, |conn| {
        Box::pin(async move { insert_key(conn, "later").await.map(|()| 1) })
    });
    assert_eq!(later.await, Ok(1));
}

/// A transaction of `Db::begin_write` beside a steady stream of grouped writes gets its turn
/// and commits. On SQLite its own busy wait used to find no gap between the writer's commits
/// and fail after five seconds with "database is locked" (seen in the 500-phone benchmark);
/// now it queues for the write lock beside the writer.
async fn a_transaction_gets_its_turn_beside_a_stream_of_writes(db: &Db) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = Arc::new(AtomicBool::new(false));
    let mut streams = Vec::new();
    for s in 0..16 {
        let (db, stop) = (db.clone(), stop.clone());
        streams.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let key = format!("stream-{s}-{n}");
                // Each write holds the lock a while: the writer's groups follow each other
                // with hardly a gap.
                db.write(Lane::People, move |conn| {
                    Box::pin(async move {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        insert_key(conn, &key).await
                    })
                })
                .await
                .expect("a streamed write");
                n += 1;
            }
            n
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    for k in 0..3 {
        let mut tx = db.begin_write().await.expect("a turn at the write lock");
        insert_key(&mut tx, &format!("tx-{k}"))
            .await
            .expect("written");
        tx.commit().await.expect("committed");
    }
    stop.store(true, Ordering::SeqCst);
    let mut streamed = 0;
    for s in join_all(streams).await {
        streamed += s.expect("a stream");
    }
    assert!(streamed > 0, "the stream wrote");
    let n = "SELECT COUNT(*) FROM rate_counts WHERE bucket = 'batch' AND key_hash LIKE 'tx-%'";
    assert_eq!(scalar(db, n, &[]).await, 3);
}

/// A statement of many values binds them bare on SQLite (whose driver looks a numbered one up
/// by walking the statement's names: quadratic) and numbered on PostgreSQL — the backend told
/// apart by the name the driver gives, so a renamed driver would fail here, not go slow.
async fn many_values_are_bound_the_fast_way(db: &Db) {
    let conn = db.pool().acquire().await.expect("a connection");
    let expected: &[&str] = match db.backend() {
        app::db::Backend::Sqlite => &["?", "?"],
        app::db::Backend::Postgres => &["$1", "$2"],
    };
    assert_eq!(app::db::value_marks(&conn, 2), expected);
    assert_eq!(db.value_marks(2), expected);
}

on_both_backends!(
    many_values_are_bound_the_fast_way,
    a_batch_is_judged_record_by_record_in_order,
    pushes_at_once_each_get_their_own_answers,
    a_failing_write_is_rolled_back_alone,
    a_transaction_gets_its_turn_beside_a_stream_of_writes,
);
