//! The real `xingqi` binary as a process: it refuses to serve on a database it cannot migrate.

use crate::common::{free_port, run_within, start_server, wait_up};
use std::process::Command;
use std::time::Duration;

/// Runs the binary, which must stop by itself within a minute.
fn xingqi(database_url: &str) -> std::process::Output {
    run_within(
        Command::new(env!("CARGO_BIN_EXE_xingqi"))
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_OUTPUT_NAME", "xingqi")
            .env("XINGQI_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "off"),
        Duration::from_secs(60),
    )
}

#[tokio::test]
async fn a_failed_migration_stops_the_process_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    // A database whose record of the first migration does not match the migration shipped.
    let db = server::storage::open(&url).await.unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = X'00'")
        .execute(db.pool())
        .await
        .unwrap();
    db.close().await;

    let out = xingqi(&url);
    assert!(!out.status.success(), "it must not serve");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("opening the database"), "{stderr}");
    assert!(stderr.contains("database migration failed"), "{stderr}");
}

#[test]
fn an_unusable_database_url_stops_the_process_with_the_reason() {
    let out = xingqi("mysql://nowhere/xingqi");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("DATABASE_URL must start with sqlite:// or postgres://"),
        "{stderr}"
    );
}

/// A burst of bogus sign-ins — unknown usernames, an account not yet activated, wrong
/// passwords — is answered like any wrong password and waits its turn to hash, instead of
/// taking the server's memory: 120 at once leave the process's peak memory far below the
/// 2 GiB that 120 argon2 computations side by side take (about 19 MiB each).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_sign_ins_does_not_take_the_servers_memory() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = start_server(&url, port);
    wait_up(&base).await;
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let tries = (0..120).map(|i| {
        let username = ["nobody", "m1-01", "sec1"][i % 3];
        c.post(format!("{base}/auth/login"))
            .form(&[("username", username), ("password", "wrong"), ("next", "")])
            .send()
    });
    for answer in futures::future::join_all(tries).await {
        let answer = answer.expect("every try is answered");
        assert_eq!(answer.status(), 303);
        assert_eq!(answer.headers()["location"], "/login?error=credentials");
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.0.id())).unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("the peak memory of the server");
    assert!(
        peak_kib < 600 * 1024,
        "the server's memory peaked at {} MiB",
        peak_kib / 1024
    );
}
