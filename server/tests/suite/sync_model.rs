//! A model-based property test of the sync protocol: random histories of records made on a
//! phone and pushes that fail in every way a network and two crashing machines can make them
//! fail — the request lost, the response lost, the request delivered twice or late (out of
//! order), the phone crashing before it settles its outbox, the server crashing between its
//! commit and its answer. The phone's decisions are the real client's (`app::outbox`), the
//! server is the real `push` on a real SQLite database.
//!
//! At quiescence, every record the member saw saved is on the server exactly once — or, if
//! the server refused it, still on the phone with the reason. Nothing lost, nothing twice.

use crate::common;
use app::auth::CurrentUser;
use app::db::{Db, now_ms};

use app::domain::role::Role;
use app::outbox::settle_plan;
use app::sync::protocol::PushRequest;
use common::phone::Phone;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sqlx::Row;
use uuid::Uuid;

#[derive(Clone, Copy, Debug)]
enum Fault {
    None,
    /// The request never reaches the server.
    DropRequest,
    /// The server commits; the answer never reaches the phone.
    DropResponse,
    /// The request reaches the server twice; the phone reads the second answer.
    Duplicate,
    /// The request arrives later, after others; the phone gives up on it (timeout).
    Delay,
    /// The answer arrives, and the phone crashes before its settle transaction commits.
    PhoneCrashBeforeSettle,
    /// The server commits, then crashes before it answers.
    ServerCrashAfterCommit,
}

#[derive(Clone, Debug)]
enum Op {
    /// The member checks in; `valid` says whether the code is the current one (else a replayed
    /// old one, which the server refuses).
    Record {
        valid: bool,
    },
    /// The phone crashes while saving a record: the member never saw it saved.
    RecordCrash,
    Push(Fault),
    /// A delayed request (chosen by index) reaches the server now.
    DeliverLate(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        // Three in four records carry the right code.
        4 => (0..4u8).prop_map(|n| Op::Record { valid: n > 0 }),
        1 => Just(Op::RecordCrash),
        6 => prop_oneof![
            Just(Fault::None),
            Just(Fault::DropRequest),
            Just(Fault::DropResponse),
            Just(Fault::Duplicate),
            Just(Fault::Delay),
            Just(Fault::PhoneCrashBeforeSettle),
            Just(Fault::ServerCrashAfterCommit),
        ]
        .prop_map(Op::Push),
        2 => any::<usize>().prop_map(Op::DeliverLate),
    ]
}

struct World {
    db: Db,
    activity: String,
    secret: Vec<u8>,
}

async fn server_push(
    world: &World,
    member: &CurrentUser,
    body: &str,
) -> app::sync::protocol::PushResponse {
    let request: PushRequest = serde_json::from_str(body).expect("the phone writes valid batches");
    app::records::push(&world.db, member, request.device, request.records)
        .await
        .expect("the server stores the batch")
}

async fn new_member(world: &World, branch: &str) -> CurrentUser {
    let id = Uuid::now_v7().to_string();
    let mut conn = world.db.pool().acquire().await.unwrap();
    app::roster::server::insert_user(
        &mut conn,
        &app::roster::server::NewUser {
            id: &id,
            org_id: branch,
            username: &format!("model-{id}"),
            display_name: "模型党员",
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sqlx::query("INSERT INTO activity_expected (activity_id, user_id) VALUES ($1, $2)")
        .bind(&world.activity)
        .bind(&id)
        .execute(&mut *conn)
        .await
        .unwrap();
    CurrentUser {
        id,
        username: String::new(),
        display_name: "模型党员".into(),
        role: Role::Member,
        org_id: branch.into(),
        org_name: String::new(),
    }
}

async fn run_history(world: &World, branch: &str, ops: Vec<Op>) {
    let member = new_member(world, branch).await;
    let mut phone = Phone::new(&member.id);
    let mut late: Vec<String> = Vec::new();
    for op in ops {
        match op {
            Op::Record { valid } => phone.check_in(&world.activity, &world.secret, valid),
            Op::RecordCrash => {
                // The transaction never committed: no record, and the number was not taken.
            }
            Op::Push(fault) => {
                let Some((batch, body)) = phone.batch() else {
                    continue;
                };
                match fault {
                    Fault::None => {
                        let r = server_push(world, &member, &body).await;
                        phone.settle(settle_plan(batch, &r.results, now_ms()));
                    }
                    Fault::DropRequest => {}
                    Fault::DropResponse
                    | Fault::ServerCrashAfterCommit
                    | Fault::PhoneCrashBeforeSettle => {
                        server_push(world, &member, &body).await;
                    }
                    Fault::Duplicate => {
                        server_push(world, &member, &body).await;
                        let r = server_push(world, &member, &body).await;
                        phone.settle(settle_plan(batch, &r.results, now_ms()));
                    }
                    Fault::Delay => late.push(body),
                }
            }
            Op::DeliverLate(i) => {
                if !late.is_empty() {
                    let body = late.remove(i % late.len());
                    server_push(world, &member, &body).await;
                }
            }
        }
    }
    // Quiescence: late requests arrive (or not — half of them are lost for good), and the
    // phone pushes on a good network until nothing waits.
    for (i, body) in late.into_iter().enumerate() {
        if i % 2 == 0 {
            server_push(world, &member, &body).await;
        }
    }
    for _ in 0..20 {
        let Some((batch, body)) = phone.batch() else {
            break;
        };
        let r = server_push(world, &member, &body).await;
        phone.settle(settle_plan(batch, &r.results, now_ms()));
    }
    let rows = sqlx::query("SELECT id FROM checkins WHERE user_id = $1")
        .bind(&member.id)
        .fetch_all(world.db.pool())
        .await
        .unwrap();
    let on_server: Vec<String> = rows.iter().map(|r| r.try_get("id").unwrap()).collect();
    phone.check_against(&on_server);
}

#[test]
fn no_record_is_lost_or_counted_twice_whatever_fails() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // On a RAM-backed file when there is one: the property is about the protocol, not fsync.
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm").unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let url = format!("sqlite://{}", dir.path().join("model.db").display());
    let (world, branch) = rt.block_on(async {
        let db = server::storage::open(&url).await.unwrap();
        let (school, branch, activity) = (
            Uuid::now_v7().to_string(),
            Uuid::now_v7().to_string(),
            Uuid::now_v7().to_string(),
        );
        let mut conn = db.pool().acquire().await.unwrap();
        for (id, parent, kind) in [
            (&school, None, "school"),
            (&branch, Some(&school), "branch"),
        ] {
            let org = app::org::server::NewOrg {
                id,
                parent_id: parent.map(String::as_str),
                kind,
                name: "x",
                sort_order: 0,
            };
            app::org::server::insert_org(&mut conn, &org).await.unwrap();
        }
        let secret = app::activity::server::new_proof_secret();
        let now = now_ms();
        app::activity::server::insert_activity(
            &mut conn,
            &app::activity::server::NewActivity {
                id: &activity,
                org_id: &branch,
                kind: "theme_day",
                topic: "模型",
                starts_at: now - 3_600_000,
                ends_at: now + 6 * 3_600_000,
                place: "",
                chair: "",
                recorder: "",
                audience: "branch",
                audience_group: None,
                status: "scheduled",
                proof_secret: &secret,
                minutes: "",
                created_by: None,
                created_at: 0,
                version: 0,
                expected: &[],
            },
        )
        .await
        .unwrap();
        drop(conn);
        let secret = (0..secret.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&secret[i..i + 2], 16).unwrap())
            .collect();
        (
            World {
                db,
                activity,
                secret,
            },
            branch,
        )
    });
    let cases: u32 = std::env::var("XINGQI_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let ops = proptest::collection::vec(op(), 1..40);
    runner
        .run(&ops, |history| {
            rt.block_on(run_history(&world, &branch, history));
            Ok(())
        })
        .unwrap();
}
