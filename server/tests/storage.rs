//! The storage conformance suite: every test runs on SQLite and on PostgreSQL.

mod common;

use app::auth::server::{Password, sign_in, sign_out, user_for_token};
use app::branch::server::{branch_overview, my_branches};
use app::checkin::server::{member_activities, push};
use app::db::{Db, now_ms};
use app::domain::activity::ActivityKind;
use app::domain::participation::{Attendance, BarStatus};
use app::error::AppError;
use app::sync::protocol::{PushStatus, RejectCode};
use common::{PASSWORD, checkin, fixture, v7};
use sqlx::Row;

async fn count(db: &Db, sql: &'static str, bind: &str) -> i64 {
    sqlx::query(sql)
        .bind(bind)
        .fetch_one(db.pool())
        .await
        .expect("count")
        .try_get(0)
        .expect("a count")
}

async fn migrations_are_idempotent(db: &Db) {
    // Opening runs the migrator; running it again on a migrated database changes nothing.
    server::storage::MIGRATOR
        .run(db.pool())
        .await
        .expect("re-run");
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM checkins")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(n, 0);
}

async fn sessions_follow_the_password(db: &Db) {
    let f = fixture(db).await;
    let wrong = sign_in(db, "m1a", Password::new("nope"), 60_000).await;
    assert_eq!(wrong.unwrap_err(), AppError::BadCredentials);
    let nobody = sign_in(db, "nobody", Password::new(PASSWORD), 60_000).await;
    assert_eq!(nobody.unwrap_err(), AppError::BadCredentials);

    let (token, user) = sign_in(db, "m1a", Password::new(PASSWORD), 60_000)
        .await
        .unwrap();
    assert_eq!(user, f.m1a);
    assert_eq!(
        user_for_token(db, &token).await.unwrap(),
        Some(f.m1a.clone())
    );
    assert_eq!(user_for_token(db, "forged").await.unwrap(), None);
    // Only a hash of the token is stored.
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM sessions WHERE token_hash = $1",
            &token
        )
        .await,
        0
    );

    sign_out(db, &token).await.unwrap();
    assert_eq!(user_for_token(db, &token).await.unwrap(), None);

    let (expired, _) = sign_in(db, "m1a", Password::new(PASSWORD), -1)
        .await
        .unwrap();
    assert_eq!(user_for_token(db, &expired).await.unwrap(), None);
}

async fn a_record_is_stored_once(db: &Db) {
    let f = fixture(db).await;
    let id = v7();
    let record = checkin(id, &f.today, &f.m1a, 1_000);
    let first = push(db, &f.m1a, vec![record.clone()]).await.unwrap();
    assert_eq!(first[0].status, PushStatus::Accepted);
    let again = push(db, &f.m1a, vec![record]).await.unwrap();
    assert_eq!(again[0].status, PushStatus::Duplicate);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM checkins WHERE id = $1",
            &id.to_string()
        )
        .await,
        1
    );
}

async fn a_conflicting_record_never_overwrites(db: &Db) {
    let f = fixture(db).await;
    let id = v7();
    push(db, &f.m1a, vec![checkin(id, &f.today, &f.m1a, 1_000)])
        .await
        .unwrap();
    let other = push(db, &f.m1a, vec![checkin(id, &f.today, &f.m1a, 2_000)])
        .await
        .unwrap();
    assert_eq!(other[0].status, PushStatus::Rejected);
    assert_eq!(other[0].code, Some(RejectCode::Conflict));
    let kept: i64 = sqlx::query("SELECT device_time FROM checkins WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(kept, 1_000, "the first content stays");
}

async fn bad_records_are_rejected_one_by_one(db: &Db) {
    let f = fixture(db).await;
    let good = v7();
    let unknown_activity = uuid::Uuid::now_v7().to_string();
    let batch = vec![
        checkin(v7(), &unknown_activity, &f.m1a, 1),
        checkin(v7(), &f.cancelled, &f.m1a, 1),
        checkin(v7(), &f.other_branch, &f.m1a, 1),
        checkin(v7(), &f.today, &f.m1b, 1),
        serde_json::json!({"id": v7().to_string(), "kind": "checkin", "body": {"activity_id": 7}}),
        checkin(
            uuid::Uuid::from_u128(0x6f1c1b7e_2c5a_4f0e_9d1a_3b2c1d0e9f8a),
            &f.today,
            &f.m1a,
            1,
        ),
        serde_json::json!("not even an object"),
        checkin(good, &f.today, &f.m1a, 1),
    ];
    let results = push(db, &f.m1a, batch).await.unwrap();
    let codes: Vec<_> = results.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        vec![
            Some(RejectCode::UnknownActivity),
            Some(RejectCode::Cancelled),
            Some(RejectCode::NotExpected),
            Some(RejectCode::NotYours),
            Some(RejectCode::Malformed),
            Some(RejectCode::BadId),
            Some(RejectCode::Malformed),
            None,
        ]
    );
    assert!(
        results[..7]
            .iter()
            .all(|r| r.status == PushStatus::Rejected && r.reason.is_some())
    );
    assert_eq!(results[7].status, PushStatus::Accepted);
    assert_eq!(
        results[6].id, None,
        "a record without an id is answered without one"
    );
    let stored: i64 = sqlx::query("SELECT COUNT(*) FROM checkins")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(stored, 1, "only the good record is stored");
}

async fn the_branch_figure_counts_members_not_records(db: &Db) {
    let f = fixture(db).await;
    // m1a checks in twice (two phones, two ids); m1b once; sec1 not at all.
    for (member, n) in [(&f.m1a, 2), (&f.m1b, 1)] {
        for _ in 0..n {
            let r = push(db, member, vec![checkin(v7(), &f.today, member, now_ms())])
                .await
                .unwrap();
            assert_eq!(r[0].status, PushStatus::Accepted);
        }
    }
    let o = branch_overview(db, &f.sec1, &f.branch1, now_ms())
        .await
        .unwrap();
    let today = o.activities.iter().find(|a| a.id == f.today).unwrap();
    assert_eq!(today.figure.attendance, Attendance::new(3, 2));
    assert_eq!(today.present, vec!["张二".to_owned(), "李一".to_owned()]);
    assert_eq!(today.absent, vec!["王书记".to_owned()]);
    assert_eq!(today.figure.rate_text, "66.6%");
    // The year counts held activities only: today's (2 of 3) and last week's (0 of 3) —
    // unless last week was last year.
    let next = o.activities.iter().find(|a| a.id == f.next_week).unwrap();
    assert!(!next.held);
    let past = o.activities.iter().any(|a| a.id == f.past) as u32;
    assert_eq!(o.summary.held, 1 + past);
    assert_eq!(
        o.summary.year_figure.attendance,
        Attendance::new(3 + 3 * past, 2)
    );
    assert_eq!(o.summary.year_figure.status, BarStatus::NotMet);
    assert!(
        o.activities.iter().all(|a| a.id != f.cancelled),
        "cancelled activities are not counted"
    );
}

async fn branch_pages_are_for_their_secretary_and_admin(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    assert!(branch_overview(db, &f.sec1, &f.branch1, now).await.is_ok());
    assert_eq!(
        branch_overview(db, &f.sec1, &f.branch2, now)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        branch_overview(db, &f.m1a, &f.branch1, now)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert!(branch_overview(db, &f.admin, &f.branch2, now).await.is_ok());
    assert_eq!(
        branch_overview(db, &f.admin, &f.school, now)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    let mine = my_branches(db, &f.admin, now).await.unwrap();
    assert_eq!(
        mine.branches
            .iter()
            .map(|b| b.name.as_str())
            .collect::<Vec<_>>(),
        ["第一党支部", "第二党支部"]
    );
    assert_eq!(
        my_branches(db, &f.sec1, now).await.unwrap().branches.len(),
        1
    );
    assert_eq!(
        my_branches(db, &f.m1a, now).await.unwrap_err(),
        AppError::Forbidden
    );
}

async fn a_member_sees_today_and_what_comes(db: &Db) {
    let f = fixture(db).await;
    push(db, &f.m1a, vec![checkin(v7(), &f.today, &f.m1a, now_ms())])
        .await
        .unwrap();
    let mine = member_activities(db, &f.m1a, now_ms()).await.unwrap();
    let today: Vec<_> = mine
        .today
        .iter()
        .map(|a| (a.id.as_str(), a.checked_in))
        .collect();
    assert_eq!(
        today,
        [(f.today.as_str(), true)],
        "cancelled and other branches' are left out"
    );
    assert_eq!(
        mine.upcoming
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        [f.next_week.as_str()]
    );
    let theirs = member_activities(db, &f.m1b, now_ms()).await.unwrap();
    assert!(!theirs.today[0].checked_in);
}

async fn the_demo_school_seeds_once(db: &Db) {
    let first = server::demo::seed_if_empty(db, "demo-pass").await.unwrap();
    assert!(first.created);
    let again = server::demo::seed_if_empty(db, "demo-pass").await.unwrap();
    assert!(!again.created);
    let branches: i64 = sqlx::query("SELECT COUNT(*) FROM organisations WHERE kind = 'branch'")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(branches, 4);
    let (_, sec) = sign_in(db, "sec2", Password::new("demo-pass"), 60_000)
        .await
        .unwrap();
    let o = branch_overview(db, &sec, &sec.org_id, now_ms())
        .await
        .unwrap();
    assert!(o.summary.held > 0);
    let theme_day = o
        .activities
        .iter()
        .find(|a| a.kind == ActivityKind::ThemeDay)
        .unwrap();
    assert!((8..=12).contains(&theme_day.figure.attendance.expected));
    let (_, member) = sign_in(db, "m2-01", Password::new("demo-pass"), 60_000)
        .await
        .unwrap();
    let mine = member_activities(db, &member, now_ms()).await.unwrap();
    assert_eq!(
        mine.today.len(),
        1,
        "the demo has an activity in progress to check in to"
    );
}

on_both_backends!(
    migrations_are_idempotent,
    sessions_follow_the_password,
    a_record_is_stored_once,
    a_conflicting_record_never_overwrites,
    bad_records_are_rejected_one_by_one,
    the_branch_figure_counts_members_not_records,
    branch_pages_are_for_their_secretary_and_admin,
    a_member_sees_today_and_what_comes,
    the_demo_school_seeds_once,
);
