//! Check-ins that look replayed (issue 8, point 4; the rule is `domain::replay`): a late one
//! without a sync receipt from before its moment is stored but held (`pending_review`), does
//! not count until the branch's secretary confirms it, and the secretary decides an
//! activity's held check-ins in one action. On both backends, in storage and over HTTP.

use crate::common;

use app::activity::RollEntry;
use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::attendance::AttendanceState;
use app::domain::role::Role;
use app::error::AppError;
use app::sync::protocol::{CheckinReview, PullResponse, PushResponse, PushResult, PushStatus};
use common::{extra_user, fixture, serve, sign_in, v7};
use reqwest::StatusCode;

async fn push(db: &Db, member: &CurrentUser, records: Vec<serde_json::Value>) -> Vec<PushResult> {
    app::records::push(db, member, None, records)
        .await
        .unwrap()
        .results
}

async fn roll(db: &Db, viewer: &CurrentUser, activity: &str) -> Vec<RollEntry> {
    app::activity::server::record(db, viewer, activity, now_ms())
        .await
        .unwrap()
        .roll
}

fn entry<'a>(roll: &'a [RollEntry], member: &CurrentUser) -> &'a RollEntry {
    roll.iter().find(|e| e.user_id == member.id).unwrap()
}

async fn reviews(db: &Db, activity: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as("SELECT user_id, review FROM checkins WHERE activity_id = $1 ORDER BY user_id")
        .bind(activity)
        .fetch_all(db.pool())
        .await
        .unwrap()
}

async fn late_check_ins_that_cannot_show_they_were_offline_are_held(db: &Db) {
    let f = fixture(db).await;
    let at = f.starts[&f.past] + 60_000;
    // The honest phone: synced an hour before the meeting, offline since, arrives a week late.
    let honest = push(db, &f.m1a, vec![f.checkin(v7(), &f.past, &f.m1a, at)]).await;
    assert_eq!(honest[0].status, PushStatus::Accepted, "{honest:?}");
    // No receipt (a new or wiped browser), a week late: held, with the reason.
    let wiped_id = v7();
    let wiped = f.checkin_unsynced(wiped_id, &f.past, &f.m1b, at);
    let r = push(db, &f.m1b, vec![wiped.clone()]).await;
    assert_eq!(r[0].status, PushStatus::PendingReview, "{r:?}");
    assert!(
        r[0].reason.as_deref().unwrap().contains("待支部书记确认"),
        "{r:?}"
    );
    // Its retry is the same record: a duplicate, stored once.
    let again = push(db, &f.m1b, vec![wiped]).await;
    assert_eq!(again[0].status, PushStatus::Duplicate, "{again:?}");
    // The replay: the phone synced two hours after the meeting, then its clock was set back.
    let mut replayed = f.checkin_unsynced(v7(), &f.past, &f.sec1, at);
    replayed["body"]["synced"] = f.receipt(&f.sec1, at + 2 * 3_600_000).into();
    let r = push(db, &f.sec1, vec![replayed]).await;
    assert_eq!(r[0].status, PushStatus::PendingReview, "{r:?}");
    assert!(r[0].reason.as_deref().unwrap().contains("同步过"), "{r:?}");

    let roll = roll(db, &f.sec1, &f.past).await;
    assert_eq!(entry(&roll, &f.m1a).state, AttendanceState::Present);
    assert_eq!(entry(&roll, &f.m1a).checkin_review, None);
    for held in [&f.m1b, &f.sec1] {
        let e = entry(&roll, held);
        assert_eq!(
            e.state,
            AttendanceState::Absent,
            "a held check-in does not count"
        );
        assert_eq!(e.checkin_review, Some(CheckinReview::Pending));
    }
    let stored = reviews(db, &f.past).await;
    assert_eq!(stored.len(), 3, "held check-ins are stored: {stored:?}");

    // A receipt that is not this member's (borrowed, or made up) proves nothing.
    let mut borrowed = f.checkin_unsynced(v7(), &f.past, &f.m1b, at + 30_000);
    borrowed["body"]["synced"] = f.receipt(&f.m1a, at - 3_600_000).into();
    let r = push(db, &f.m1b, vec![borrowed]).await;
    assert_eq!(r[0].status, PushStatus::PendingReview, "{r:?}");
    let mut forged = f.checkin_unsynced(v7(), &f.past, &f.m1b, at + 60_000);
    forged["body"]["synced"] = format!("{}.00112233445566778899aabbccddeeff", at - 1).into();
    let r = push(db, &f.m1b, vec![forged]).await;
    assert_eq!(r[0].status, PushStatus::PendingReview, "{r:?}");

    // Arriving while the meeting runs needs no receipt.
    let r = push(
        db,
        &f.m1b,
        vec![f.checkin_unsynced(v7(), &f.today, &f.m1b, now_ms())],
    )
    .await;
    assert_eq!(r[0].status, PushStatus::Accepted, "{r:?}");
}

async fn the_secretary_confirms_or_refuses_held_check_ins_in_one_action(db: &Db) {
    let f = fixture(db).await;
    let at = f.starts[&f.past] + 60_000;
    for m in [&f.m1a, &f.m1b] {
        let r = push(db, m, vec![f.checkin_unsynced(v7(), &f.past, m, at)]).await;
        assert_eq!(r[0].status, PushStatus::PendingReview, "{r:?}");
    }
    let review = |viewer: &CurrentUser, confirm| {
        let viewer = viewer.clone();
        let past = f.past.clone();
        async move { app::activity::server::review_held(db, &viewer, &past, confirm, now_ms()).await }
    };
    // Nobody but the branch's organisers decides: not a member, not another branch's secretary.
    assert!(matches!(
        review(&f.m1a, true).await,
        Err(AppError::Forbidden)
    ));
    let other_sec = extra_user(db, "sec2", Role::Secretary, &f.branch2, None).await;
    assert!(matches!(
        review(&other_sec, true).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(
        roll(db, &f.sec1, &f.past)
            .await
            .iter()
            .filter(|e| e.state == AttendanceState::Present)
            .count(),
        0
    );

    assert_eq!(review(&f.sec1, true).await.unwrap(), 2);
    let roll_now = roll(db, &f.sec1, &f.past).await;
    for m in [&f.m1a, &f.m1b] {
        assert_eq!(entry(&roll_now, m).state, AttendanceState::Present);
        assert_eq!(entry(&roll_now, m).checkin_review, None);
    }
    // Nothing is left to decide: said, not silently done.
    assert!(matches!(
        review(&f.sec1, false).await,
        Err(AppError::Invalid(_))
    ));
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'record_correction' AND detail LIKE '%待确认%'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Refused: stored, never counted, and the member's page says so.
    let r = push(
        db,
        &f.sec1,
        vec![f.checkin_unsynced(v7(), &f.past, &f.sec1, at)],
    )
    .await;
    assert_eq!(r[0].status, PushStatus::PendingReview, "{r:?}");
    assert_eq!(
        review(&f.admin, false).await.unwrap(),
        1,
        "the 总支 decides too"
    );
    let roll_now = roll(db, &f.sec1, &f.past).await;
    assert_eq!(entry(&roll_now, &f.sec1).state, AttendanceState::Absent);
    assert_eq!(
        entry(&roll_now, &f.sec1).checkin_review,
        Some(CheckinReview::Refused)
    );
    let stored = reviews(db, &f.past).await;
    assert_eq!(
        stored
            .iter()
            .filter(|(_, r)| r.as_deref() == Some("confirmed"))
            .count(),
        2
    );
    assert_eq!(
        stored
            .iter()
            .filter(|(_, r)| r.as_deref() == Some("refused"))
            .count(),
        1
    );
}

/// Over HTTP: the pull hands out a receipt; a check-in claiming a moment before it, arriving
/// late, is held; the secretary's server function confirms, a member's call is refused.
async fn held_check_ins_over_http(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let phone = sign_in(&base, "m1a").await;
    let pulled: PullResponse = phone
        .get(format!("{base}/api/v1/sync/pull"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let receipt = pulled.receipt.expect("a pull hands out a receipt");
    let read = app::domain::replay::read_receipt(&f.receipt_key, &f.m1a.id, &receipt);
    assert!(
        read.is_some_and(|at| (at - now_ms()).abs() < 60_000),
        "{receipt}"
    );

    // Its clock set back to last week's meeting, with today's receipt: held.
    let mut record = f.checkin_unsynced(v7(), &f.past, &f.m1a, f.starts[&f.past] + 60_000);
    record["body"]["synced"] = receipt.clone().into();
    let res: PushResponse = phone
        .post(format!("{base}/api/v1/sync/push"))
        .json(&serde_json::json!({ "records": [record] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res.results[0].status, PushStatus::PendingReview, "{res:?}");
    // With the same receipt, today's meeting is taken at once.
    let mut today = f.checkin_unsynced(v7(), &f.today, &f.m1a, now_ms());
    today["body"]["synced"] = receipt.into();
    let res: PushResponse = phone
        .post(format!("{base}/api/v1/sync/push"))
        .json(&serde_json::json!({ "records": [today] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res.results[0].status, PushStatus::Accepted, "{res:?}");

    let form = [("activity_id", f.past.as_str()), ("confirm", "true")];
    let res = phone
        .post(format!("{base}/api/review_checkins"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let secretary = sign_in(&base, "sec1").await;
    let res = secretary
        .post(format!("{base}/api/review_checkins"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        reviews(db, &f.past).await,
        vec![(f.m1a.id.clone(), Some("confirmed".to_owned()))]
    );
}

on_both_backends!(
    late_check_ins_that_cannot_show_they_were_offline_are_held,
    the_secretary_confirms_or_refuses_held_check_ins_in_one_action,
    held_check_ins_over_http,
);
