//! A model-based property test of the sync protocol: random histories of records made on a
//! phone — check-ins, leave requests, anonymous survey answers, valid and refused — and pushes
//! that fail in every way a network and two crashing machines can make them fail: the request
//! lost, the response lost, the request delivered twice or late (out of order), the phone
//! crashing before its settle transaction commits (it starts again from its stored outbox), the
//! server crashing between its commit and its answer (it starts again on the same database),
//! and the phone's store wiped (numbering starts again). The phone's decisions are the real
//! client's (`app::outbox`); the server is the real `push` on a real SQLite database.
//!
//! At quiescence, every record the member saw saved is on the server exactly once — or, if the
//! server refused it, still on the phone with the reason; a record lost with a wiped store is
//! there at most once; and a restarted numbering was noticed. Nothing lost, nothing twice.

use crate::common;
use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::role::Role;
use app::outbox::settle_plan;
use app::sync::protocol::PushRequest;
use common::phone::{OnServer, Phone};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::RefCell;
use std::collections::HashSet;
use uuid::Uuid;

#[derive(Clone, Copy, Debug)]
enum Fault {
    None,
    /// The request never reaches the server; the phone's request times out and it keeps the
    /// batch for the next push.
    DropRequest,
    /// The server commits; the answer never reaches the phone.
    DropResponse,
    /// The request reaches the server twice; the phone reads the second answer.
    Duplicate,
    /// The request arrives later, after others; the phone gives up on it (timeout).
    Delay,
    /// The answer arrives and is applied in memory, and the phone crashes before its settle
    /// transaction commits: it starts again from what its store holds.
    PhoneCrashBeforeSettle,
    /// The server commits, then its process dies before it answers: the reply is lost and
    /// the server starts again on the same database.
    ServerCrashAfterCommit,
}

#[derive(Clone, Debug)]
enum Op {
    /// The member checks in; `valid` says whether the code is the current one (else a replayed
    /// old one, which the server refuses).
    Checkin {
        valid: bool,
    },
    /// The member asks for leave; an invalid request has a blank reason.
    Leave {
        valid: bool,
    },
    /// Someone answers the survey on this phone; an invalid answer carries a code the campaign
    /// never issued.
    Answer {
        valid: bool,
    },
    /// The phone crashes while saving a record: the member never saw it saved.
    RecordCrash,
    Push(Fault),
    /// A delayed request (chosen by index) reaches the server now.
    DeliverLate(usize),
    /// The phone's store is wiped.
    Wipe,
}

fn op() -> impl Strategy<Value = Op> {
    // Three in four records are valid.
    let valid = || (0..4u8).prop_map(|n| n > 0);
    prop_oneof![
        4 => valid().prop_map(|valid| Op::Checkin { valid }),
        1 => valid().prop_map(|valid| Op::Leave { valid }),
        1 => valid().prop_map(|valid| Op::Answer { valid }),
        1 => Just(Op::RecordCrash),
        7 => prop_oneof![
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
        1 => Just(Op::Wipe),
    ]
}

struct World {
    /// The server's database handle; replaced when the server "restarts".
    db: RefCell<Db>,
    url: String,
    activity: String,
    secret: Vec<u8>,
    campaign: String,
    /// Unused one-time codes of the campaign.
    codes: RefCell<Vec<String>>,
}

impl World {
    fn db(&self) -> Db {
        self.db.borrow().clone()
    }

    /// The server process dies and starts again: every connection and whatever it held in
    /// memory are gone; the database is opened again (and migrated, as at every start).
    async fn restart_server(&self) {
        let old = self.db();
        old.close().await;
        let db = server::storage::open(&self.url)
            .await
            .expect("the server starts again");
        *self.db.borrow_mut() = db;
    }
}

async fn server_push(
    world: &World,
    member: &CurrentUser,
    body: &str,
) -> app::sync::protocol::PushResponse {
    let request: PushRequest = serde_json::from_str(body).expect("the phone writes valid batches");
    app::records::push(&world.db(), member, request.device, request.records)
        .await
        .expect("the server stores the batch")
}

async fn new_user(db: &Db, branch: &str, role: Role, activity: Option<&str>) -> CurrentUser {
    let id = Uuid::now_v7().to_string();
    let mut conn = db.pool().acquire().await.unwrap();
    app::roster::server::insert_user(
        &mut conn,
        &app::roster::server::NewUser {
            id: &id,
            org_id: branch,
            username: &format!("model-{id}"),
            display_name: "模型党员",
            role: role.as_str(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    if let Some(activity) = activity {
        sqlx::query("INSERT INTO activity_expected (activity_id, user_id) VALUES ($1, $2)")
            .bind(activity)
            .bind(&id)
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    CurrentUser {
        id,
        username: String::new(),
        display_name: "模型党员".into(),
        role,
        org_id: branch.into(),
        org_name: "x".into(),
    }
}

async fn high_water(world: &World, device: &str) -> i64 {
    sqlx::query_scalar("SELECT high_water FROM devices WHERE id = $1")
        .bind(device)
        .fetch_optional(world.db().pool())
        .await
        .unwrap()
        .unwrap_or(0)
}

async fn run_history(world: &World, branch: &str, ops: Vec<Op>) {
    let member = new_user(&world.db(), branch, Role::Member, Some(&world.activity)).await;
    let mut phone = Phone::new(&member.id);
    let mut late: Vec<String> = Vec::new();
    // For each wipe: where the member's records after it start, and the server's high-water
    // mark for the device when it happened.
    let mut wipes: Vec<(usize, i64)> = Vec::new();
    for op in ops {
        match op {
            Op::Checkin { valid } => phone.check_in(&world.activity, &world.secret, valid),
            Op::Leave { valid } => phone.ask_leave(&world.activity, valid),
            Op::Answer { valid } => {
                let code = if valid {
                    world.codes.borrow_mut().pop()
                } else {
                    Some("NOTA-CODE".to_owned())
                };
                if let Some(code) = code {
                    phone.answer(&world.campaign, &code, valid);
                }
            }
            Op::RecordCrash => {
                // The transaction never committed: no record, and the number was not taken.
                phone.restart();
            }
            Op::Wipe => {
                wipes.push((
                    phone.saw_saved.len(),
                    high_water(world, &phone.device).await,
                ));
                phone.wipe();
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
                    Fault::DropResponse => {
                        let _lost = server_push(world, &member, &body).await;
                    }
                    Fault::Duplicate => {
                        server_push(world, &member, &body).await;
                        let r = server_push(world, &member, &body).await;
                        phone.settle(settle_plan(batch, &r.results, now_ms()));
                    }
                    Fault::Delay => late.push(body),
                    Fault::PhoneCrashBeforeSettle => {
                        let r = server_push(world, &member, &body).await;
                        phone.apply(settle_plan(batch, &r.results, now_ms()));
                        phone.restart();
                    }
                    Fault::ServerCrashAfterCommit => {
                        let _in_flight = server_push(world, &member, &body).await;
                        world.restart_server().await;
                    }
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
    let db = world.db();
    let ids = |sql: &'static str| {
        let db = db.clone();
        let member = member.id.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .bind(member)
                .fetch_all(db.pool())
                .await
                .unwrap()
        }
    };
    let answer_keys: Vec<String> =
        sqlx::query_scalar("SELECT id_hash FROM survey_answers WHERE campaign_id = $1")
            .bind(&world.campaign)
            .fetch_all(db.pool())
            .await
            .unwrap();
    phone.check_all(&OnServer {
        checkins: ids("SELECT id FROM checkins WHERE user_id = $1").await,
        leaves: ids("SELECT id FROM leave_requests WHERE user_id = $1").await,
        answer_keys: answer_keys.into_iter().collect::<HashSet<_>>(),
    });
    // A numbering that started again is noticed once a record numbered at or below what the
    // server had seen from the device is stored.
    let noticed = wipes.iter().any(|&(from, high)| {
        phone
            .valid_numbered_since_wipe(from)
            .iter()
            .any(|&seq| seq <= high)
    });
    if noticed {
        let resets: i64 = sqlx::query_scalar("SELECT resets FROM devices WHERE id = $1")
            .bind(&phone.device)
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert!(
            resets >= 1,
            "the wiped store's restarted numbering went unnoticed"
        );
    }
}

async fn new_world(url: &str) -> (World, String) {
    let db = server::storage::open(url).await.unwrap();
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
    // A survey of the branch, with one-time codes for the histories' answers.
    let secretary = new_user(&db, &branch, Role::Secretary, None).await;
    let day = |offset: i64| app::domain::time::date_of(now + offset * 86_400_000).unwrap();
    let campaign = app::survey::NewCampaign {
        org_id: branch.clone(),
        title: "模型测评".into(),
        period: "2026".into(),
        opens_on: day(-1).to_string(),
        closes_on: day(1).to_string(),
        definition: app::domain::ballot::Definition::seed("x"),
        open_link: false,
        rating_year: None,
    };
    let campaign = app::survey::server::create_campaign(&db, &secretary, &campaign, now)
        .await
        .unwrap();
    for _ in 0..6 {
        app::survey::server::create_invites(
            &db,
            &secretary,
            &campaign,
            app::domain::ballot::Audience::Staff,
            500,
        )
        .await
        .unwrap();
    }
    let (_, slips) = app::survey::server::invite_slips(&db, &secretary, &campaign)
        .await
        .unwrap();
    let secret = (0..secret.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&secret[i..i + 2], 16).unwrap())
        .collect();
    let world = World {
        db: RefCell::new(db),
        url: url.to_owned(),
        activity,
        secret,
        campaign,
        codes: RefCell::new(slips.into_iter().map(|s| s.code).collect()),
    };
    (world, branch)
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
    let (world, branch) = rt.block_on(new_world(&url));
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
