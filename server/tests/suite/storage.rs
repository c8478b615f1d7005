//! The storage conformance suite: every test runs on SQLite and on PostgreSQL.

use crate::common;

use app::activity::{ActivityForm, Audience};
use app::auth::server::{Password, sign_in, sign_out, user_for_token};
use app::branch::server::{branch_overview, my_branches};
use app::checkin::server::member_activities;
use app::db::{Db, now_ms};
use app::domain::activity::ActivityKind;
use app::domain::attendance::{AttendanceState, LeaveStatus, Mark};
use app::domain::cadence::DEFAULT_RULES as RULES;
use app::domain::participation::{Attendance, BarStatus};
use app::domain::proof::{STEP_MS, code, step_of};
use app::domain::time::to_local_datetime;
use app::error::AppError;
use app::sync::protocol::{DeviceRef, PushResult, PushStatus, RejectCode};
use common::{Fixture, PASSWORD, checkin_with, fixture, v7};
use serde_json::json;
use sqlx::Row;

async fn push(
    db: &Db,
    member: &app::auth::CurrentUser,
    records: Vec<serde_json::Value>,
) -> Vec<PushResult> {
    app::records::push(db, member, None, records)
        .await
        .unwrap()
        .results
}

async fn count(db: &Db, sql: &'static str, bind: &str) -> i64 {
    sqlx::query(sql)
        .bind(bind)
        .fetch_one(db.pool())
        .await
        .expect("count")
        .try_get(0)
        .expect("a count")
}

async fn all_checkins(db: &Db) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM checkins")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn migrations_are_idempotent(db: &Db) {
    server::storage::MIGRATOR
        .run(db.pool())
        .await
        .expect("re-run");
    assert_eq!(all_checkins(db).await, 0);
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
        user_for_token(db, &token, IDLE).await.unwrap(),
        Some(f.m1a.clone())
    );
    assert_eq!(user_for_token(db, "forged", IDLE).await.unwrap(), None);
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
    assert_eq!(user_for_token(db, &token, IDLE).await.unwrap(), None);

    let (expired, _) = sign_in(db, "m1a", Password::new(PASSWORD), -1)
        .await
        .unwrap();
    assert_eq!(user_for_token(db, &expired, IDLE).await.unwrap(), None);

    // The idle timeout: a session unused for longer ends before it expires; each use moves
    // the idle clock on.
    let (idle, _) = sign_in(db, "m1a", Password::new(PASSWORD), 60_000)
        .await
        .unwrap();
    let hour = 3_600_000;
    let set_seen = |ago: i64| {
        sqlx::query("UPDATE sessions SET created_at = $1, last_seen_at = $1 WHERE user_id = $2")
            .bind(now_ms() - ago)
            .bind(f.m1a.id.clone())
            .execute(db.pool())
    };
    set_seen(2 * hour).await.unwrap();
    assert_eq!(
        user_for_token(db, &idle, 3 * hour).await.unwrap(),
        Some(f.m1a.clone()),
        "used two hours ago, three allowed"
    );
    let seen: i64 = sqlx::query_scalar("SELECT last_seen_at FROM sessions WHERE user_id = $1")
        .bind(&f.m1a.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(now_ms() - seen < 60_000, "the use was written");
    set_seen(4 * hour).await.unwrap();
    assert_eq!(user_for_token(db, &idle, 3 * hour).await.unwrap(), None);
}

const IDLE: i64 = 14 * 24 * 3_600_000;

async fn a_record_is_stored_once(db: &Db) {
    let f = fixture(db).await;
    let id = v7();
    let record = f.checkin_now(id, &f.today, &f.m1a);
    assert_eq!(
        push(db, &f.m1a, vec![record.clone()]).await[0].status,
        PushStatus::Accepted
    );
    assert_eq!(
        push(db, &f.m1a, vec![record]).await[0].status,
        PushStatus::Duplicate
    );
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
    let at = f.starts[&f.today] + 60_000;
    push(db, &f.m1a, vec![f.checkin(id, &f.today, &f.m1a, at)]).await;
    let other = push(
        db,
        &f.m1a,
        vec![f.checkin(id, &f.today, &f.m1a, at + 5_000)],
    )
    .await;
    assert_eq!(other[0].status, PushStatus::Conflict);
    assert_eq!(other[0].code, Some(RejectCode::Conflict));
    let kept: i64 = sqlx::query("SELECT device_time FROM checkins WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(kept, at, "the first content stays");
}

async fn bad_records_are_rejected_one_by_one(db: &Db) {
    let f = fixture(db).await;
    let good = v7();
    let unknown_activity = uuid::Uuid::now_v7().to_string();
    let batch = vec![
        f.checkin_now(v7(), &unknown_activity, &f.m1a),
        f.checkin_now(v7(), &f.cancelled, &f.m1a),
        f.checkin_now(v7(), &f.other_branch, &f.m1a),
        f.checkin_now(v7(), &f.today, &f.m1b),
        json!({"id": v7().to_string(), "kind": "checkin", "body": {"activity_id": 7}}),
        f.checkin_now(
            uuid::Uuid::from_u128(0x6f1c1b7e_2c5a_4f0e_9d1a_3b2c1d0e9f8a),
            &f.today,
            &f.m1a,
        ),
        json!("not even an object"),
        f.checkin_now(good, &f.today, &f.m1a),
    ];
    let results = push(db, &f.m1a, batch).await;
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
    assert_eq!(all_checkins(db).await, 1, "only the good record is stored");
}

async fn proofs_are_checked_when_the_record_arrives(db: &Db) {
    let f = fixture(db).await;
    let start = f.starts[&f.today];
    let shown = start + 60_000;
    let step = step_of(shown);
    let mine = |s: i64| code(&f.secrets[&f.today], &f.today, s);
    let theirs = code(&f.secrets[&f.other_branch], &f.other_branch, step);
    // A six-digit code that is none of this activity's codes around its time.
    let nowhere = (0..1000)
        .map(|n| format!("{n:06}"))
        .find(|c| (step - 400..step + 400).all(|s| mine(s) != *c))
        .unwrap();
    let cases = [
        // Another activity's code for the same moment.
        (
            json!({"method": "qr", "step": step, "code": theirs}),
            shown,
            Some(RejectCode::ProofWrong),
        ),
        // Not a code at all.
        (
            json!({"method": "code", "code": nowhere}),
            shown,
            Some(RejectCode::ProofWrong),
        ),
        // This activity's code, replayed 20 minutes after it was shown.
        (
            json!({"method": "qr", "step": step - 40, "code": mine(step - 40)}),
            shown,
            Some(RejectCode::ProofExpired),
        ),
        // The phone's clock set 20 minutes forward (to reuse a code "later"): refused as such.
        (
            json!({"method": "qr", "step": step, "code": mine(step)}),
            shown + 20 * 60_000,
            Some(RejectCode::ClockAhead),
        ),
        // This activity's code from a step far outside its window.
        (
            json!({"method": "qr", "step": step - 200, "code": mine(step - 200)}),
            (step - 200) * STEP_MS,
            Some(RejectCode::ProofOutsideWindow),
        ),
        // Typed, with the phone's clock a minute behind.
        (
            json!({"method": "code", "code": mine(step)}),
            shown - 60_000,
            None,
        ),
    ];
    for (i, (proof, at, expected)) in cases.into_iter().enumerate() {
        let member = if expected.is_none() { &f.m1a } else { &f.m1b };
        let r = push(
            db,
            member,
            vec![checkin_with(v7(), &f.today, member, at, proof)],
        )
        .await;
        assert_eq!(r[0].code, expected, "case {i}: {:?}", r[0].reason);
    }
    // A proof of the code typed is stored with its method and the step it proved.
    let row = sqlx::query("SELECT method, proof_step FROM checkins")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(row.try_get::<String, _>("method").unwrap(), "code");
    assert_eq!(row.try_get::<i64, _>("proof_step").unwrap(), step);
}

async fn the_branch_figure_counts_members_not_records(db: &Db) {
    let f = fixture(db).await;
    // m1a checks in twice (two phones, two ids); m1b once; sec1 not at all.
    for (member, n) in [(&f.m1a, 2), (&f.m1b, 1)] {
        for _ in 0..n {
            let r = push(db, member, vec![f.checkin_now(v7(), &f.today, member)]).await;
            assert_eq!(r[0].status, PushStatus::Accepted);
        }
    }
    let o = branch_overview(db, &f.sec1, &f.branch1, &RULES, now_ms())
        .await
        .unwrap();
    let today = o.activities.iter().find(|a| a.id == f.today).unwrap();
    assert_eq!(today.figure.attendance, Attendance::new(3, 2));
    assert_eq!(today.present, vec!["张二".to_owned(), "李一".to_owned()]);
    assert_eq!(today.absent, vec!["王书记".to_owned()]);
    assert_eq!(today.figure.rate_text, "66.6%");
    // The year counts held activities only (their roll was taken): today's (2 of 3), not
    // last week's, which nobody checked in to and whose roll nobody closed.
    let next = o.activities.iter().find(|a| a.id == f.next_week).unwrap();
    assert!(!next.held);
    assert!(o.activities.iter().all(|a| a.id != f.past || !a.held));
    assert_eq!(o.summary.held, 1);
    assert_eq!(o.summary.year_figure.attendance, Attendance::new(3, 2));
    assert_eq!(o.summary.year_figure.status, BarStatus::NotMet);
    assert!(
        o.activities.iter().all(|a| a.id != f.cancelled),
        "cancelled activities are not counted"
    );
}

async fn approved_leave_is_excused_never_present(db: &Db) {
    let f = fixture(db).await;
    // Asked a minute ago (a phone's time is never ahead of the server's by much).
    let asked = now_ms() - 60_000;
    let leave = v7();
    let r = push(
        db,
        &f.m1a,
        vec![f.leave(leave, &f.next_week, &f.m1a, "外出培训", asked)],
    )
    .await;
    assert_eq!(r[0].status, PushStatus::Accepted);
    let refused = push(
        db,
        &f.m1a,
        vec![
            f.leave(v7(), &f.next_week, &f.m1a, "   ", asked),
            f.leave(v7(), &f.next_week, &f.m1b, "代请假", asked),
            f.leave(v7(), &f.past, &f.m1a, "补请假", now_ms()),
        ],
    )
    .await;
    assert_eq!(
        refused.iter().map(|r| r.code).collect::<Vec<_>>(),
        [
            Some(RejectCode::BadReason),
            Some(RejectCode::NotYours),
            Some(RejectCode::ActivityOver)
        ]
    );
    // Pending leave is not yet an excuse; the member sees it waiting.
    let mine = member_activities(db, &f.m1a, now_ms()).await.unwrap();
    assert_eq!(mine.upcoming[0].leave, Some(LeaveStatus::Pending));
    // Another branch's secretary may not decide; the branch's may.
    assert_eq!(
        app::leave::server::decide(db, &f.m2a, &leave.to_string(), true, "")
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    app::leave::server::decide(db, &f.sec1, &leave.to_string(), true, "同意")
        .await
        .unwrap();
    // Leave on today's activity: approved; m1b also asked but came anyway.
    for m in [&f.m1a, &f.m1b] {
        let id = v7();
        push(
            db,
            m,
            vec![f.leave(id, &f.today, m, "出差", f.starts[&f.today])],
        )
        .await;
        app::leave::server::decide(db, &f.sec1, &id.to_string(), true, "")
            .await
            .unwrap();
    }
    push(db, &f.m1b, vec![f.checkin_now(v7(), &f.today, &f.m1b)]).await;
    let o = branch_overview(db, &f.sec1, &f.branch1, &RULES, now_ms())
        .await
        .unwrap();
    let today = o.activities.iter().find(|a| a.id == f.today).unwrap();
    assert_eq!(
        (
            today.counts.present,
            today.counts.excused,
            today.counts.absent
        ),
        (1, 1, 1)
    );
    assert_eq!(today.excused, ["李一"]);
    assert_eq!(
        today.figure.attendance,
        Attendance::new(3, 1),
        "leave is not presence"
    );
    assert!(
        o.leave_requests
            .iter()
            .any(|l| l.reason == "外出培训" && l.status == LeaveStatus::Approved)
    );
}

async fn hand_marks_win_and_leave_an_audit_trail(db: &Db) {
    let f = fixture(db).await;
    push(db, &f.m1a, vec![f.checkin_now(v7(), &f.today, &f.m1a)]).await;
    let now = now_ms();
    let mark = async |who: &app::auth::CurrentUser, member: &str, m: Mark| {
        app::activity::server::mark(db, who, &f.today, member, m, "核对现场签到表", now).await
    };
    assert_eq!(
        mark(&f.m1b, &f.m1a.id, Mark::Absent).await.unwrap_err(),
        AppError::Forbidden
    );
    assert!(matches!(
        mark(&f.sec1, &f.m2a.id, Mark::Present).await,
        Err(AppError::Invalid(_))
    ));
    assert_eq!(
        mark(&f.sec1, &f.m1a.id, Mark::Absent).await.unwrap(),
        AttendanceState::Absent
    );
    assert_eq!(
        mark(&f.sec1, &f.m1b.id, Mark::Excused).await.unwrap(),
        AttendanceState::Excused
    );
    assert_eq!(
        mark(&f.admin, &f.m1a.id, Mark::Auto).await.unwrap(),
        AttendanceState::Present
    );
    let record = app::activity::server::record(db, &f.sec1, &f.today, now)
        .await
        .unwrap();
    assert_eq!(
        (
            record.counts.present,
            record.counts.excused,
            record.counts.absent
        ),
        (1, 1, 1)
    );
    let trail: Vec<_> = record
        .marks
        .iter()
        .map(|m| {
            (
                m.member_name.as_str(),
                m.before,
                m.after,
                m.by_name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        trail,
        [
            (
                "李一",
                AttendanceState::Present,
                AttendanceState::Absent,
                "王书记"
            ),
            (
                "张二",
                AttendanceState::Absent,
                AttendanceState::Excused,
                "王书记"
            ),
            (
                "李一",
                AttendanceState::Absent,
                AttendanceState::Present,
                "总支管理员"
            ),
        ]
    );
}

fn form(kind: ActivityKind, topic: &str, starts_at: i64, audience: &Audience) -> ActivityForm {
    ActivityForm {
        kind: kind.as_str().into(),
        topic: topic.into(),
        starts_at: to_local_datetime(starts_at),
        ends_at: to_local_datetime(starts_at + 2 * 3_600_000),
        place: "党员活动室".into(),
        chair: "王书记".into(),
        recorder: "李一".into(),
        audience: audience.encode(),
        change_reason: String::new(),
    }
}

async fn expected_names(db: &Db, f: &Fixture, id: &str) -> Vec<String> {
    let r = app::activity::server::record(db, &f.sec1, id, now_ms())
        .await
        .unwrap();
    r.roll.into_iter().map(|e| e.name).collect()
}

async fn scheduling_fixes_who_is_expected(db: &Db) {
    let f = fixture(db).await;
    use app::activity::server::{cancel, create, save_minutes, update};
    let later = now_ms() + 3 * 24 * 3_600_000;
    let committee = create(
        db,
        &f.sec1,
        &f.branch1,
        &form(
            ActivityKind::Committee,
            "支委会",
            later,
            &Audience::Committee,
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(expected_names(db, &f, &committee).await, ["王书记"]);
    let group = Audience::Group(f.group1.clone());
    let g = create(
        db,
        &f.sec1,
        &f.branch1,
        &form(ActivityKind::GroupMeeting, "小组学习", later, &group),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(expected_names(db, &f, &g).await, ["张二", "李一"]);
    // Before it starts, the audience may change and 应到 follows.
    update(
        db,
        &f.sec1,
        &g,
        &form(
            ActivityKind::PartyLesson,
            "小组学习",
            later,
            &Audience::Branch,
        ),
        now_ms(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(expected_names(db, &f, &g).await.len(), 3);
    // Once started, time and audience are part of the record.
    let started = form(
        ActivityKind::ThemeDay,
        "今天的主题党日",
        f.starts[&f.today],
        &Audience::Committee,
    );
    let errors = update(db, &f.sec1, &f.today, &started, now_ms())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(errors[0].field, "audience");
    // Bad forms come back with every problem; another branch's group is refused.
    let bad = ActivityForm {
        topic: "".into(),
        ..form(ActivityKind::ThemeDay, "x", later, &Audience::Branch)
    };
    assert_eq!(
        create(db, &f.sec1, &f.branch1, &bad)
            .await
            .unwrap()
            .unwrap_err()[0]
            .field,
        "topic"
    );
    let foreign = form(
        ActivityKind::GroupMeeting,
        "x",
        later,
        &Audience::Group(f.branch2.clone()),
    );
    assert_eq!(
        create(db, &f.sec1, &f.branch1, &foreign)
            .await
            .unwrap()
            .unwrap_err()[0]
            .field,
        "audience"
    );
    assert_eq!(
        create(
            db,
            &f.sec1,
            &f.branch2,
            &form(ActivityKind::ThemeDay, "x", later, &Audience::Branch)
        )
        .await
        .unwrap_err(),
        AppError::Forbidden
    );
    // Minutes only once it has started; cancelling takes it out of the figures.
    assert!(matches!(
        save_minutes(db, &f.sec1, &g, "记录", now_ms()).await,
        Err(AppError::Invalid(_))
    ));
    save_minutes(db, &f.sec1, &f.today, "学习了党章第一章。", now_ms())
        .await
        .unwrap();
    cancel(db, &f.sec1, &committee, "与期中考试冲突", now_ms())
        .await
        .unwrap();
    let o = branch_overview(db, &f.sec1, &f.branch1, &RULES, now_ms())
        .await
        .unwrap();
    assert!(o.activities.iter().all(|a| a.id != committee));
    assert!(
        o.activities
            .iter()
            .find(|a| a.id == f.today)
            .unwrap()
            .has_minutes
    );
}

async fn pull_returns_what_changed_since_the_cursor(db: &Db) {
    let f = fixture(db).await;
    let first = app::sync::pull::pull(db, &f.m1a, None).await.unwrap();
    let mut ids: Vec<_> = first.activities.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    let mut want = vec![f.today.as_str(), f.cancelled.as_str(), f.next_week.as_str()];
    want.sort();
    assert_eq!(
        ids, want,
        "from today on, cancelled ones included so a phone learns of them"
    );
    assert!(first.roster.is_none(), "members get no roster");
    let again = app::sync::pull::pull(db, &f.m1a, Some(first.cursor))
        .await
        .unwrap();
    assert!(again.activities.is_empty());
    app::activity::server::cancel(db, &f.sec1, &f.next_week, "改期", now_ms())
        .await
        .unwrap();
    let after = app::sync::pull::pull(db, &f.m1a, Some(first.cursor))
        .await
        .unwrap();
    assert_eq!(after.activities.len(), 1);
    assert_eq!(after.activities[0].status, "cancelled");
    assert!(after.cursor > first.cursor);
    let roster = app::sync::pull::pull(db, &f.sec1, None)
        .await
        .unwrap()
        .roster
        .unwrap();
    let mut names: Vec<_> = roster.iter().map(|r| r.display_name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["张二", "李一", "王书记"]);
}

async fn a_wiped_device_is_noticed_by_its_numbering(db: &Db) {
    let f = fixture(db).await;
    let device_id = uuid::Uuid::now_v7();
    let device = Some(DeviceRef { id: device_id });
    let numbered = |id, seq: i64, activity: &str| {
        let mut r = f.checkin_now(id, activity, &f.m1a);
        r["seq"] = json!(seq);
        r
    };
    let (a, b) = (v7(), v7());
    let first = app::records::push(
        db,
        &f.m1a,
        device.clone(),
        vec![numbered(a, 1, &f.today), numbered(b, 2, &f.past)],
    )
    .await
    .unwrap();
    let d = first.device.unwrap();
    assert_eq!((d.high_water, d.reset_detected), (2, false));
    // A retry of an old record is no reset.
    let retry = app::records::push(db, &f.m1a, device.clone(), vec![numbered(a, 1, &f.today)])
        .await
        .unwrap();
    assert!(!retry.device.unwrap().reset_detected);
    // A new record numbered 1 again: the phone's store started over.
    let wiped = app::records::push(
        db,
        &f.m1a,
        device.clone(),
        vec![numbered(v7(), 1, &f.today)],
    )
    .await
    .unwrap();
    let d = wiped.device.unwrap();
    assert!(d.reset_detected);
    assert_eq!(d.high_water, 2);
    assert_eq!(
        count(
            db,
            "SELECT resets FROM devices WHERE id = $1",
            &device_id.to_string()
        )
        .await,
        1
    );
    // The secretary is told whose phone it was, to check what may have been lost.
    let o = branch_overview(db, &f.sec1, &f.branch1, &RULES, now_ms())
        .await
        .unwrap();
    let todo = o
        .todos
        .iter()
        .find(|t| t.text.contains("离线数据曾被清除"))
        .expect("a to-do names the wiped phone");
    assert!(todo.text.starts_with(&f.m1a.display_name), "{}", todo.text);
}

async fn branch_pages_are_for_their_secretary_and_admin(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    assert!(
        branch_overview(db, &f.sec1, &f.branch1, &RULES, now)
            .await
            .is_ok()
    );
    assert_eq!(
        branch_overview(db, &f.sec1, &f.branch2, &RULES, now)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        branch_overview(db, &f.m1a, &f.branch1, &RULES, now)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert!(
        branch_overview(db, &f.admin, &f.branch2, &RULES, now)
            .await
            .is_ok()
    );
    assert_eq!(
        branch_overview(db, &f.admin, &f.school, &RULES, now)
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
    let record = app::activity::server::record(db, &f.m1a, &f.today, now).await;
    assert_eq!(
        record.unwrap_err(),
        AppError::Forbidden,
        "members don't read the branch's records"
    );
    assert_eq!(
        app::activity::server::proof_screen(db, &f.m2a, &f.today, now)
            .await
            .unwrap_err(),
        AppError::Forbidden,
        "nobody else gets an activity's code secret"
    );
}

async fn a_member_sees_today_and_what_comes(db: &Db) {
    let f = fixture(db).await;
    push(db, &f.m1a, vec![f.checkin_now(v7(), &f.today, &f.m1a)]).await;
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
    // The bureau's read-only account reads all four, its school picked.
    let (_, county) = sign_in(db, "county", Password::new("demo-pass"), 60_000)
        .await
        .expect("county signs in");
    let schools = app::branch::server::my_branches(db, &county, now_ms())
        .await
        .expect("schools");
    assert_eq!(schools.schools.len(), 1);
    assert_eq!(schools.schools[0].branches, 4);
    let school = schools.schools[0].id.clone();
    let read = app::branch::server::branches_year(db, &county, now_ms(), None, Some(&school))
        .await
        .expect("the school's branches");
    assert_eq!(read.branches.len(), 4);
    assert_eq!(read.branches[0].school.as_deref(), Some("县第一中学党总支"));
    // Last year's rating shows every state the rules know (issue 10).
    let (_, admin) = sign_in(db, "admin", Password::new("demo-pass"), 60_000)
        .await
        .unwrap();
    let config = app::state::RuntimeConfig::default();
    let last_year = app::domain::time::year_of(now_ms()) - 1;
    let overview =
        app::rating::server::overview::overview(db, &admin, &config, Some(last_year), now_ms())
            .await
            .unwrap();
    let row = |name: &str| {
        overview
            .rows
            .iter()
            .find(|r| r.name == name)
            .unwrap()
            .clone()
    };
    use app::domain::rating::{Level, Outlook, State};
    let first = row("第一党支部");
    assert_eq!((first.stars, first.level), (5, Level::RedFlag), "{first:?}");
    // Its charts, as on its page: twelve months, the grid, the campaign's audiences.
    assert_eq!(
        (first.charts.months.len(), first.charts.theme_days.len()),
        (12, 12)
    );
    assert!(first.charts.campaign.is_some() && !first.charts.satisfaction.is_empty());
    let fourth = row("第四党支部");
    assert_eq!(
        (fourth.stars, fourth.level),
        (5, Level::Advanced),
        "{fourth:?}"
    );
    let third = row("第三党支部");
    assert_eq!(third.awaiting_approval.len(), 2, "{third:?}");
    assert_eq!(third.stars, 4);
    let second = row("第二党支部");
    assert!(
        second.level <= Level::Average && second.stars <= 2,
        "{second:?}"
    );
    assert_eq!(second.participation.0, State::NotMet);
    // The 总支's own: two pieces of evidence wait for the bureau's admin, one is missing.
    let (_, bureau) = sign_in(db, "bureau", Password::new("demo-pass"), 60_000)
        .await
        .unwrap();
    let general = app::rating::server::view(
        db,
        &bureau,
        &config,
        &admin.org_id,
        Some(last_year),
        now_ms(),
    )
    .await
    .unwrap();
    assert!(general.general && general.may_decide);
    let states: Vec<State> = general.report.rating.criteria().map(|c| c.state).collect();
    let count = |s: State| states.iter().filter(|x| **x == s).count();
    assert_eq!(
        (
            count(State::AwaitingApproval),
            count(State::AwaitingEvidence)
        ),
        (2, 1),
        "{states:?}"
    );
    let now_overview = app::rating::server::overview::overview(db, &admin, &config, None, now_ms())
        .await
        .unwrap();
    let second_now = now_overview
        .rows
        .iter()
        .find(|r| r.name == "第二党支部")
        .unwrap();
    let target = second_now.target.as_ref().unwrap();
    assert_eq!(target.level, Level::Advanced);
    assert_eq!(target.outlook, Outlook::AtRisk, "{target:?}");
    let (_, sec) = sign_in(db, "sec2", Password::new("demo-pass"), 60_000)
        .await
        .unwrap();
    let o = branch_overview(db, &sec, &sec.org_id, &RULES, now_ms())
        .await
        .unwrap();
    assert!(o.summary.held > 0);
    // Last year, the year being rated, is there too.
    let last = app::branch::server::branch_year(
        db,
        &sec,
        &sec.org_id,
        &RULES,
        now_ms(),
        Some(o.summary.year - 1),
    )
    .await
    .unwrap();
    assert!(last.summary.held >= 12, "{:?}", last.summary);
    assert_eq!(o.years[..2], [o.summary.year, o.summary.year - 1]);
    // Something is always ahead, in December too: next January is seeded.
    let member_view = sign_in(db, "m2-01", Password::new("demo-pass"), 60_000)
        .await
        .unwrap()
        .1;
    let ahead = member_activities(db, &member_view, now_ms())
        .await
        .unwrap()
        .upcoming;
    assert!(
        ahead.iter().any(|a| a.kind == ActivityKind::ThemeDay),
        "a 主题党日 ahead: {ahead:?}"
    );
    let theme_day = o
        .activities
        .iter()
        .find(|a| a.kind == ActivityKind::ThemeDay)
        .unwrap();
    assert!((8..=12).contains(&theme_day.figure.attendance.expected));
    let committee = o
        .activities
        .iter()
        .find(|a| a.kind == ActivityKind::Committee)
        .unwrap();
    assert_eq!(committee.counts.expected, 3, "支委会 is for the committee");
    let (_, member) = sign_in(db, "m2-01", Password::new("demo-pass"), 60_000)
        .await
        .unwrap();
    let mine = member_activities(db, &member, now_ms()).await.unwrap();
    assert_eq!(
        mine.today.len(),
        1,
        "the demo has an activity in progress to check in to"
    );
    // Its rotating code works: a check-in with the code on screen now is accepted.
    let today = &mine.today[0];
    let screen = app::activity::server::proof_screen(db, &sec, &today.id, now_ms())
        .await
        .unwrap();
    let secret: Vec<u8> = (0..screen.secret.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&screen.secret[i..i + 2], 16).unwrap())
        .collect();
    let now = now_ms();
    let proof = json!({"method": "code", "code": code(&secret, &today.id, step_of(now))});
    let r = push(
        db,
        &member,
        vec![checkin_with(v7(), &today.id, &member, now, proof)],
    )
    .await;
    assert_eq!(r[0].status, PushStatus::Accepted, "{:?}", r[0].reason);
}

on_both_backends!(
    migrations_are_idempotent,
    sessions_follow_the_password,
    a_record_is_stored_once,
    a_conflicting_record_never_overwrites,
    bad_records_are_rejected_one_by_one,
    proofs_are_checked_when_the_record_arrives,
    the_branch_figure_counts_members_not_records,
    approved_leave_is_excused_never_present,
    hand_marks_win_and_leave_an_audit_trail,
    scheduling_fixes_who_is_expected,
    pull_returns_what_changed_since_the_cursor,
    a_wiped_device_is_noticed_by_its_numbering,
    branch_pages_are_for_their_secretary_and_admin,
    a_member_sees_today_and_what_comes,
    the_demo_school_seeds_once,
    guessing_codes_stops_after_ten_wrong_ones,
    records_stored_before_content_hashes_still_know_their_retries,
    the_same_leave_request_pushed_twice_at_once_is_stored_once,
    records_from_a_clock_running_ahead_are_refused_with_the_reason,
);

/// A phone whose clock runs ahead of the server's by more than the tolerance (set forward to
/// reuse a code, or simply wrong) has its check-ins and leave requests refused with the
/// reason, and nothing is stored; within the tolerance they are taken as before.
async fn records_from_a_clock_running_ahead_are_refused_with_the_reason(db: &Db) {
    let f = fixture(db).await;
    let now = app::db::now_ms();
    let ahead = now + 10 * 60_000;
    let results = push(
        db,
        &f.m1a,
        vec![
            f.checkin(v7(), &f.today, &f.m1a, ahead),
            f.leave(v7(), &f.next_week, &f.m1a, "外出培训", ahead),
        ],
    )
    .await;
    for r in &results {
        assert_eq!(r.status, PushStatus::Rejected, "{r:?}");
        assert_eq!(r.code, Some(RejectCode::ClockAhead));
        assert!(
            r.reason.as_deref().unwrap().contains("快约 10 分钟"),
            "{r:?}"
        );
    }
    assert_eq!(all_checkins(db).await, 0);
    let leave: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM leave_requests")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(leave, 0);
    // A minute ahead is a clock's ordinary drift.
    let results = push(
        db,
        &f.m1b,
        vec![f.leave(v7(), &f.next_week, &f.m1b, "外出培训", now + 60_000)],
    )
    .await;
    assert_eq!(results[0].status, PushStatus::Accepted, "{results:?}");
}

/// Ten wrong codes from a member for one activity, and code check-in stops for them there —
/// even with the right code — while others check in as before. Guessing a six-digit code that
/// changes every 30 s becomes hopeless.
async fn guessing_codes_stops_after_ten_wrong_ones(db: &Db) {
    let f = fixture(db).await;
    let at = f.starts[&f.today] + 60_000;
    let step = app::domain::proof::step_of(at);
    let right = app::domain::proof::code(&f.secrets[&f.today], &f.today, step);
    // Codes that match no step within 8 hours of the phone's clock: wrong, not expired.
    let near: Vec<String> = (step - 1_000..=step + 1_000)
        .map(|s| app::domain::proof::code(&f.secrets[&f.today], &f.today, s))
        .collect();
    let wrong: Vec<String> = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .filter(|c| !near.contains(c))
        .take(10)
        .collect();
    let typed = |code: &str, member| {
        checkin_with(
            v7(),
            &f.today,
            member,
            at,
            json!({"method": "code", "code": code}),
        )
    };
    for code in &wrong {
        let r = push(db, &f.m1a, vec![typed(code, &f.m1a)]).await;
        assert_eq!(r[0].code, Some(RejectCode::ProofWrong));
    }
    let r = push(db, &f.m1a, vec![typed(&right, &f.m1a)]).await;
    assert_eq!(r[0].code, Some(RejectCode::TooManyWrongCodes));
    assert!(r[0].reason.as_deref().unwrap().contains("手动标记"));
    // Another member of the same activity is not affected.
    let r = push(db, &f.m1b, vec![typed(&right, &f.m1b)]).await;
    assert_eq!(r[0].status, PushStatus::Accepted);
    assert_eq!(all_checkins(db).await, 1);
}

/// Rows stored before records kept a content hash (`content_hash` NULL) are compared by their
/// columns: a phone's retry sent across the upgrade is still its own duplicate, and other
/// content under the same id still a conflict that changes nothing.
async fn records_stored_before_content_hashes_still_know_their_retries(db: &Db) {
    let f = fixture(db).await;
    let (checkin, leave) = (v7(), v7());
    let asked = now_ms() - 3_600_000;
    let first_checkin = f.checkin_now(checkin, &f.today, &f.m1a);
    let first_leave = f.leave(leave, &f.next_week, &f.m1a, "外出培训", asked);
    let r = push(db, &f.m1a, vec![first_checkin.clone(), first_leave.clone()]).await;
    assert!(r.iter().all(|r| r.status == PushStatus::Accepted), "{r:?}");
    for table in ["checkins", "leave_requests"] {
        let stored: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE content_hash IS NOT NULL"
        )))
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(stored, 1, "{table} keeps the content hash of new records");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET content_hash = NULL"
        )))
        .execute(db.pool())
        .await
        .unwrap();
    }
    let r = push(db, &f.m1a, vec![first_checkin, first_leave]).await;
    assert_eq!(r[0].status, PushStatus::Duplicate);
    assert_eq!(r[1].status, PushStatus::Duplicate);
    let other_checkin = f.checkin(checkin, &f.today, &f.m1a, f.starts[&f.today] + 90_000);
    let other_leave = f.leave(leave, &f.next_week, &f.m1a, "另有安排", asked);
    let r = push(db, &f.m1a, vec![other_checkin, other_leave]).await;
    assert_eq!(r[0].status, PushStatus::Conflict);
    assert_eq!(r[1].status, PushStatus::Conflict);
    let reason: String = sqlx::query_scalar("SELECT reason FROM leave_requests WHERE id = $1")
        .bind(leave.to_string())
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(reason, "外出培训", "a conflict never overwrites");
}

/// Two pushes of one leave request id with different reasons, at the same moment (on
/// PostgreSQL both pass the first look before either commits): one is accepted and stored, the
/// other is a conflict — never two acceptances for one stored row.
async fn the_same_leave_request_pushed_twice_at_once_is_stored_once(db: &Db) {
    let f = fixture(db).await;
    let asked = now_ms() - 3_600_000;
    for _ in 0..8 {
        let id = v7();
        let a = f.leave(id, &f.next_week, &f.m1a, "外出培训", asked);
        let b = f.leave(id, &f.next_week, &f.m1a, "另有安排", asked);
        let (ra, rb) = tokio::join!(push(db, &f.m1a, vec![a]), push(db, &f.m1a, vec![b]));
        let statuses = [ra[0].status, rb[0].status];
        assert!(
            statuses.contains(&PushStatus::Accepted) && statuses.contains(&PushStatus::Conflict),
            "{statuses:?}"
        );
        let stored: String = sqlx::query_scalar("SELECT reason FROM leave_requests WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(db.pool())
            .await
            .unwrap();
        let accepted = if ra[0].status == PushStatus::Accepted {
            "外出培训"
        } else {
            "另有安排"
        };
        assert_eq!(stored, accepted, "the accepted body is the stored one");
    }
}
