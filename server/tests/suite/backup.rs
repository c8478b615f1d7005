//! `xingqi backup` taken from the real server while phones keep pushing, and `xingqi restore`
//! of it into an empty database and data folder: every record acknowledged before the backup
//! began is in the restored copy, with the data folder's files, and the restored database
//! serves. Restoring never overwrites. On SQLite and on PostgreSQL.

use crate::common;

use common::live::{Crowd, serve, signed_in, todays_code, xingqi};
use common::{EmptyPostgres, TestDb, free_port, run_within, wait_up};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

/// Runs `xingqi <args>` against `url` and `data`; its exit status and what it printed.
async fn run(url: &str, data: &Path, args: &[&str]) -> (bool, String) {
    let mut command = xingqi(url, data);
    command.args(args);
    let out =
        tokio::task::spawn_blocking(move || run_within(&mut command, Duration::from_secs(120)))
            .await
            .expect("the command ran");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), printed)
}

async fn stored_ids(url: &str) -> HashSet<String> {
    let db = app::db::Db::connect(url)
        .await
        .expect("the restored database opens");
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM checkins")
        .fetch_all(db.pool())
        .await
        .expect("the check-ins read");
    db.close().await;
    ids.into_iter().collect()
}

async fn backup_while_pushing(t: TestDb, restore_url: &str) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (data, restored_data) = (dir.path().join("data"), dir.path().join("restored-data"));
    // An uploaded file, as the evidence pages keep them.
    std::fs::create_dir_all(data.join("evidence")).unwrap();
    std::fs::write(data.join("evidence/proof.pdf"), b"%PDF-1.4 evidence").unwrap();

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = serve(&t.url, &data, port, &[]);
    wait_up(&base).await;
    let today = todays_code(&base).await;
    let crowd = Crowd::default();
    let tasks = crowd.start(&base, &today, 4, 7).await;
    tokio::time::sleep(Duration::from_millis(800)).await;

    // The backup is taken while the phones go on pushing.
    let before = crowd.acknowledged_now();
    let to = dir.path().join("backup");
    let to_arg = to.display().to_string();
    let (ok, printed) = run(&t.url, &data, &["backup", "--to", &to_arg]).await;
    assert!(ok, "the backup: {printed}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    crowd.finish(tasks).await;
    assert!(
        before.len() > 20,
        "enough was acknowledged first: {}",
        before.len()
    );
    assert!(
        crowd.acknowledged_now().len() > before.len(),
        "pushes went on during the backup"
    );
    // A second backup to the same place is refused: nothing is overwritten.
    let (ok, printed) = run(&t.url, &data, &["backup", "--to", &to_arg]).await;
    assert!(!ok && printed.contains("已存在"), "{printed}");
    drop(server);

    let (ok, printed) = run(restore_url, &restored_data, &["restore", "--from", &to_arg]).await;
    assert!(ok, "the restore: {printed}");
    assert!(printed.contains("条签到"), "{printed}");
    let restored = stored_ids(restore_url).await;
    let missing: Vec<&String> = before.iter().filter(|id| !restored.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not restored: {missing:?}"
    );
    assert_eq!(
        std::fs::read(restored_data.join("evidence/proof.pdf")).unwrap(),
        b"%PDF-1.4 evidence"
    );
    // Restoring again would overwrite the database: refused, and nothing changes.
    let (ok, printed) = run(restore_url, &restored_data, &["restore", "--from", &to_arg]).await;
    assert!(!ok && printed.contains("恢复"), "{printed}");
    assert_eq!(stored_ids(restore_url).await, restored);

    // The restored copy serves: members sign in.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _restored = serve(restore_url, &restored_data, port, &[]);
    wait_up(&base).await;
    signed_in(&base, "m1-01").await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_while_serving_restores_every_acknowledged_record() {
    let target = tempfile::tempdir().expect("a temp dir");
    let url = format!("sqlite://{}", target.path().join("restored.db").display());
    backup_while_pushing(TestDb::sqlite().await, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_while_serving_restores_every_acknowledged_record() {
    let t = TestDb::postgres().await;
    let target = EmptyPostgres::new().await;
    backup_while_pushing(t, &target.url).await;
    target.drop_it().await;
}
