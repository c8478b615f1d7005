//! Two xingqi processes on one PostgreSQL database behind nginx (Debian's `nginx-light`), as
//! a county deploys them: started at the same moment on an empty database, they migrate it
//! once; a session made through one is good on the other; phones whose pushes nginx deals
//! out between them — while one is SIGKILLed again and again — have every record they saw
//! saved stored exactly once.

use crate::common;

use common::live::{Crowd, check_phones, serve, signed_in, todays_code};
use common::{EmptyPostgres, KillOnDrop, free_port, wait_up};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// nginx, from the PATH or where Debian puts it.
fn nginx_binary() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|p| p.exists());
    found.unwrap_or_else(|| {
        panic!(
            "nginx is not installed: the multi-instance test needs Debian's nginx-light \
             (scripts/setup.sh --test installs it)"
        )
    })
}

/// nginx on `port` dealing requests out in turn to `upstreams`, naming in `X-Upstream` the one
/// that answered. A request that cannot reach one (refused: it is down) goes to the other.
fn nginx(dir: &Path, port: u16, upstreams: &[u16]) -> KillOnDrop {
    let servers: String = upstreams
        .iter()
        .map(|p| format!("server 127.0.0.1:{p} max_fails=0;\n"))
        .collect();
    let d = dir.display();
    let conf = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
           fastcgi_temp_path {d}/fcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
           upstream xingqi {{\n{servers}  }}\n\
           server {{\n    listen 127.0.0.1:{port};\n    location / {{\n\
               proxy_pass http://xingqi;\n      proxy_set_header Host $http_host;\n\
               proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
               proxy_set_header X-Forwarded-Proto $scheme;\n\
               proxy_next_upstream error timeout;\n      proxy_connect_timeout 2s;\n\
               add_header X-Upstream $upstream_addr always;\n    }}\n  }}\n}}\n"
    );
    let file = dir.join("nginx.conf");
    std::fs::write(&file, conf).expect("the nginx configuration");
    let child = std::process::Command::new(nginx_binary())
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("nginx starts");
    KillOnDrop(child)
}

async fn two_servers_behind_nginx() {
    let db = EmptyPostgres::new().await;
    let dir = tempfile::tempdir().expect("a temp dir");
    let data = dir.path().join("data");
    let (a, b, front) = (free_port(), free_port(), free_port());
    let proxied = [("XINGQI_TRUSTED_PROXIES", "127.0.0.1")];
    // Both start at once on the empty database: one migrates (and seeds the demo), the
    // other waits for it, and both serve.
    let mut first = serve(&db.url, &data, a, &proxied);
    let _second = serve(&db.url, &data, b, &proxied);
    for port in [a, b] {
        wait_up(&format!("http://127.0.0.1:{port}")).await;
    }
    let check = app::db::Db::connect(&db.url).await.expect("the database");
    let migrated: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(check.pool())
        .await
        .expect("the migrations table");
    let once: HashSet<i64> = migrated.iter().copied().collect();
    assert_eq!(migrated.len(), once.len(), "a migration ran twice");
    assert_eq!(migrated.len(), server::storage::MIGRATOR.iter().count());
    let schools: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE parent_id IS NULL")
            .fetch_one(check.pool())
            .await
            .expect("the schools");
    assert_eq!(schools, 1, "the demo school was seeded once");

    let _nginx = nginx(dir.path(), front, &[a, b]);
    let base = format!("http://127.0.0.1:{front}");
    wait_up(&base).await;

    // Signed in through one, served by both.
    let member = signed_in(&base, "m1-01").await;
    let mut answered_by = HashSet::new();
    for _ in 0..6 {
        let res = member
            .post(format!("{base}/api/my_activities"))
            .send()
            .await
            .expect("an answer");
        assert!(res.status().is_success(), "{}", res.status());
        answered_by.insert(res.headers()["x-upstream"].to_str().unwrap().to_owned());
        let me: serde_json::Value = res.json().await.unwrap();
        assert!(me["member"]["id"].is_string(), "{me}");
    }
    assert_eq!(
        answered_by.len(),
        2,
        "both servers answered: {answered_by:?}"
    );

    // Phones push through nginx while the first server is killed and started again.
    let today = todays_code(&base).await;
    let crowd = Crowd::default();
    let tasks = crowd.start(&base, &today, 4, 10).await;
    for k in 0..6u64 {
        tokio::time::sleep(Duration::from_millis(150 + (k * 53) % 200)).await;
        first.0.kill().expect("SIGKILL");
        first.0.wait().unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        first = serve(&db.url, &data, a, &proxied);
        wait_up(&format!("http://127.0.0.1:{a}")).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let phones = crowd.finish(tasks).await;
    let records = check_phones(&check, &today.0, &phones).await;
    assert!(records > 20, "enough records were made: {records}");
    check.close().await;
    drop(first);
    db.drop_it().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_servers_behind_nginx_store_each_record_once() {
    tokio::time::timeout(Duration::from_secs(300), two_servers_behind_nginx())
        .await
        .expect("the multi-instance test did not finish within 300 s");
}
