//! Writes merged into one run (`Db::write_merged`): the writes of a kind waiting for the same
//! commit run together — each still answered on its own, and when the run fails, each run
//! again alone so one write's failure stays its own. Every test runs on both backends; on
//! PostgreSQL also two processes' writers racing each other.

use crate::common;

use app::db::{Db, Merge, WriteFuture};
use app::error::AppError;
use app::sync::protocol::PushStatus;
use common::{TestDb, fixture, v7};
use futures::future::join_all;
use std::time::Duration;

/// A write of a key into a table no fixture touches; `fail` writes it and then fails. Answers
/// how many writes the run that stored it held.
struct Keyed {
    key: String,
    fail: bool,
}

impl Merge for Keyed {
    type Out = usize;

    fn run_all<'c>(
        conn: &'c mut sqlx::AnyConnection,
        items: &'c [Self],
    ) -> WriteFuture<'c, Vec<usize>> {
        Box::pin(async move {
            for item in items {
                sqlx::query(
                    "INSERT INTO rate_counts (bucket, key_hash, window_start, hits) \
                     VALUES ('merge', $1, 0, 1)",
                )
                .bind(item.key.clone())
                .execute(&mut *conn)
                .await?;
            }
            if items.iter().any(|i| i.fail) {
                return Err(AppError::Invalid("refused after writing".into()));
            }
            Ok(vec![items.len(); items.len()])
        })
    }
}

/// A merged write that only takes its time.
struct Hold;

impl Merge for Hold {
    type Out = ();

    fn run_all<'c>(_: &'c mut sqlx::AnyConnection, items: &'c [Self]) -> WriteFuture<'c, Vec<()>> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok(vec![(); items.len()])
        })
    }
}

/// Holds the writer of merged writes for a moment (a merged write of another kind), so the
/// writes sent meanwhile wait together.
async fn hold_the_writer(db: &Db) -> tokio::task::JoinHandle<()> {
    let db = db.clone();
    let held = tokio::spawn(async move {
        db.write_merged(Hold).await.expect("the slow write");
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    held
}

async fn stored_keys(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT key_hash FROM rate_counts WHERE bucket = 'merge' ORDER BY key_hash")
        .fetch_all(db.pool())
        .await
        .expect("the keys")
}

fn keyed(key: &str, fail: bool) -> Keyed {
    Keyed {
        key: key.into(),
        fail,
    }
}

/// Six writes waiting together run as one (each told the run held six); with a failing one
/// among them, the run is undone and each runs again alone: the
/// failing one hears its own error and leaves nothing, the others are stored.
async fn merged_writes_each_get_their_own_answer(db: &Db) {
    let before = db.group_tally();
    let held = hold_the_writer(db).await;
    let writes = (0..6).map(|n| db.write_merged(keyed(&format!("a{n}"), false)));
    let answers = join_all(writes).await;
    held.await.expect("held");
    assert_eq!(answers, vec![Ok(6); 6]);
    let after = db.group_tally();
    assert_eq!(after.writes - before.writes, 1 + 6, "{after:?}");
    assert!(after.transactions - before.transactions <= 2, "{after:?}");

    let held = hold_the_writer(db).await;
    let writes = (0..6).map(|n| db.write_merged(keyed(&format!("b{n}"), n == 3)));
    let answers = join_all(writes).await;
    held.await.expect("held");
    for (n, answer) in answers.into_iter().enumerate() {
        match n {
            3 => assert_eq!(
                answer,
                Err(AppError::Invalid("refused after writing".into()))
            ),
            _ => assert_eq!(answer, Ok(1), "write {n}: run alone after the failure"),
        }
    }
    let mut expected: Vec<String> = (0..6).map(|n| format!("a{n}")).collect();
    expected.extend([0, 1, 2, 4, 5].map(|n| format!("b{n}")));
    assert_eq!(stored_keys(db).await, expected);

    // Alone, a failing write fails just the same and leaves nothing.
    let alone = db.write_merged(keyed("c", true)).await;
    assert_eq!(
        alone,
        Err(AppError::Invalid("refused after writing".into()))
    );
    assert!(!stored_keys(db).await.contains(&"c".to_string()));
}

/// One record id in three pushes at once, merged into one run: stored once; the push with the
/// same content hears `duplicate`, the one with other content `conflict` — or, when that one
/// came first, both others hear `conflict`.
async fn one_record_in_pushes_at_once_is_stored_once(db: &Db) {
    stored_once(db, db).await;
}

/// The same through two processes on one PostgreSQL, each with its own writer: the merged
/// runs of the two race each other, and the row's constraint decides.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_one_record_through_two_processes_is_stored_once() {
    let t = TestDb::postgres().await;
    let other = server::storage::open(&t.url)
        .await
        .expect("a second process's pool");
    stored_once(&t.db, &other).await;
    other.close().await;
    t.finish().await;
}

/// Three pushes of one record id at once: the first through `db`, the other two through `also`.
async fn stored_once(db: &Db, also: &Db) {
    let f = fixture(db).await;
    let at = f.starts[&f.today] + 60_000;
    let id = v7();
    let same = f.checkin(id, &f.today, &f.m1a, at);
    let other = f.checkin(id, &f.today, &f.m1a, at + 1_000);
    // Both writers held at once, so the two processes' groups run at the same moment.
    let (held, held_too) = tokio::join!(hold_the_writer(db), hold_the_writer(also));
    let m1a = &f.m1a;
    let pushes = [(db, same.clone()), (also, same), (also, other)].map(|(db, record)| async move {
        app::records::push(db, m1a, None, vec![record])
            .await
            .expect("answered")
            .results[0]
            .status
    });
    let statuses = join_all(pushes).await;
    held.await.expect("held");
    held_too.await.expect("held");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkins WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(db.pool())
        .await
        .expect("a count");
    assert_eq!(stored, 1);
    let device_time: i64 = sqlx::query_scalar("SELECT device_time FROM checkins WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(db.pool())
        .await
        .expect("the stored row");
    use PushStatus::{Accepted, Conflict, Duplicate};
    if device_time == at {
        let mut firsts = [statuses[0], statuses[1]];
        firsts.sort_by_key(|s| *s != Accepted);
        assert_eq!((firsts, statuses[2]), ([Accepted, Duplicate], Conflict));
    } else {
        assert_eq!(statuses, [Conflict, Conflict, Accepted]);
    }
}

/// A phone's device row moved by pushes at once (one read and one write for all of them),
/// as one push after another would: the mark is the highest number, the push that stored a
/// number at or below the mark hears its device restarted its numbering, and another phone's
/// row beside them is its own.
async fn devices_moved_by_pushes_at_once(db: &Db) {
    use app::sync::protocol::DeviceRef;
    let f = fixture(db).await;
    let at = f.starts[&f.today] + 60_000;
    let (phone, other) = (DeviceRef { id: v7() }, DeviceRef { id: v7() });
    let record = |seq: i64| {
        let mut r = f.checkin(v7(), &f.today, &f.m1a, at);
        r["seq"] = serde_json::json!(seq);
        r
    };
    let first = app::records::push(
        db,
        &f.m1a,
        Some(phone.clone()),
        (1..=5).map(record).collect(),
    )
    .await
    .expect("answered");
    assert_eq!(first.device.expect("the device").high_water, 5);
    let m1a = &f.m1a;
    let held = hold_the_writer(db).await;
    // Whichever comes first: the restart (3 after 5) is noticed, the next number (9) is not.
    let pushes = [
        (phone.clone(), vec![record(3)]),
        (phone.clone(), vec![record(9)]),
        (other.clone(), vec![record(2)]),
    ]
    .map(|(device, records)| async move {
        app::records::push(db, m1a, Some(device), records)
            .await
            .expect("answered")
            .device
            .expect("the device")
    });
    let [restarted, next, beside] = join_all(pushes).await.try_into().expect("three");
    held.await.expect("held");
    assert!(restarted.reset_detected, "{restarted:?}");
    assert!(!next.reset_detected, "{next:?}");
    assert_eq!(next.high_water, 9);
    assert!([5, 9].contains(&restarted.high_water), "{restarted:?}");
    assert_eq!(
        (beside.id, beside.high_water, beside.reset_detected),
        (other.id, 2, false)
    );
    let row = |id: uuid::Uuid| {
        sqlx::query_as::<_, (i64, i64, String)>(
            "SELECT high_water, CAST(resets AS BIGINT), user_id FROM devices WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_one(db.pool())
    };
    assert_eq!(
        row(phone.id).await.expect("the row"),
        (9, 1, f.m1a.id.clone())
    );
    assert_eq!(
        row(other.id).await.expect("the row"),
        (2, 0, f.m1a.id.clone())
    );
}

/// Two processes on one PostgreSQL moving the same devices in their merged groups at once: the
/// rows read are locked until the commit (a phone seen before), and a device new to both is
/// inserted by one upsert per push — no move is lost: each row ends at the highest number
/// pushed, with as many restarts as its pushes were told of, whatever the order.
/// (Mutation-checked: without the lock, one round in three or so loses a move.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_devices_moved_through_two_processes_lose_no_move() {
    use app::sync::protocol::DeviceRef;
    let t = TestDb::postgres().await;
    let also = server::storage::open(&t.url).await.expect("a second pool");
    let db = &t.db;
    let f = fixture(db).await;
    // A race shows only now and then: five rounds, each with devices of its own.
    for _ in 0..5 {
        let at = f.starts[&f.today] + 60_000;
        let (phone, new) = (DeviceRef { id: v7() }, DeviceRef { id: v7() });
        let record = |seq: i64| {
            let mut r = f.checkin(v7(), &f.today, &f.m1a, at);
            r["seq"] = serde_json::json!(seq);
            r
        };
        let m1a = &f.m1a;
        app::records::push(db, m1a, Some(phone.clone()), (1..=5).map(record).collect())
            .await
            .expect("the phone seen before");
        let (held, held_too) = tokio::join!(hold_the_writer(db), hold_the_writer(&also));
        let pushes = [
            // A restart (3 after 5) in one process, the numbering going on in the other: a move
            // lost between them would show in the mark or in the count of restarts.
            (db, &phone, 3),
            (db, &new, 2),
            (&also, &phone, 9),
            (&also, &phone, 12),
            (&also, &new, 4),
        ]
        .map(|(db, device, seq)| {
            let records = vec![record(seq)];
            async move {
                let state = app::records::push(db, m1a, Some(device.clone()), records)
                    .await
                    .expect("answered")
                    .device
                    .expect("the device");
                (state.id, state.reset_detected)
            }
        });
        let states = join_all(pushes).await;
        held.await.expect("held");
        held_too.await.expect("held");
        for (device, highest) in [(&phone, 12), (&new, 4)] {
            let told = states
                .iter()
                .filter(|(id, reset)| *id == device.id && *reset)
                .count();
            let (high_water, resets): (i64, i64) = sqlx::query_as(
                "SELECT high_water, CAST(resets AS BIGINT) FROM devices WHERE id = $1",
            )
            .bind(device.id.to_string())
            .fetch_one(db.pool())
            .await
            .expect("the row");
            assert_eq!(
                (high_water, resets),
                (highest, i64::try_from(told).expect("small")),
                "{states:?}"
            );
        }
    }
    also.close().await;
    t.finish().await;
}

/// Members' pushes over HTTP look up their sessions in their own transaction, all the pushes
/// of the moment in one statement: a live session's push is stored (its idle clock moved on
/// there, its account counted), a signed-out, idle, expired or switched-off one is refused 401
/// with nothing stored — its address counted all the same.
async fn pushes_look_up_their_sessions_in_their_transaction(db: &Db) {
    let f = fixture(db).await;
    let base = common::serve(db).await;
    let (live, out, idle) = (
        common::sign_in(&base, "m1a").await,
        common::sign_in(&base, "m1b").await,
        common::sign_in(&base, "m2a").await,
    );
    let day = 24 * 3_600_000;
    let now = app::db::now_ms();
    let set = |sql: &'static str, a: i64, b: i64, user: &str| {
        sqlx::query(sql)
            .bind(a)
            .bind(b)
            .bind(user.to_owned())
            .execute(db.pool())
    };
    let seen = "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE user_id = $3";
    // Last seen two minutes ago: the push moves the idle clock on.
    set(seen, now - 120_000, now + day, &f.m1a.id)
        .await
        .expect("seen");
    // Unused for fifteen days (the idle timeout is fourteen), not yet expired.
    set(seen, now - 15 * day, now + day, &f.m2a.id)
        .await
        .expect("idle");
    // Used a minute ago, expired a moment ago.
    let expired = common::sign_in(&base, "sec1").await;
    set(seen, now - 60_000, now - 1, &f.sec1.id)
        .await
        .expect("expired");
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(&f.m1b.id)
        .execute(db.pool())
        .await
        .expect("signed out");
    let push = |c: &reqwest::Client, record: serde_json::Value| {
        c.post(format!("{base}/api/v1/sync/push"))
            .json(&serde_json::json!({ "records": [record] }))
            .send()
    };
    let record = |member| f.checkin(v7(), &f.today, member, f.starts[&f.today] + 60_000);
    let other = |member| {
        let at = f.starts[&f.other_branch] + 60_000;
        f.checkin(v7(), &f.other_branch, member, at)
    };
    let held = hold_the_writer(db).await;
    let answers = join_all([
        push(&live, record(&f.m1a)),
        push(&out, record(&f.m1b)),
        push(&idle, other(&f.m2a)),
        push(&expired, record(&f.sec1)),
    ])
    .await;
    held.await.expect("held");
    let statuses: Vec<u16> = answers
        .iter()
        .map(|a| a.as_ref().expect("answered").status().as_u16())
        .collect();
    assert_eq!(statuses, [200, 401, 401, 401]);
    let stored: Vec<String> = sqlx::query_scalar("SELECT user_id FROM checkins")
        .fetch_all(db.pool())
        .await
        .expect("the check-ins");
    assert_eq!(stored, std::slice::from_ref(&f.m1a.id));
    let moved: i64 = sqlx::query_scalar("SELECT last_seen_at FROM sessions WHERE user_id = $1")
        .bind(&f.m1a.id)
        .fetch_one(db.pool())
        .await
        .expect("the session");
    assert!(moved >= now, "the idle clock moved on: {moved} < {now}");
    let hits = |bucket: &'static str| {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COALESCE(SUM(hits), 0) AS BIGINT) FROM rate_counts WHERE bucket = $1",
        )
        .bind(bucket)
        .fetch_one(db.pool())
    };
    assert_eq!(hits("push_address").await.expect("counted"), 4);
    assert_eq!(hits("push_account").await.expect("counted"), 1);

    // An account switched off: its live session pushes no more.
    sqlx::query("UPDATE users SET active = 0 WHERE id = $1")
        .bind(&f.m1a.id)
        .execute(db.pool())
        .await
        .expect("switched off");
    let res = push(&live, record(&f.m1a)).await.expect("answered");
    assert_eq!(res.status().as_u16(), 401);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkins")
        .fetch_one(db.pool())
        .await
        .expect("a count");
    assert_eq!(n, 1);
}

on_both_backends!(
    merged_writes_each_get_their_own_answer,
    one_record_in_pushes_at_once_is_stored_once,
    devices_moved_by_pushes_at_once,
    pushes_look_up_their_sessions_in_their_transaction,
);
