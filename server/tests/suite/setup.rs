//! First run (issue 9, point 1): a school from an empty database through the one-time set-up
//! link, over HTTP and in storage on both backends; `xingqi setup` and the logged link with the
//! real binary.

use crate::common;

use app::auth::server::{Password, hash_password, sign_in};
use app::db::{Db, now_ms};
use app::domain::setup::check_setup;
use app::error::AppError;
use app::setup::server::{FirstPassword, issue_token, needs_setup, set_up};
use common::{client, free_port, run_within, serve, wait_up};
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const PASSWORD: &str = "红旗飘飘-2026";

async fn count(db: &Db, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

async fn a_school_is_set_up_once_from_an_empty_database(db: &Db) {
    assert!(needs_setup(db).await.unwrap());
    let first = issue_token(db, now_ms()).await.unwrap().unwrap();
    let second = issue_token(db, now_ms()).await.unwrap().unwrap();
    assert_ne!(first, second);
    let setup = check_setup("城关第一中学", "", "王老师", "wangls").unwrap();
    let hash = hash_password(Password::new(PASSWORD)).await.unwrap();
    let with = |token| FirstPassword::Chosen { hash: &hash, token };
    // A token the server never issued writes nothing.
    assert!(matches!(
        set_up(db, &setup, with("not-a-token"), now_ms()).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(count(db, "SELECT COUNT(*) FROM organisations").await, 0);

    let done = set_up(db, &setup, with(&first), now_ms()).await.unwrap();
    assert_eq!(done.admin.org_name, "城关第一中学党总支");
    assert!(done.invite.is_none());
    let school: (String, String, Option<String>) =
        sqlx::query_as("SELECT kind, name, school_name FROM organisations")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(
        school,
        (
            "school".into(),
            "城关第一中学党总支".into(),
            Some("城关第一中学".into())
        )
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'org_setup'"
        )
        .await,
        1
    );
    // Every token is spent: the other one, and the first again, set up nothing more.
    assert_eq!(count(db, "SELECT COUNT(*) FROM setup_tokens").await, 0);
    for token in [&second, &first] {
        assert!(matches!(
            set_up(db, &setup, with(token), now_ms()).await,
            Err(AppError::Forbidden)
        ));
    }
    assert!(!needs_setup(db).await.unwrap());
    assert_eq!(
        issue_token(db, now_ms()).await.unwrap(),
        None,
        "no new link once set up"
    );
    let (_, admin) = sign_in(db, "wangls", Password::new(PASSWORD), 3_600_000)
        .await
        .unwrap();
    assert_eq!(admin.role, app::domain::role::Role::Admin);
    // The command line refuses a database with a school, too.
    assert!(matches!(
        set_up(db, &setup, FirstPassword::Invite, now_ms()).await,
        Err(AppError::Invalid(_))
    ));
}

/// The command line's way: no password, an invite code instead, with which the admin sets one.
async fn set_up_without_a_password_gives_an_invite_code(db: &Db) {
    let setup = check_setup("城关第二中学", "城关二中党支部委员会", "李老师", "lils").unwrap();
    let done = set_up(db, &setup, FirstPassword::Invite, now_ms())
        .await
        .unwrap();
    let code = done.invite.expect("an invite code");
    assert!(matches!(
        sign_in(db, "lils", Password::new(PASSWORD), 3_600_000).await,
        Err(AppError::BadCredentials)
    ));
    app::roster::server::accept_invite(db, "lils", &code, Password::new(PASSWORD), now_ms())
        .await
        .unwrap();
    sign_in(db, "lils", Password::new(PASSWORD), 3_600_000)
        .await
        .unwrap();
}

async fn the_set_up_page_sets_up_the_school_and_signs_the_admin_in(db: &Db) {
    let base = serve(db).await;
    let c = client();
    let page = |url: String| {
        let c = c.clone();
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // The front door of an empty server leads here; without the token the page says where to
    // find it.
    let res = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(location(&res), "/setup");
    let html = page(format!("{base}/setup")).await;
    assert!(html.contains("设置链接"), "{html}");
    assert!(!html.contains("name=\"school_name\""));
    let token = issue_token(db, now_ms()).await.unwrap().unwrap();
    let html = page(format!("{base}/setup?token={token}")).await;
    assert!(html.contains("name=\"school_name\""), "{html}");

    let post = |fields: Vec<(&'static str, String)>| {
        let c = c.clone();
        let base = base.clone();
        async move {
            c.post(format!("{base}/auth/setup"))
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    };
    let form = |token: &str, confirm: &str| {
        vec![
            ("token", token.to_owned()),
            ("school_name", "城关第一中学".to_owned()),
            ("committee_name", String::new()),
            ("admin_name", "王老师".to_owned()),
            ("username", "wangls".to_owned()),
            ("password", PASSWORD.to_owned()),
            ("confirm", confirm.to_owned()),
        ]
    };
    let res = post(form("made-up", PASSWORD)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).ends_with("error=token"),
        "{}",
        location(&res)
    );
    let res = post(form(&token, "something else")).await;
    assert!(
        location(&res).ends_with("error=mismatch"),
        "{}",
        location(&res)
    );
    let mut weak = form(&token, "12345678");
    weak[5].1 = "12345678".into();
    let res = post(weak).await;
    assert!(location(&res).contains("error="), "{}", location(&res));
    assert!(
        needs_setup(db).await.unwrap(),
        "refused forms write nothing"
    );

    let res = post(form(&token, PASSWORD)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/branch");
    assert!(
        res.headers().get("set-cookie").is_some(),
        "the admin is signed in"
    );
    let res = c.get(format!("{base}/branch")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the admin's page, signed in");
    let res = client().get(format!("{base}/")).send().await.unwrap();
    assert_eq!(
        location(&res),
        "/login",
        "once set up, the front door is sign-in"
    );
    let html = page(format!("{base}/setup?token={token}")).await;
    assert!(html.contains("学校已经设置好了"), "{html}");
    assert!(!html.contains("name=\"school_name\""));
    // The spent token sets up nothing more.
    let res = post(form(&token, PASSWORD)).await;
    assert!(
        location(&res).ends_with("error=token"),
        "{}",
        location(&res)
    );
}

on_both_backends!(
    a_school_is_set_up_once_from_an_empty_database,
    set_up_without_a_password_gives_an_invite_code,
    the_set_up_page_sets_up_the_school_and_signs_the_admin_in,
);

/// The real binary on an empty database, without `--demo`: it prints a one-time set-up link,
/// and that link opens the set-up form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_server_prints_its_set_up_link() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xingqi"))
        .env("DATABASE_URL", &url)
        .env("XINGQI_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "xingqi")
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let stdout = child.stdout.take().unwrap();
    let _guard = common::KillOnDrop(child);
    // Read the console to its end (a closed pipe would make the server's next line fail),
    // handing over the link when it comes.
    let (found, link) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut found = Some(found);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(word) = line
                .split_whitespace()
                .find(|w| w.contains("/setup?token="))
                && let Some(tx) = found.take()
            {
                let _ = tx.send(word.to_owned());
            }
        }
    });
    let link = tokio::time::timeout(Duration::from_secs(60), link)
        .await
        .expect("the link within a minute")
        .expect("a set-up link on the console");
    assert!(link.starts_with(&base), "{link}");
    wait_up(&base).await;
    let html = client()
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("name=\"school_name\""), "{html}");
}

/// `xingqi setup` on an empty database prints the admin's invite code; a second run refuses.
#[test]
fn the_setup_command_prints_the_admins_invite_code() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let run = || {
        run_within(
            Command::new(env!("CARGO_BIN_EXE_xingqi"))
                .args([
                    "setup",
                    "--school",
                    "城关第三中学",
                    "--admin-name",
                    "赵老师",
                    "--admin",
                    "zhaols",
                ])
                .env("DATABASE_URL", &url)
                .env("RUST_LOG", "off"),
            Duration::from_secs(60),
        )
    };
    let out = run();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("城关第三中学党总支"), "{stdout}");
    let code = stdout
        .lines()
        .find_map(|l| l.strip_prefix("邀请码："))
        .expect("an invite code");
    assert_eq!(code.trim().len(), 11, "{code}");
    let again = run();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("已经设置过"));
}
