//! Test support: a fresh database per test on either backend, and a small fixture school.
//!
//! PostgreSQL: `XINGQI_TEST_POSTGRES_URL` names a server database to connect to
//! (`scripts/test.sh` sets `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its
//! own database there and drops it at the end. Without that variable a PostgreSQL test fails
//! loudly — unless `XINGQI_SKIP_POSTGRES=1` says the machine has none, and then it says it
//! skipped.

#![allow(dead_code)]

use app::auth::CurrentUser;
use app::db::Db;
use app::domain::role::Role;
use sqlx::{Connection, Executor};
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse";

pub struct TestDb {
    pub db: Db,
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
            pg: None,
            _dir: Some(dir),
        }
    }

    /// `None` only when the run said there is no PostgreSQL here (`XINGQI_SKIP_POSTGRES=1`).
    pub async fn postgres() -> Option<Self> {
        let Ok(base) = std::env::var("XINGQI_TEST_POSTGRES_URL") else {
            if std::env::var("XINGQI_SKIP_POSTGRES").as_deref() == Ok("1") {
                eprintln!("SKIPPED: the PostgreSQL leg of this test (XINGQI_SKIP_POSTGRES=1)");
                return None;
            }
            panic!(
                "XINGQI_TEST_POSTGRES_URL is not set, so the PostgreSQL leg cannot run. Run the \
                 tests with scripts/test.sh, or set XINGQI_SKIP_POSTGRES=1 to skip it knowingly."
            );
        };
        let name = format!("xingqi_test_{}", Uuid::now_v7().simple());
        let mut admin = sqlx::PgConnection::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {base}: {e}"));
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("create the test database");
        let url = replace_database(&base, &name);
        let db = server::storage::open(&url).await.expect("postgres opens");
        Some(Self {
            db,
            pg: Some((base, name)),
            _dir: None,
        })
    }

    /// Closes the pool and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.db.close().await;
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

fn replace_database(url: &str, name: &str) -> String {
    let (head, tail) = url.rsplit_once('/').expect("a database URL has a path");
    let query = tail
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{head}/{name}{query}")
}

/// A school with two branches. Branch 1: secretary `sec1`, members `m1a` and `m1b`; branch 2:
/// member `m2a`; the school's admin `admin`.
pub struct Fixture {
    pub school: String,
    pub branch1: String,
    pub branch2: String,
    pub sec1: CurrentUser,
    pub m1a: CurrentUser,
    pub m1b: CurrentUser,
    pub m2a: CurrentUser,
    pub admin: CurrentUser,
    /// Branch 1, in progress now, for sec1, m1a and m1b.
    pub today: String,
    /// Branch 1, in the past, for sec1, m1a and m1b.
    pub past: String,
    /// Branch 1, cancelled.
    pub cancelled: String,
    /// Branch 2, in progress now, for m2a.
    pub other_branch: String,
    /// Branch 1, next week.
    pub next_week: String,
}

fn id() -> String {
    Uuid::now_v7().to_string()
}

pub async fn fixture(db: &Db) -> Fixture {
    let hash = app::auth::server::hash_password(app::auth::server::Password::new(PASSWORD))
        .await
        .expect("hash");
    let now = app::db::now_ms();
    let pool = db.pool();
    let (school, branch1, branch2) = (id(), id(), id());
    for (org, parent, kind, name, order) in [
        (&school, None, "school", "测试学校党总支", 0),
        (&branch1, Some(&school), "branch", "第一党支部", 1),
        (&branch2, Some(&school), "branch", "第二党支部", 2),
    ] {
        sqlx::query("INSERT INTO organisations (id, parent_id, kind, name, sort_order) VALUES ($1, $2, $3, $4, $5)")
            .bind(org)
            .bind(parent.cloned())
            .bind(kind)
            .bind(name)
            .bind(order)
            .execute(pool)
            .await
            .expect("org");
    }
    let user = async |username: &str, name: &str, role: Role, org: &str, org_name: &str| {
        let uid = id();
        sqlx::query("INSERT INTO users (id, org_id, username, display_name, password_hash, role, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)")
            .bind(&uid)
            .bind(org)
            .bind(username)
            .bind(name)
            .bind(&hash)
            .bind(role.as_str())
            .bind(now)
            .execute(pool)
            .await
            .expect("user");
        CurrentUser {
            id: uid,
            username: username.into(),
            display_name: name.into(),
            role,
            org_id: org.into(),
            org_name: org_name.into(),
        }
    };
    let sec1 = user("sec1", "王书记", Role::Secretary, &branch1, "第一党支部").await;
    let m1a = user("m1a", "李一", Role::Member, &branch1, "第一党支部").await;
    let m1b = user("m1b", "张二", Role::Member, &branch1, "第一党支部").await;
    let m2a = user("m2a", "赵三", Role::Member, &branch2, "第二党支部").await;
    let admin = user(
        "admin",
        "总支管理员",
        Role::Admin,
        &school,
        "测试学校党总支",
    )
    .await;
    let hour = 3_600_000;
    let activity = async |org: &str,
                          topic: &str,
                          starts: i64,
                          status: &str,
                          who: &[&CurrentUser]| {
        let aid = id();
        sqlx::query("INSERT INTO activities (id, org_id, kind, topic, starts_at, ends_at, place, status, created_at) VALUES ($1, $2, 'theme_day', $3, $4, $5, '党员活动室', $6, $7)")
            .bind(&aid)
            .bind(org)
            .bind(topic)
            .bind(starts)
            .bind(starts + 2 * hour)
            .bind(status)
            .bind(now)
            .execute(pool)
            .await
            .expect("activity");
        for u in who {
            sqlx::query("INSERT INTO activity_expected (activity_id, user_id) VALUES ($1, $2)")
                .bind(&aid)
                .bind(&u.id)
                .execute(pool)
                .await
                .expect("expected");
        }
        aid
    };
    // "Now" activities start a minute ago so they are today in China time on any clock,
    // except in the first minute after China midnight.
    let b1 = [&sec1, &m1a, &m1b];
    let today = activity(&branch1, "今天的主题党日", now - 60_000, "scheduled", &b1).await;
    let past = activity(
        &branch1,
        "上周的党课",
        now - 7 * 24 * hour,
        "scheduled",
        &b1,
    )
    .await;
    let cancelled = activity(&branch1, "取消的会议", now - 60_000, "cancelled", &b1).await;
    let other_branch = activity(
        &branch2,
        "二支部主题党日",
        now - 60_000,
        "scheduled",
        &[&m2a],
    )
    .await;
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
    }
}

/// A check-in record as a phone would push it.
pub fn checkin(
    id: Uuid,
    activity: &str,
    member: &CurrentUser,
    device_time: i64,
) -> serde_json::Value {
    serde_json::json!({
        "id": id.to_string(),
        "kind": "checkin",
        "body": {"activity_id": activity, "member_id": member.id, "device_time": device_time}
    })
}

pub fn v7() -> Uuid {
    Uuid::now_v7()
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
                    let t = $crate::common::TestDb::sqlite().await;
                    super::$test(&t.db).await;
                    t.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some(t) = $crate::common::TestDb::postgres().await else { return };
                    super::$test(&t.db).await;
                    t.finish().await;
                }
            )*
        }
    };
}
