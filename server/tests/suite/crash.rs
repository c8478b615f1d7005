//! The real server, killed with SIGKILL mid-push again and again while simulated phones keep
//! checking in and pushing: afterwards every record each member saw saved is stored exactly
//! once. On SQLite and on PostgreSQL.

use crate::common;

use app::outbox::settle_plan;
use app::sync::protocol::PushResponse;
use common::phone::Phone;
use common::{TestDb, free_port, start_server as start, wait_up};
use sqlx::Row;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

async fn signed_in(base: &str, username: &str) -> reqwest::Client {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let res = c
        .post(format!("{base}/auth/login"))
        .form(&[
            ("username", username),
            ("password", "xingqi2026"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(
        res.headers()["location"],
        "/login?error=credentials",
        "{username} signs in"
    );
    c
}

async fn json(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> serde_json::Value {
    c.post(url)
        .form(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn kill_mid_push(t: TestDb) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(&t.url, port);
    wait_up(&base).await;

    // Today's activity of 第一党支部 and its code secret, as its secretary sees them.
    let sec = signed_in(&base, "sec1").await;
    let mine = json(&sec, format!("{base}/api/my_activities"), &[]).await;
    let activity = mine["today"][0]["id"].as_str().unwrap().to_owned();
    let screen = json(
        &sec,
        format!("{base}/api/activity_proof"),
        &[("id", &activity)],
    )
    .await;
    let secret_hex = screen["secret"].as_str().unwrap();
    let secret: Vec<u8> = (0..secret_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&secret_hex[i..i + 2], 16).unwrap())
        .collect();

    let making = Arc::new(AtomicBool::new(true));
    let pushes = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let mut phones = Vec::new();
    for n in 1..=PHONES {
        let client = signed_in(&base, &format!("m1-{n:02}")).await;
        let me = json(&client, format!("{base}/api/my_activities"), &[]).await;
        let mut phone = Phone::new(me["member"]["id"].as_str().unwrap());
        let (base, activity, secret) = (base.clone(), activity.clone(), secret.clone());
        let (making, pushes, failures) = (making.clone(), pushes.clone(), failures.clone());
        phones.push(tokio::spawn(async move {
            let mut i = 0u64;
            loop {
                i += 1;
                let still_making = making.load(Ordering::SeqCst);
                if still_making && i.is_multiple_of(2) {
                    // One in five with a replayed old code: refused, and kept.
                    phone.check_in(&activity, &secret, !i.is_multiple_of(10));
                }
                if !still_making && phone.waiting() == 0 {
                    return phone;
                }
                if let Some((batch, body)) = phone.batch() {
                    let sent = client
                        .post(format!("{base}/api/v1/sync/push"))
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await;
                    let answer = match sent {
                        Ok(r) if r.status().is_success() => r.json::<PushResponse>().await.ok(),
                        _ => None,
                    };
                    match answer {
                        Some(r) => {
                            pushes.fetch_add(1, Ordering::SeqCst);
                            phone.settle(settle_plan(batch, &r.results, app::db::now_ms()));
                        }
                        // Connection refused or cut by the kill: keep everything, try again.
                        None => {
                            failures.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(5 + i % 20)).await;
            }
        }));
    }

    for k in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(60 + (k as u64 * 37) % 200)).await;
        server.0.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
        server.0.wait().unwrap();
        server = start(&t.url, port);
        wait_up(&base).await;
    }
    making.store(false, Ordering::SeqCst);
    let phones: Vec<Phone> = futures::future::join_all(phones)
        .await
        .into_iter()
        .map(|p| p.expect("a phone task"))
        .collect();
    drop(server);

    assert!(
        pushes.load(Ordering::SeqCst) > 50,
        "the phones kept pushing"
    );
    assert!(
        failures.load(Ordering::SeqCst) > 0,
        "some pushes were cut by the kills"
    );
    let mut records = 0;
    for phone in &phones {
        let rows = sqlx::query("SELECT id FROM checkins WHERE user_id = $1 AND activity_id = $2")
            .bind(&phone.member_id)
            .bind(&activity)
            .fetch_all(t.db.pool())
            .await
            .unwrap();
        let ids: Vec<String> = rows.iter().map(|r| r.try_get("id").unwrap()).collect();
        phone.check_against(&ids);
        records += phone.saw_saved.len();
    }
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
