//! The real server process as phones meet it: demo accounts signed in over HTTP, today's
//! activity and its code secret as the secretary's screen shows them, and phones pushing
//! check-ins until told to stop.

use super::KillOnDrop;
use super::phone::Phone;
use app::outbox::settle_plan;
use app::sync::protocol::{PushResponse, PushStatus};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The `xingqi` binary on the database `url` with its data folder at `data`.
pub fn xingqi(url: &str, data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xingqi"));
    c.env("DATABASE_URL", url)
        .env("XINGQI_DATA_DIR", data)
        .env("RUST_LOG", "off");
    c
}

/// The real server with the demo school on `port` (and `env` besides), killed when the
/// returned guard is dropped.
pub fn serve(url: &str, data: &Path, port: u16, env: &[(&str, &str)]) -> KillOnDrop {
    let child = xingqi(url, data)
        .arg("--demo")
        .env("XINGQI_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "xingqi")
        .env("XINGQI_RATE_LIMITS", "x100")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server starts");
    KillOnDrop(child)
}

/// A client signed in as the demo account `username`.
pub async fn signed_in(base: &str, username: &str) -> reqwest::Client {
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

/// A form posted to a JSON endpoint, and its answer.
pub async fn json(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> serde_json::Value {
    c.post(url)
        .form(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Today's activity of 第一党支部 and its code secret, as its secretary sees them.
pub async fn todays_code(base: &str) -> (String, Vec<u8>) {
    let sec = signed_in(base, "sec1").await;
    let mine = json(&sec, format!("{base}/api/my_activities"), &[]).await;
    let activity = mine["today"][0]["id"].as_str().unwrap().to_owned();
    let screen = json(
        &sec,
        format!("{base}/api/activity_proof"),
        &[("id", &activity)],
    )
    .await;
    let secret_hex = screen["secret"].as_str().unwrap();
    let secret = (0..secret_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&secret_hex[i..i + 2], 16).unwrap())
        .collect();
    (activity, secret)
}

/// Phones pushing check-ins to one server, whatever becomes of it.
#[derive(Clone, Default)]
pub struct Crowd {
    /// Cleared to stop making records; each phone stops once its outbox is empty.
    pub making: Arc<AtomicBool>,
    /// Pushes answered, and pushes cut or refused (connection lost, server killed).
    pub pushes: Arc<AtomicUsize>,
    pub failures: Arc<AtomicUsize>,
    /// The ids the server acknowledged as stored, in the order it did.
    pub acknowledged: Arc<Mutex<Vec<String>>>,
}

impl Crowd {
    /// Starts `phones` phones (demo members m1-01…) checking in to `activity`; one check-in in
    /// `bad_every` carries a replayed old code (refused, and kept by the phone).
    pub async fn start(
        &self,
        base: &str,
        (activity, secret): &(String, Vec<u8>),
        phones: usize,
        bad_every: u64,
    ) -> Vec<tokio::task::JoinHandle<Phone>> {
        self.making.store(true, Ordering::SeqCst);
        let mut tasks = Vec::new();
        for n in 1..=phones {
            let client = signed_in(base, &format!("m1-{n:02}")).await;
            let me = json(&client, format!("{base}/api/my_activities"), &[]).await;
            let mut phone = Phone::new(me["member"]["id"].as_str().unwrap());
            let (base, activity, secret) = (base.to_owned(), activity.clone(), secret.clone());
            let crowd = self.clone();
            tasks.push(tokio::spawn(async move {
                let mut i = 0u64;
                loop {
                    i += 1;
                    let still_making = crowd.making.load(Ordering::SeqCst);
                    if still_making && i.is_multiple_of(2) {
                        phone.check_in(&activity, &secret, !i.is_multiple_of(bad_every));
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
                                crowd.pushes.fetch_add(1, Ordering::SeqCst);
                                let stored = r
                                    .results
                                    .iter()
                                    .filter(|r| r.status == PushStatus::Accepted)
                                    .filter_map(|r| r.id.clone());
                                crowd.acknowledged.lock().unwrap().extend(stored);
                                phone.settle(settle_plan(batch, &r.results, app::db::now_ms()));
                            }
                            // Connection refused or cut: keep everything, try again.
                            None => {
                                crowd.failures.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(5 + i % 20)).await;
                }
            }));
        }
        tasks
    }

    /// Stops making records and waits until every phone's outbox is empty.
    pub async fn finish(&self, tasks: Vec<tokio::task::JoinHandle<Phone>>) -> Vec<Phone> {
        self.making.store(false, Ordering::SeqCst);
        futures::future::join_all(tasks)
            .await
            .into_iter()
            .map(|p| p.expect("a phone task"))
            .collect()
    }

    pub fn acknowledged_now(&self) -> Vec<String> {
        self.acknowledged.lock().unwrap().clone()
    }
}

/// Checks every phone against what `db` holds of its check-ins to `activity` (each record it
/// saw saved stored exactly once, `Phone::check_against`); answers how many records the phones
/// made.
pub async fn check_phones(db: &app::db::Db, activity: &str, phones: &[Phone]) -> usize {
    let mut records = 0;
    for phone in phones {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM checkins WHERE user_id = $1 AND activity_id = $2")
                .bind(&phone.member_id)
                .bind(activity)
                .fetch_all(db.pool())
                .await
                .expect("the phone's check-ins");
        phone.check_against(&ids);
        records += phone.saw_saved.len();
    }
    records
}
