//! Records that can be trusted (issue 9, point 7): 应到 follows the roster until the start and
//! is fixed from then on; changes after the start need a reason, stay in the activity's trail
//! and reach the 总支's to-do list; a back-dated activity says when it was entered. On both
//! backends.

use crate::common;

use app::activity::ActivityForm;
use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::activity::ActivityKind;
use app::domain::time::to_local_datetime;
use app::roster::MemberForm;
use app::sync::protocol::PushStatus;
use common::{fixture, serve, sign_in, v7};

async fn expected(db: &Db, viewer: &CurrentUser, activity: &str) -> Vec<String> {
    app::activity::server::record(db, viewer, activity, now_ms())
        .await
        .unwrap()
        .roll
        .into_iter()
        .map(|e| e.name)
        .collect()
}

async fn the_roster_decides_who_is_expected_until_the_start(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let new = app::roster::server::save_member(
        db,
        &f.sec1,
        &f.branch1,
        None,
        &MemberForm {
            name: "周八".into(),
            username: "zhouba".into(),
            standing: "正式".into(),
            ..MemberForm::default()
        },
        now,
    )
    .await
    .unwrap()
    .unwrap();
    // Next week's activity takes the new member; today's, already started, does not.
    assert!(
        expected(db, &f.sec1, &f.next_week)
            .await
            .contains(&"周八".to_owned())
    );
    assert!(
        !expected(db, &f.sec1, &f.today)
            .await
            .contains(&"周八".to_owned())
    );
    // So the new member may ask for leave from it (refused as "not expected" before).
    let newcomer = CurrentUser {
        id: new.clone(),
        ..f.m1a.clone()
    };
    let r = app::records::push(
        db,
        &newcomer,
        None,
        vec![f.leave(v7(), &f.next_week, &newcomer, "外出学习", now - 60_000)],
    )
    .await
    .unwrap();
    assert_eq!(r.results[0].status, PushStatus::Accepted, "{:?}", r.results);
    // A member stopped is off what has not started, and back on when started again.
    app::roster::server::set_active(db, &f.sec1, &f.m1b.id, false, now_ms())
        .await
        .unwrap();
    assert!(
        !expected(db, &f.sec1, &f.next_week)
            .await
            .contains(&"张二".to_owned())
    );
    assert!(
        expected(db, &f.sec1, &f.today)
            .await
            .contains(&"张二".to_owned())
    );
    app::roster::server::set_active(db, &f.sec1, &f.m1b.id, true, now_ms())
        .await
        .unwrap();
    assert!(
        expected(db, &f.sec1, &f.next_week)
            .await
            .contains(&"张二".to_owned())
    );
}

fn form_of(
    record: &app::activity::ActivityRecord,
    kind: ActivityKind,
    reason: &str,
) -> ActivityForm {
    ActivityForm {
        kind: kind.as_str().into(),
        topic: record.topic.clone(),
        starts_at: to_local_datetime(record.starts_at),
        ends_at: to_local_datetime(record.ends_at),
        place: record.place.clone(),
        chair: record.chair.clone(),
        recorder: record.recorder.clone(),
        audience: record.audience.clone(),
        change_reason: reason.into(),
    }
}

async fn changes_after_the_start_need_a_reason_and_stay_in_the_trail(db: &Db) {
    let f = fixture(db).await;
    let record = app::activity::server::record(db, &f.sec1, &f.today, now_ms())
        .await
        .unwrap();
    // Changing the kind of an activity under way: refused without a reason.
    let errors = app::activity::server::update(
        db,
        &f.sec1,
        &f.today,
        &form_of(&record, ActivityKind::PartyLesson, "  "),
        now_ms(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(
        (errors[0].field.as_str(), errors[0].message.as_str()),
        ("change_reason", "活动已开始，修改活动类型须写明原因")
    );
    // Other fields may still be corrected without one.
    app::activity::server::update(
        db,
        &f.sec1,
        &f.today,
        &form_of(&record, ActivityKind::ThemeDay, ""),
        now_ms(),
    )
    .await
    .unwrap()
    .unwrap();
    app::activity::server::update(
        db,
        &f.sec1,
        &f.today,
        &form_of(&record, ActivityKind::PartyLesson, "实为党课，误选了类型"),
        now_ms(),
    )
    .await
    .unwrap()
    .unwrap();
    app::activity::server::cancel(db, &f.sec1, &f.today, "停电，改期", now_ms())
        .await
        .unwrap();
    // Cancelling what has not started is no change to a record.
    app::activity::server::cancel(db, &f.sec1, &f.next_week, "与考试冲突", now_ms())
        .await
        .unwrap();
    let trail = app::activity::server::record(db, &f.sec1, &f.today, now_ms())
        .await
        .unwrap()
        .changes;
    assert_eq!(
        trail
            .iter()
            .map(|c| (
                c.what.as_str(),
                c.after.as_str(),
                c.reason.as_str(),
                c.by_name.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            (
                "活动开始后修改活动类型",
                "党课",
                "实为党课，误选了类型",
                "王书记"
            ),
            ("活动开始后取消", "已取消", "停电，改期", "王书记"),
        ]
    );
    assert!(
        app::activity::server::record(db, &f.sec1, &f.next_week, now_ms())
            .await
            .unwrap()
            .changes
            .is_empty()
    );
    // The 总支 sees both on its to-do list; the branch's own page does not nag its secretary.
    let mine = app::branch::server::my_branches(db, &f.admin, now_ms())
        .await
        .unwrap();
    let texts: Vec<_> = mine.todos.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("开始后被取消，原因：停电，改期"))
    );
    assert!(texts.iter().any(|t| t.contains("由“主题党日”改为“党课”")));
    let admin_view = common::figures(db, &f.admin, &f.branch1, None).await;
    assert!(
        admin_view
            .todos
            .iter()
            .any(|t| t.text.starts_with("请核实"))
    );
    let secretary_view = common::figures(db, &f.sec1, &f.branch1, None).await;
    assert!(
        !secretary_view
            .todos
            .iter()
            .any(|t| t.text.starts_with("请核实"))
    );
    // A second cancel is refused rather than written twice.
    assert!(
        app::activity::server::cancel(db, &f.sec1, &f.today, "再次", now_ms())
            .await
            .is_err()
    );
}

async fn a_back_dated_activity_shows_when_it_was_entered(db: &Db) {
    let f = fixture(db).await;
    let yesterday = now_ms() - 26 * 3_600_000;
    let id = app::activity::server::create(
        db,
        &f.sec1,
        &f.branch1,
        &ActivityForm {
            kind: "theme_day".into(),
            topic: "补录的主题党日".into(),
            starts_at: to_local_datetime(yesterday),
            ends_at: to_local_datetime(yesterday + 3_600_000),
            place: "会议室".into(),
            audience: "branch".into(),
            ..ActivityForm::default()
        },
    )
    .await
    .unwrap()
    .unwrap();
    let record = app::activity::server::record(db, &f.sec1, &id, now_ms())
        .await
        .unwrap();
    assert!(record.entered_at > record.starts_at);
    let base = serve(db).await;
    let page = sign_in(&base, "sec1")
        .await
        .get(format!("{base}/activity/{id}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("补录）"),
        "the record says it was entered afterwards"
    );
    let page = sign_in(&base, "sec1")
        .await
        .get(format!("{base}/activity/{}", f.next_week))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("补录）"), "one entered ahead says nothing");
}

async fn a_check_in_after_a_mark_of_absence_is_for_the_secretary_to_decide(db: &Db) {
    use app::domain::attendance::{AttendanceState, Mark};
    let f = fixture(db).await;
    let entry = async |who: &CurrentUser| {
        app::activity::server::record(db, &f.sec1, &f.today, now_ms())
            .await
            .unwrap()
            .roll
            .into_iter()
            .find(|e| e.user_id == who.id)
            .unwrap()
    };
    let note = async || {
        app::checkin::server::member_activities(db, &f.m1a, now_ms())
            .await
            .unwrap()
            .today
            .into_iter()
            .find(|a| a.id == f.today)
            .unwrap()
            .record_note
    };
    // Marked absent by hand a moment ago; then the member's valid check-in arrives.
    app::activity::server::mark(
        db,
        &f.sec1,
        &f.today,
        &f.m1a.id,
        Mark::Absent,
        "",
        now_ms() - 5,
    )
    .await
    .unwrap();
    assert_eq!(note().await.as_deref(), Some("支部书记已将您本次记为缺席"));
    let r = app::records::push(
        db,
        &f.m1a,
        None,
        vec![f.checkin_now(v7(), &f.today, &f.m1a)],
    )
    .await
    .unwrap();
    assert_eq!(r.results[0].status, PushStatus::Accepted, "{:?}", r.results);
    // Neither wins silently: the record keeps the mark and flags it, the member's page says
    // the same, and the secretary's to-do list names it.
    let e = entry(&f.m1a).await;
    assert_eq!((e.state, e.conflict), (AttendanceState::Absent, true));
    assert!(note().await.unwrap().contains("待支部书记核实"));
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    assert!(
        o.todos
            .iter()
            .any(|t| t.text.contains("李一在被手动标记后又签到了")),
        "{:?}",
        o.todos
    );
    // The secretary decides: present. The conflict ends, on both pages.
    app::activity::server::mark(
        db,
        &f.sec1,
        &f.today,
        &f.m1a.id,
        Mark::Present,
        "核实到场",
        now_ms(),
    )
    .await
    .unwrap();
    let e = entry(&f.m1a).await;
    assert_eq!((e.state, e.conflict), (AttendanceState::Present, false));
    assert_eq!(note().await, None);
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    assert!(!o.todos.iter().any(|t| t.text.contains("又签到了")));
    // A check-in first and a mark of absence after it is a decision, not a conflict.
    let r = app::records::push(
        db,
        &f.m1b,
        None,
        vec![f.checkin_now(v7(), &f.today, &f.m1b)],
    )
    .await
    .unwrap();
    assert!(r.results[0].status.is_stored());
    app::activity::server::mark(
        db,
        &f.sec1,
        &f.today,
        &f.m1b.id,
        Mark::Absent,
        "提前离场",
        now_ms() + 5,
    )
    .await
    .unwrap();
    let e = entry(&f.m1b).await;
    assert_eq!((e.state, e.conflict), (AttendanceState::Absent, false));
}

on_both_backends!(
    the_roster_decides_who_is_expected_until_the_start,
    changes_after_the_start_need_a_reason_and_stay_in_the_trail,
    a_back_dated_activity_shows_when_it_was_entered,
    a_check_in_after_a_mark_of_absence_is_for_the_secretary_to_decide,
);
