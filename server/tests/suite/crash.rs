//! The real server, killed with SIGKILL mid-push again and again while simulated phones keep
//! checking in and pushing: afterwards every record each member saw saved is stored exactly
//! once. On SQLite and on PostgreSQL.

use crate::common;

use common::live::{Crowd, check_phones, todays_code};
use common::{TestDb, free_port, start_server as start, wait_up};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How many times the server is killed.
const KILLS: usize = 24;
/// How many phones push while it is.
const PHONES: usize = 6;

/// The whole test fails by name if it has not finished in five minutes (it takes seconds).
async fn within(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(300), test)
        .await
        .expect("the SIGKILL test did not finish within 300 s");
}

async fn kill_mid_push(t: TestDb) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&t.url, port);
    wait_up(&base).await;
    let today = todays_code(&base).await;
    let activity = today.0.clone();
    // One in five with a replayed old code: refused, and kept.
    let crowd = Crowd::default();
    let tasks = crowd.start(&base, &today, PHONES, 10).await;

    for k in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(60 + (k as u64 * 37) % 200)).await;
        server.0.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
        server.0.wait().unwrap();
        server = start(&t.url, port);
        wait_up(&base).await;
    }
    let phones = crowd.finish(tasks).await;
    drop(server);

    assert!(
        crowd.pushes.load(Ordering::SeqCst) > 50,
        "the phones kept pushing"
    );
    assert!(
        crowd.failures.load(Ordering::SeqCst) > 0,
        "some pushes were cut by the kills"
    );
    let records = check_phones(&t.db, &activity, &phones).await;
    assert!(records > 100, "enough records were made: {records}");
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_survives_sigkill_mid_push() {
    within(kill_mid_push(TestDb::sqlite().await)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_survives_sigkill_mid_push() {
    within(kill_mid_push(TestDb::postgres().await)).await;
}
