//! Push throughput and latency: starts the real `xingqi` binary (release) on a fresh SQLite
//! file or PostgreSQL database with the demo school, signs in N simulated phones, and has each
//! push batches of check-ins over loopback as fast as the server answers. Prints records/s
//! and push latency percentiles. Run through `scripts/bench.sh`; not a test.
//!
//!     sync_bench --backend sqlite --devices 40 --batches 25 --batch-size 10

use app::domain::proof::{Proof, code, step_of};
use app::sync::protocol::{CheckinBody, PushResponse, PushStatus, Record, RecordBody};
use clap::Parser;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// sqlite or postgres
    #[arg(long, default_value = "sqlite")]
    backend: String,
    /// PostgreSQL server to create the bench database on.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    #[arg(long, default_value_t = 40)]
    devices: usize,
    #[arg(long, default_value_t = 25)]
    batches: usize,
    #[arg(long, default_value_t = 10)]
    batch_size: usize,
    /// The server binary.
    #[arg(long, default_value = "target/bench-release/xingqi")]
    binary: String,
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn client(base: &str, username: &str) -> anyhow::Result<reqwest::Client> {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let res = c
        .post(format!("{base}/auth/login"))
        .form(&[
            ("username", username),
            ("password", "xingqi2026"),
            ("next", ""),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        !res.headers()["location"].to_str()?.starts_with("/login"),
        "{username} could not sign in"
    );
    Ok(c)
}

async fn post_json(
    c: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> anyhow::Result<serde_json::Value> {
    Ok(c.post(url).form(form).send().await?.json().await?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let url = match args.backend.as_str() {
        "sqlite" => format!("sqlite://{}", dir.path().join("bench.db").display()),
        "postgres" => {
            use sqlx::{Connection, Executor};
            let name = format!("xingqi_bench_{}", Uuid::now_v7().simple());
            let mut admin = sqlx::PgConnection::connect(&args.postgres).await?;
            admin
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await?;
            let (head, _) = args.postgres.rsplit_once('/').expect("a database URL");
            format!("{head}/{name}")
        }
        other => anyhow::bail!("unknown backend {other}"),
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = Server(
        Command::new(&args.binary)
            .arg("--demo")
            .env("DATABASE_URL", &url)
            .env("XINGQI_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            // A plain cargo build does not bake in the name cargo-leptos would.
            .env("LEPTOS_OUTPUT_NAME", "xingqi")
            .stdout(Stdio::null())
            .spawn()?,
    );
    let probe = reqwest::Client::new();
    for _ in 0..600 {
        if probe
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Each branch's activity in progress and its code secret.
    let mut branches = Vec::new();
    for b in 1..=4 {
        let sec = client(&base, &format!("sec{b}")).await?;
        let mine = post_json(&sec, format!("{base}/api/my_activities"), &[]).await?;
        let activity = mine["today"][0]["id"]
            .as_str()
            .expect("an activity today")
            .to_owned();
        let screen = post_json(
            &sec,
            format!("{base}/api/activity_proof"),
            &[("id", &activity)],
        )
        .await?;
        let hex = screen["secret"].as_str().expect("a secret").to_owned();
        let secret: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        branches.push((activity, secret));
    }
    // Demo members m{b}-01…m{b}-08; several phones may share a member.
    let mut phones = Vec::new();
    for d in 0..args.devices {
        let b = d % 4 + 1;
        let m = (d / 4) % 8 + 1;
        let c = client(&base, &format!("m{b}-{m:02}")).await?;
        let me = post_json(&c, format!("{base}/api/my_activities"), &[]).await?;
        let member = Uuid::parse_str(me["member"]["id"].as_str().unwrap())?;
        phones.push((c, member, branches[b - 1].clone()));
    }

    let started = Instant::now();
    let tasks: Vec<_> = phones
        .into_iter()
        .map(|(c, member, (activity, secret))| {
            let base = base.clone();
            let (batches, size) = (args.batches, args.batch_size);
            tokio::spawn(async move {
                let device = Uuid::now_v7();
                let mut latencies = Vec::with_capacity(batches);
                let mut seq = 0i64;
                for _ in 0..batches {
                    let now = app::db::now_ms();
                    let step = step_of(now);
                    let records: Vec<Record> = (0..size)
                        .map(|_| {
                            seq += 1;
                            Record {
                                id: Uuid::now_v7(),
                                seq: Some(seq),
                                body: RecordBody::Checkin(CheckinBody {
                                    activity_id: Uuid::parse_str(&activity).unwrap(),
                                    member_id: member,
                                    device_time: now,
                                    proof: Proof::Qr {
                                        step,
                                        code: code(&secret, &activity, step),
                                    },
                                    synced: None,
                                }),
                            }
                        })
                        .collect();
                    let body = serde_json::json!({"device": {"id": device}, "records": records});
                    let t = Instant::now();
                    let res: PushResponse = c
                        .post(format!("{base}/api/v1/sync/push"))
                        .json(&body)
                        .send()
                        .await
                        .expect("push")
                        .json()
                        .await
                        .expect("answer");
                    latencies.push(t.elapsed());
                    assert!(
                        res.results.iter().all(|r| r.status == PushStatus::Accepted),
                        "{res:?}"
                    );
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await?);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let records = args.devices * args.batches * args.batch_size;
    println!(
        "backend={} devices={} batches={} batch_size={} records={} elapsed={:.2}s records/s={:.0} pushes/s={:.0} p50={:.1}ms p99={:.1}ms max={:.1}ms",
        args.backend,
        args.devices,
        args.batches,
        args.batch_size,
        records,
        elapsed.as_secs_f64(),
        records as f64 / elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().unwrap().as_secs_f64() * 1000.0,
    );
    if args.backend == "postgres" {
        // The database is left for inspection only on failure; drop it now.
        drop(_server);
        use sqlx::{Connection, Executor};
        let name = url.rsplit('/').next().unwrap().to_owned();
        let mut admin = sqlx::PgConnection::connect(&args.postgres).await?;
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .await?;
    }
    Ok(())
}
