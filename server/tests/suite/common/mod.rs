//! Test support: a fresh database per test on either backend, and a small fixture school.
//!
//! PostgreSQL: `XINGQI_TEST_POSTGRES_URL` names a server database to connect to
//! (`scripts/test.sh` sets `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its
//! own database there (a copy of a migrated template) and drops it at the end. Without that
//! variable a PostgreSQL test fails loudly; a run that has no PostgreSQL skips them by name.

#![allow(dead_code)]

pub mod live;
pub mod phone;

use app::auth::CurrentUser;
use app::db::Db;
use app::domain::role::Role;
use app::state::{AppState, RuntimeConfig};
use leptos::config::LeptosOptions;
use serde_json::json;
use sqlx::{Connection, Executor};
use std::collections::HashMap;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse";

pub struct TestDb {
    pub db: Db,
    /// The URL the database was opened with, for a child process.
    pub url: String,
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = server::storage::open(&url).await.expect("sqlite opens");
        Self {
            db,
            url,
            pg: None,
            _dir: Some(dir),
        }
    }

    /// A fresh database on the PostgreSQL server named by `XINGQI_TEST_POSTGRES_URL`. Without
    /// it the test fails: a machine without PostgreSQL skips these tests by name
    /// (`cargo test -- --skip postgres`, which `scripts/test.sh` does when
    /// `XINGQI_SKIP_POSTGRES=1`), so the run counts them as filtered out, never as passed.
    pub async fn postgres() -> Self {
        let Ok(base) = std::env::var("XINGQI_TEST_POSTGRES_URL") else {
            panic!(
                "XINGQI_TEST_POSTGRES_URL is not set, so the PostgreSQL leg cannot run. Run the \
                 tests with scripts/test.sh, or skip them knowingly with `-- --skip postgres` \
                 (scripts/test.sh does so when XINGQI_SKIP_POSTGRES=1)."
            );
        };
        let template = migrated_template(&base).await;
        let name = format!("xingqi_test_{}", Uuid::now_v7().simple());
        let mut admin = sqlx::PgConnection::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {base}: {e}"));
        // A copy of the migrated template: a file copy on the server, instead of running every
        // migration again for each test.
        let mut tries = 0;
        while let Err(e) = admin
            .execute(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE {name} TEMPLATE {template}"
            )))
            .await
        {
            // Another test's copy of the same template may still hold it for a moment.
            tries += 1;
            assert!(tries < 50, "create the test database from {template}: {e}");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let url = replace_database(&base, &name);
        let db = server::storage::open(&url).await.expect("postgres opens");
        Self {
            db,
            url,
            pg: Some((base, name)),
            _dir: None,
        }
    }

    /// Closes the pool and drops a PostgreSQL test database. A pool that does not close (a
    /// connection still held by the test's in-process server) is reported, not waited on for
    /// ever: the database is dropped with its sessions all the same.
    pub async fn finish(self) {
        if tokio::time::timeout(std::time::Duration::from_secs(15), self.db.close())
            .await
            .is_err()
        {
            eprintln!("WARNING: the test's connection pool did not close within 15 s");
        }
        if let Some((base, name)) = self.pg {
            let mut admin = sqlx::PgConnection::connect(&base).await.expect("reconnect");
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await
                .expect("drop the test database");
        }
    }
}

/// The name of a PostgreSQL database holding exactly the embedded migrations, made once per
/// set of migrations (its name carries their checksums) and then only copied. It is made
/// under a temporary name and renamed when complete, so a concurrent run never copies half a
/// schema.
async fn migrated_template(base: &str) -> String {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            use sha2::Digest;
            let mut hash = sha2::Sha256::new();
            for m in server::storage::MIGRATOR.iter() {
                hash.update(m.version.to_le_bytes());
                hash.update(&*m.checksum);
            }
            let name = format!("xingqi_template_{}", &hex::encode(hash.finalize())[..16]);
            let mut admin = sqlx::PgConnection::connect(base)
                .await
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {base}: {e}"));
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                    .bind(&name)
                    .fetch_optional(&mut admin)
                    .await
                    .expect("look for the template");
            if exists.is_none() {
                let building = format!("{name}_{}", Uuid::now_v7().simple());
                admin
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {building}")))
                    .await
                    .expect("create the template database");
                let db = server::storage::open(&replace_database(base, &building))
                    .await
                    .expect("migrate the template database");
                db.close().await;
                let renamed = admin
                    .execute(sqlx::AssertSqlSafe(format!(
                        "ALTER DATABASE {building} RENAME TO {name}"
                    )))
                    .await;
                if renamed.is_err() {
                    // Another run finished the same template first.
                    let _ = admin
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {building} WITH (FORCE)"
                        )))
                        .await;
                }
            }
            name
        })
        .await
        .clone()
}

/// An empty database on the test PostgreSQL server (no migrations run), dropped by
/// [`EmptyPostgres::drop_it`]: for what must start from nothing (a restore, two servers
/// migrating at once).
pub struct EmptyPostgres {
    pub url: String,
    base: String,
    name: String,
}

impl EmptyPostgres {
    pub async fn new() -> Self {
        let base = std::env::var("XINGQI_TEST_POSTGRES_URL")
            .expect("XINGQI_TEST_POSTGRES_URL names the test PostgreSQL server");
        let name = format!("xingqi_empty_{}", Uuid::now_v7().simple());
        let mut admin = sqlx::PgConnection::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {base}: {e}"));
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("an empty database");
        Self {
            url: replace_database(&base, &name),
            base,
            name,
        }
    }

    pub async fn drop_it(self) {
        let mut admin = sqlx::PgConnection::connect(&self.base)
            .await
            .expect("reconnect");
        let _ = admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .await;
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let (head, tail) = url.rsplit_once('/').expect("a database URL has a path");
    let query = tail
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{head}/{name}{query}")
}

/// A school with two branches. Branch 1: secretary `sec1` (on the committee), members `m1a`
/// and `m1b` (in its 党小组 `group1`); branch 2: member `m2a`; the school's admin `admin`.
pub struct Fixture {
    pub school: String,
    pub branch1: String,
    pub branch2: String,
    pub group1: String,
    pub sec1: CurrentUser,
    pub m1a: CurrentUser,
    pub m1b: CurrentUser,
    pub m2a: CurrentUser,
    pub admin: CurrentUser,
    /// Branch 1, in progress now, for sec1, m1a and m1b.
    pub today: String,
    /// Branch 1, a week ago, for sec1, m1a and m1b.
    pub past: String,
    /// Branch 1, cancelled.
    pub cancelled: String,
    /// Branch 2, in progress now, for m2a.
    pub other_branch: String,
    /// Branch 1, next week.
    pub next_week: String,
    /// Each activity's proof secret and start.
    pub secrets: HashMap<String, Vec<u8>>,
    pub starts: HashMap<String, i64>,
    /// The key of sync receipts, to make the receipt an honest phone would carry.
    pub receipt_key: Vec<u8>,
}

impl Fixture {
    /// A check-in as an honest phone would push it, with the QR proof shown at `device_time`
    /// and the sync receipt of a pull an hour before (the phone was offline since, however
    /// late the record arrives).
    pub fn checkin(
        &self,
        id: Uuid,
        activity: &str,
        member: &CurrentUser,
        device_time: i64,
    ) -> serde_json::Value {
        let receipt = self.receipt(member, device_time - 3_600_000);
        let mut record = self.checkin_unsynced(id, activity, member, device_time);
        record["body"]["synced"] = json!(receipt);
        record
    }

    /// [`Fixture::checkin`] without a sync receipt (a new or wiped browser).
    pub fn checkin_unsynced(
        &self,
        id: Uuid,
        activity: &str,
        member: &CurrentUser,
        device_time: i64,
    ) -> serde_json::Value {
        let step = app::domain::proof::step_of(device_time);
        let secret = self.secrets.get(activity).cloned().unwrap_or_default();
        let code = app::domain::proof::code(&secret, activity, step);
        checkin_with(
            id,
            activity,
            member,
            device_time,
            json!({"method": "qr", "step": step, "code": code}),
        )
    }

    /// The sync receipt the server would have handed `member` at `at`.
    pub fn receipt(&self, member: &CurrentUser, at: i64) -> String {
        app::domain::replay::mint_receipt(&self.receipt_key, &member.id, at)
    }

    /// A check-in during the activity: a minute after its start, or now if that is sooner.
    pub fn checkin_now(&self, id: Uuid, activity: &str, member: &CurrentUser) -> serde_json::Value {
        let now = app::db::now_ms();
        let at = self
            .starts
            .get(activity)
            .map_or(now, |&start| (start + 60_000).min(now).max(start));
        self.checkin(id, activity, member, at)
    }

    /// A leave request as a phone would push it.
    pub fn leave(
        &self,
        id: Uuid,
        activity: &str,
        member: &CurrentUser,
        reason: &str,
        device_time: i64,
    ) -> serde_json::Value {
        json!({
            "id": id.to_string(), "kind": "leave_request",
            "body": {"activity_id": activity, "member_id": member.id, "reason": reason, "device_time": device_time}
        })
    }
}

/// A check-in record with the given proof.
pub fn checkin_with(
    id: Uuid,
    activity: &str,
    member: &CurrentUser,
    device_time: i64,
    proof: serde_json::Value,
) -> serde_json::Value {
    json!({
        "id": id.to_string(),
        "kind": "checkin",
        "body": {"activity_id": activity, "member_id": member.id, "device_time": device_time, "proof": proof}
    })
}

fn id() -> String {
    Uuid::now_v7().to_string()
}

async fn org(db: &Db, id: &str, parent: Option<&str>, kind: &str, name: &str, order: i32) {
    let mut conn = db.pool().acquire().await.expect("a connection");
    app::org::server::insert_org(
        &mut conn,
        &app::org::server::NewOrg {
            id,
            parent_id: parent,
            kind,
            name,
            sort_order: order,
        },
    )
    .await
    .expect("org");
}

struct NewUser<'a> {
    username: &'a str,
    name: &'a str,
    role: Role,
    org: &'a str,
    org_name: &'a str,
    committee: bool,
    group: Option<&'a str>,
}

async fn user(db: &Db, hash: &str, u: NewUser<'_>) -> CurrentUser {
    let uid = id();
    let mut conn = db.pool().acquire().await.expect("a connection");
    app::roster::server::insert_user(
        &mut conn,
        &app::roster::server::NewUser {
            id: &uid,
            org_id: u.org,
            username: u.username,
            display_name: u.name,
            password_hash: hash,
            role: u.role.as_str(),
            created_at: app::db::now_ms(),
            committee_role: u.committee.then_some("member"),
            group_id: u.group,
            ..Default::default()
        },
    )
    .await
    .expect("user");
    CurrentUser {
        id: uid,
        username: u.username.into(),
        display_name: u.name.into(),
        role: u.role,
        org_id: u.org.into(),
        org_name: u.org_name.into(),
    }
}

/// The argon2 hash of [`PASSWORD`], computed once for the whole run (it takes a while on
/// purpose, and every fixture's accounts share the password).
pub async fn password_hash() -> String {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async {
        app::auth::server::hash_password(app::auth::server::Password::new(PASSWORD))
            .await
            .expect("hash")
    })
    .await
    .clone()
}

pub async fn fixture(db: &Db) -> Fixture {
    let hash = password_hash().await;
    let now = app::db::now_ms();
    let (school, branch1, branch2, group1) = (id(), id(), id(), id());
    org(db, &school, None, "school", "测试学校党总支", 0).await;
    org(db, &branch1, Some(&school), "branch", "第一党支部", 1).await;
    org(db, &branch2, Some(&school), "branch", "第二党支部", 2).await;
    org(db, &group1, Some(&branch1), "group", "第一党小组", 1).await;
    let b1 = |username, name, role, committee, group| NewUser {
        username,
        name,
        role,
        org: &branch1,
        org_name: "第一党支部",
        committee,
        group,
    };
    let sec1 = user(db, &hash, b1("sec1", "王书记", Role::Secretary, true, None)).await;
    let m1a = user(
        db,
        &hash,
        b1("m1a", "李一", Role::Member, false, Some(&group1)),
    )
    .await;
    let m1b = user(
        db,
        &hash,
        b1("m1b", "张二", Role::Member, false, Some(&group1)),
    )
    .await;
    let m2a = user(
        db,
        &hash,
        NewUser {
            username: "m2a",
            name: "赵三",
            role: Role::Member,
            org: &branch2,
            org_name: "第二党支部",
            committee: false,
            group: None,
        },
    )
    .await;
    let admin = user(
        db,
        &hash,
        NewUser {
            username: "admin",
            name: "总支管理员",
            role: Role::Admin,
            org: &school,
            org_name: "测试学校党总支",
            committee: false,
            group: None,
        },
    )
    .await;
    let mut secrets = HashMap::new();
    let mut starts = HashMap::new();
    let hour = 3_600_000;
    let mut activity =
        async |org: &str, topic: &str, starts_at: i64, status: &str, who: &[&CurrentUser]| {
            let aid = id();
            let secret = app::activity::server::new_proof_secret();
            secrets.insert(aid.clone(), decode_hex(&secret));
            starts.insert(aid.clone(), starts_at);
            let expected: Vec<&str> = who.iter().map(|u| u.id.as_str()).collect();
            let mut conn = db.pool().acquire().await.expect("a connection");
            app::activity::server::insert_activity(
                &mut conn,
                &app::activity::server::NewActivity {
                    id: &aid,
                    org_id: org,
                    kind: "theme_day",
                    topic,
                    starts_at,
                    ends_at: starts_at + 2 * hour,
                    place: "党员活动室",
                    chair: "",
                    recorder: "",
                    audience: "branch",
                    audience_group: None,
                    status,
                    proof_secret: &secret,
                    minutes: "",
                    created_by: None,
                    created_at: now,
                    version: 0,
                    expected: &expected,
                },
            )
            .await
            .expect("activity");
            aid
        };
    // "Now" activities started up to a minute ago, never before China's midnight: in progress
    // and today at any time of day.
    let (day_start, _) = app::domain::time::day_bounds_ms(now);
    let just_now = (now - 60_000).max(day_start);
    let b1 = [&sec1, &m1a, &m1b];
    let today = activity(&branch1, "今天的主题党日", just_now, "scheduled", &b1).await;
    let past = activity(
        &branch1,
        "上周的党课",
        now - 7 * 24 * hour,
        "scheduled",
        &b1,
    )
    .await;
    let cancelled = activity(&branch1, "取消的会议", just_now, "cancelled", &b1).await;
    let other_branch = activity(&branch2, "二支部主题党日", just_now, "scheduled", &[&m2a]).await;
    let next_week = activity(
        &branch1,
        "下周的支委会",
        now + 7 * 24 * hour,
        "scheduled",
        &b1,
    )
    .await;
    Fixture {
        school,
        branch1,
        branch2,
        group1,
        sec1,
        m1a,
        m1b,
        m2a,
        admin,
        today,
        past,
        cancelled,
        other_branch,
        next_week,
        secrets,
        starts,
        receipt_key: app::guard::server_secret(db, app::sync::server::RECEIPT_KEY)
            .await
            .expect("the receipt key"),
    }
}

fn decode_hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Serves the whole app over `db` on a free local port; returns its base URL.
pub async fn serve(db: &Db) -> String {
    let dir = std::env::temp_dir().join("xingqi-http-tests");
    serve_with_data(db, &dir).await
}

/// [`serve`] with uploads kept in `data_dir`.
pub async fn serve_with_data(db: &Db, data_dir: &std::path::Path) -> String {
    serve_with_config(
        db,
        RuntimeConfig {
            data_dir: data_dir.to_owned(),
            ..RuntimeConfig::default()
        },
    )
    .await
}

/// [`serve`] with the given settings (rate limits, trusted proxies…).
pub async fn serve_with_config(db: &Db, config: RuntimeConfig) -> String {
    let state = AppState {
        leptos_options: LeptosOptions::builder()
            .output_name("xingqi")
            .site_root("target/site")
            .build(),
        db: db.clone(),
        config,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, server::into_service(server::app_router(state))).await
    });
    format!("http://{addr}")
}

/// A client signed in as `username` (the fixture's password) through the sign-in form.
pub async fn sign_in(base: &str, username: &str) -> reqwest::Client {
    let c = client();
    let res = c
        .post(format!("{base}/auth/login"))
        .form(&[("username", username), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        reqwest::StatusCode::SEE_OTHER,
        "{username} signs in"
    );
    c
}

/// A browser-like HTTP client: keeps cookies, does not follow redirects, and gives up on a
/// request after 60 s (a request that hangs fails with its URL instead of the whole test).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

pub fn v7() -> Uuid {
    Uuid::now_v7()
}

/// How a test body ended when it did not pass.
pub enum Failure {
    /// It hung: no answer to a request within the client's timeout, or no end in 120 s.
    Hung(String),
    /// Anything else: an assertion, a panic.
    Failed(Box<dyn std::any::Any + Send>),
}

/// Runs a test body, failing it by name if it has not finished in two minutes (each takes
/// seconds), so a hang shows as a failure instead of stalling the whole run. When the body
/// fails or hangs on PostgreSQL it first prints what the test's database sessions were doing
/// (a lock wait or an idle transaction shows there), to find the rare hang seen in CI.
pub async fn within_limit(
    db: &Db,
    body: impl std::future::Future<Output = ()>,
) -> Result<(), Failure> {
    use futures::FutureExt;
    let run = std::panic::AssertUnwindSafe(body).catch_unwind();
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(120), run).await;
    if !matches!(outcome, Ok(Ok(()))) && db.backend() == app::db::Backend::Postgres {
        let sessions: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT COALESCE(state, ''), COALESCE(wait_event_type, ''), \
               COALESCE(wait_event, ''), COALESCE(LEFT(query, 200), '') FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_all(db.pool())
        .await
        .unwrap_or_default();
        for s in sessions {
            eprintln!("FAILED TEST'S POSTGRESQL SESSION: {s:?}");
        }
    }
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(panic)) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            if text.contains("TimedOut") {
                Err(Failure::Hung(text))
            } else {
                Err(Failure::Failed(panic))
            }
        }
        Err(_) => Err(Failure::Hung("the test did not finish within 120 s".into())),
    }
}

/// Runs one backend's test: on a fresh database, again on another fresh one if the first run
/// *hung* (an unsolved, rare hang of the in-process server, see the note in issue 8 — printed
/// loudly, never silent). A test that fails any other way, or hangs twice, fails.
pub async fn run_test<F, Fut>(fresh: impl AsyncFn() -> TestDb, test: F)
where
    F: Fn(Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for attempt in 1..=2 {
        let t = fresh().await;
        let outcome = within_limit(&t.db, test(t.db.clone())).await;
        t.finish().await;
        match outcome {
            Ok(()) => return,
            Err(Failure::Hung(why)) if attempt == 1 => {
                eprintln!("!!!!! HUNG, RUNNING THE TEST ONCE MORE ON A FRESH DATABASE: {why}");
            }
            Err(Failure::Hung(why)) => panic!("hung twice: {why}"),
            Err(Failure::Failed(panic)) => std::panic::resume_unwind(panic),
        }
    }
}

/// Declares `mod sqlite` and `mod postgres`, each with one `#[tokio::test]` per listed test
/// function `async fn name(db: &Db)`: the same suite against both backends.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    $crate::common::run_test($crate::common::TestDb::sqlite, async |db| {
                        super::$test(&db).await
                    })
                    .await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    $crate::common::run_test($crate::common::TestDb::postgres, async |db| {
                        super::$test(&db).await
                    })
                    .await;
                }
            )*
        }
    };
}

/// A child process the test started, killed when the test ends — also when it panics — so no
/// server outlives its test.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `command` to its end and returns what it printed, failing the test if it has not
/// ended within `limit` (it is killed then).
pub fn run_within(
    command: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::process::Output {
    use std::process::Stdio;
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the process starts");
    let id = child.id();
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match wait.recv_timeout(limit) {
        Ok(output) => output.expect("the process runs"),
        Err(_) => {
            // The child moved into the waiting thread: ask the system to kill it by its id.
            let _ = std::process::Command::new("kill")
                .arg("-9")
                .arg(id.to_string())
                .status();
            panic!("the process did not end within {limit:?}");
        }
    }
}

/// A free port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real `xingqi` binary serving `url` with the demo school on `port`, killed when the
/// returned guard is dropped.
pub fn start_server(url: &str, port: u16) -> KillOnDrop {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_xingqi"))
        .arg("--demo")
        .env("DATABASE_URL", url)
        .env("XINGQI_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "xingqi")
        .env("RUST_LOG", "off")
        // These tests are about memory and crashes; the limits have their own (limits.rs).
        .env("XINGQI_RATE_LIMITS", "x100")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server starts");
    KillOnDrop(child)
}

/// Waits (30 s at most) until the server at `base` answers its health check.
pub async fn wait_up(base: &str) {
    let c = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(r) = c.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server did not come up at {base}");
}

/// Another account for a test that needs more roles than the fixture has: `username` with the
/// fixture's password, `role` in organisation `org` (made first when `new_school` names one).
pub async fn extra_user(
    db: &Db,
    username: &'static str,
    role: Role,
    org: &str,
    new_school: Option<&str>,
) -> CurrentUser {
    if let Some(name) = new_school {
        self::org(db, org, None, "school", name, 9).await;
    }
    let hash = password_hash().await;
    user(
        db,
        &hash,
        NewUser {
            username,
            name: username,
            role,
            org,
            org_name: new_school.unwrap_or(""),
            committee: false,
            group: None,
        },
    )
    .await
}

/// `viewer`'s view of `branch` for `year` (the current one when `None`), under the default
/// cadence rules, as of now.
pub async fn figures(
    db: &Db,
    viewer: &CurrentUser,
    branch: &str,
    year: Option<i32>,
) -> app::branch::BranchOverview {
    app::branch::server::branch_year(
        db,
        viewer,
        branch,
        &app::domain::cadence::DEFAULT_RULES,
        app::db::now_ms(),
        year,
    )
    .await
    .expect("the branch's figures")
}

/// An education bureau (教育局) above `schools`, with a read-only viewer and an admin of the
/// given usernames. Returns the bureau's id.
pub async fn bureau(
    db: &Db,
    schools: &[&str],
    viewer: &'static str,
    admin: &'static str,
) -> String {
    let id = id();
    org(db, &id, None, "bureau", "测试县教育局党委", 0).await;
    for school in schools {
        sqlx::query("UPDATE organisations SET parent_id = $2 WHERE id = $1")
            .bind(*school)
            .bind(&id)
            .execute(db.pool())
            .await
            .expect("a school under the bureau");
    }
    extra_user(db, viewer, Role::BureauViewer, &id, None).await;
    extra_user(db, admin, Role::BureauAdmin, &id, None).await;
    id
}
