//! The real `xingqi` binary as a process: it refuses to serve on a database it cannot migrate.

use crate::common::run_within;
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
