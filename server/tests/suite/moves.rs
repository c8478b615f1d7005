//! Moves between branches and schools (组织关系转接, issue 9 point 2), on both backends: dated,
//! the 总支's act, what came before stays where it happened, and the history is kept.

use crate::common;

use app::activity::server::record;
use app::db::{Db, now_ms};
use app::domain::role::Role;
use app::domain::time::date_of;
use app::error::AppError;
use app::roster::server::{members, move_member, moves};
use common::fixture;

fn day(days_back: u64) -> String {
    date_of(now_ms())
        .unwrap()
        .checked_sub_days(chrono::Days::new(days_back))
        .unwrap()
        .to_string()
}

async fn roll_names(db: &Db, viewer: &app::auth::CurrentUser, activity: &str) -> Vec<String> {
    record(db, viewer, activity, now_ms())
        .await
        .unwrap()
        .roll
        .into_iter()
        .map(|e| e.name)
        .collect()
}

async fn a_move_is_dated_and_leaves_the_past_where_it_was(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let past_before = common::figures(db, &f.admin, &f.branch1, None)
        .await
        .activities
        .into_iter()
        .find(|a| a.id == f.past)
        .unwrap();
    // 李一 checked in today before the move; 张二 did nothing.
    let checkin = f.checkin_now(common::v7(), &f.today, &f.m1a);
    app::records::push(db, &f.m1a, None, vec![checkin])
        .await
        .unwrap();

    // Who may, and what is refused with its reason.
    let three_days_ago = day(3);
    for who in [&f.sec1, &f.m1a] {
        assert_eq!(
            move_member(db, who, &f.m1b.id, &f.branch2, &three_days_ago, "调动", now)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
    }
    for (to, on, reason, says) in [
        (&f.branch1, three_days_ago.as_str(), "调动", "其他党支部"),
        (&f.branch2, day(91).as_str(), "调动", "最多可往前补 90 天"),
        (&f.branch2, "2999-01-01", "调动", "不能晚于今天"),
        (&f.branch2, three_days_ago.as_str(), " ", "请写明转接原因"),
    ] {
        match move_member(db, &f.admin, &f.m1b.id, to, on, reason, now).await {
            Err(AppError::Invalid(m)) => assert!(m.contains(says), "{m}"),
            other => panic!("expected {says}, got {other:?}"),
        }
    }

    // 张二 moves to the second branch from three days ago.
    move_member(
        db,
        &f.admin,
        &f.m1b.id,
        &f.branch2,
        &three_days_ago,
        "调到二支部",
        now,
    )
    .await
    .unwrap();
    assert!(
        roll_names(db, &f.admin, &f.past)
            .await
            .contains(&"张二".to_owned()),
        "before the move: still expected there"
    );
    assert!(
        !roll_names(db, &f.admin, &f.today)
            .await
            .contains(&"张二".to_owned()),
        "after it, without a trace: no longer"
    );
    assert!(
        !roll_names(db, &f.admin, &f.next_week)
            .await
            .contains(&"张二".to_owned())
    );
    let past_after = common::figures(db, &f.admin, &f.branch1, None)
        .await
        .activities
        .into_iter()
        .find(|a| a.id == f.past)
        .unwrap();
    assert_eq!(
        past_after.counts, past_before.counts,
        "the figures before the move stay"
    );
    let second = members(db, &f.admin, &f.branch2).await.unwrap();
    let zhang = second.members.iter().find(|m| m.id == f.m1b.id).unwrap();
    assert_eq!(
        (zhang.group_id.as_deref(), zhang.committee()),
        (None, None),
        "the group stays behind"
    );
    assert!(
        members(db, &f.sec1, &f.branch1)
            .await
            .unwrap()
            .members
            .iter()
            .all(|m| m.id != f.m1b.id),
        "off the old roster"
    );

    // 李一, who checked in, moves today: today's record keeps them.
    move_member(
        db,
        &f.admin,
        &f.m1a.id,
        &f.branch2,
        &day(0),
        "调到二支部",
        now,
    )
    .await
    .unwrap();
    assert!(
        roll_names(db, &f.admin, &f.today)
            .await
            .contains(&"李一".to_owned())
    );
    // A secretary moved becomes a member of the new branch.
    move_member(db, &f.admin, &f.sec1.id, &f.branch2, &day(0), "轮岗", now)
        .await
        .unwrap();
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(&f.sec1.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(role, "member");

    // The history, for the new branch's organisers and the 总支.
    let history = moves(db, &f.admin, &f.m1b.id, now).await.unwrap();
    assert_eq!(history.history.len(), 1);
    let m = &history.history[0];
    assert_eq!(
        (m.from.as_str(), m.to.as_str(), m.moved_on.as_str()),
        ("第一党支部", "第二党支部", three_days_ago.as_str())
    );
    assert!(history.may_move);
    let log = app::audit::server::read(db, &f.admin, 0, 5).await.unwrap();
    assert!(
        log.entries
            .iter()
            .any(|e| e.action == app::audit::Action::MemberMove && e.target.contains("张二"))
    );
}

/// Under a bureau, a member moves to another of its schools; both 总支 read the move, and the
/// new school runs the member from then on. A school outside the bureau is no destination.
async fn a_member_moves_to_another_school_of_the_bureau(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let school2 = uuid::Uuid::now_v7().to_string();
    let admin2 =
        common::extra_user(db, "admin2", Role::Admin, &school2, Some("城关二中党总支")).await;
    let branch3 = app::school::server::add(
        db,
        &admin2,
        app::school::OrgKind::Branch,
        "",
        "二中第一党支部",
        now,
    )
    .await
    .unwrap();
    let before = moves(db, &f.admin, &f.m1a.id, now).await.unwrap();
    assert!(
        before.targets.iter().all(|(id, _)| *id != branch3),
        "not without a bureau"
    );
    match move_member(db, &f.admin, &f.m1a.id, &branch3, &day(0), "调动", now).await {
        Err(AppError::Invalid(_)) => {}
        other => panic!("another school's branch is no destination: {other:?}"),
    }
    common::bureau(db, &[&f.school, &school2], "bviewer", "badmin").await;
    let targets = moves(db, &f.admin, &f.m1a.id, now).await.unwrap().targets;
    assert_eq!(
        targets.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(),
        ["第二党支部", "城关二中党总支 · 二中第一党支部"]
    );
    move_member(
        db,
        &f.admin,
        &f.m1a.id,
        &branch3,
        &day(0),
        "调往城关二中任教",
        now,
    )
    .await
    .unwrap();
    let theirs = members(db, &admin2, &branch3).await.unwrap();
    assert!(theirs.members.iter().any(|m| m.id == f.m1a.id));
    assert_eq!(
        members(db, &f.admin, &branch3).await.unwrap_err(),
        AppError::Forbidden,
        "the old school runs them no more"
    );
    let log = app::audit::server::read(db, &admin2, 0, 5).await.unwrap();
    assert!(
        log.entries
            .iter()
            .any(|e| e.action == app::audit::Action::MemberMove),
        "the new school's 总支 reads it too"
    );
}

on_both_backends!(
    a_move_is_dated_and_leaves_the_past_where_it_was,
    a_member_moves_to_another_school_of_the_bureau,
);
