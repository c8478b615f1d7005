//! Cadence as the rules say (issue 9, point 8; the rules are `domain::cadence`): an activity
//! counts as held once its roll is taken, 党小组会 count per group, a branch without a
//! committee has no 支委会 rule, and an activity's kind must fit its audience. On both
//! backends, in storage and over HTTP.

use crate::common;

use app::activity::ActivityForm;
use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::activity::ActivityKind;
use app::domain::cadence::{COMMITTEE_FROM_FULL_MEMBERS, CheckState};
use app::domain::role::Role;
use app::domain::time::to_local_datetime;
use app::error::AppError;
use common::{extra_user, fixture, serve, sign_in, v7};
use reqwest::StatusCode;

async fn roll_taken(db: &Db, viewer: &CurrentUser, activity: &str) -> bool {
    app::activity::server::record(db, viewer, activity, now_ms())
        .await
        .unwrap()
        .roll_taken
}

async fn audit_details(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'record_correction'")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

async fn an_activity_counts_once_its_roll_is_taken(db: &Db) {
    let f = fixture(db).await;
    // Last week's lesson: started long ago, nobody checked in or was marked — not held yet.
    assert!(!roll_taken(db, &f.sec1, &f.past).await);
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    let held: Vec<_> = o
        .activities
        .iter()
        .filter(|a| a.held)
        .map(|a| &a.id)
        .collect();
    assert!(held.is_empty(), "no roll taken anywhere yet: {held:?}");
    assert_eq!(o.summary.held, 0);
    assert_eq!(o.summary.year_figure.attendance.expected, 0);
    if let Some(past) = o.activities.iter().find(|a| a.id == f.past) {
        assert!(past.started && !past.held);
        assert!(
            o.todos
                .iter()
                .any(|t| t.text.contains("“上周的党课”还没有签到或点名")),
            "{:?}",
            o.todos
        );
    }
    // One member's check-in takes today's roll: the others count as absent from then on.
    let r = app::records::push(
        db,
        &f.m1a,
        None,
        vec![f.checkin_now(v7(), &f.today, &f.m1a)],
    )
    .await
    .unwrap();
    assert!(r.results[0].status.is_stored(), "{r:?}");
    assert!(roll_taken(db, &f.sec1, &f.today).await);
    // Closing the roll: only the branch's organisers, only once it started, once.
    for outsider in [&f.m1a, &f.m2a] {
        assert_eq!(
            app::activity::server::close_roll(db, outsider, &f.past, now_ms()).await,
            Err(AppError::Forbidden)
        );
    }
    assert!(matches!(
        app::activity::server::close_roll(db, &f.sec1, &f.next_week, now_ms()).await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        app::activity::server::close_roll(db, &f.sec1, &f.cancelled, now_ms()).await,
        Err(AppError::Invalid(_))
    ));
    app::activity::server::close_roll(db, &f.sec1, &f.past, now_ms())
        .await
        .unwrap();
    app::activity::server::close_roll(db, &f.admin, &f.past, now_ms())
        .await
        .unwrap();
    assert!(roll_taken(db, &f.sec1, &f.past).await);
    let record = app::activity::server::record(db, &f.sec1, &f.past, now_ms())
        .await
        .unwrap();
    assert!(record.roll_closed_at.is_some());
    assert_eq!((record.counts.expected, record.counts.absent), (3, 3));
    assert_eq!(
        audit_details(db).await,
        ["点名完毕（计入参与率）"],
        "closed once, audited once"
    );
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    let past_this_year = o.activities.iter().any(|a| a.id == f.past) as u32;
    assert_eq!(o.summary.held, 1 + past_this_year);
    assert_eq!(
        o.summary.year_figure.attendance,
        app::domain::participation::Attendance::new(3 + 3 * past_this_year, 1)
    );
}

/// Adds a 党小组 to branch 1 and puts `members` in it.
async fn group(db: &Db, branch: &str, name: &str, members: &[&CurrentUser]) -> String {
    let id = v7().to_string();
    sqlx::query(
        "INSERT INTO organisations (id, parent_id, kind, name, sort_order) \
         VALUES ($1, $2, 'group', $3, 5)",
    )
    .bind(&id)
    .bind(branch)
    .bind(name)
    .execute(db.pool())
    .await
    .unwrap();
    for m in members {
        sqlx::query("UPDATE users SET group_id = $1 WHERE id = $2")
            .bind(&id)
            .bind(&m.id)
            .execute(db.pool())
            .await
            .unwrap();
    }
    id
}

fn form(kind: ActivityKind, audience: &str, starts_at: i64) -> ActivityForm {
    ActivityForm {
        kind: kind.as_str().into(),
        topic: format!("{}（测试）", kind.label()),
        starts_at: to_local_datetime(starts_at),
        ends_at: to_local_datetime(starts_at + 3_600_000),
        place: "会议室".into(),
        chair: String::new(),
        recorder: String::new(),
        audience: audience.into(),
        change_reason: String::new(),
    }
}

async fn group_meetings_count_for_their_own_group(db: &Db) {
    let f = fixture(db).await;
    let second = group(db, &f.branch1, "第二党小组", &[&f.sec1]).await;
    let now = now_ms();
    // Two meetings of the first group this morning (or just after midnight), none of the
    // second: the month is not met, and the second group is the one short.
    let (day_start, _) = app::domain::time::day_bounds_ms(now);
    let start = (now - 120_000).max(day_start);
    for _ in 0..2 {
        let id = app::activity::server::create(
            db,
            &f.sec1,
            &f.branch1,
            &form(
                ActivityKind::GroupMeeting,
                &format!("group:{}", f.group1),
                start,
            ),
        )
        .await
        .unwrap()
        .unwrap();
        app::activity::server::close_roll(db, &f.sec1, &id, now)
            .await
            .unwrap();
    }
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    let rule = o
        .cadence
        .iter()
        .find(|c| c.rule.kind == ActivityKind::GroupMeeting)
        .expect("a branch with groups has the 党小组会 rule");
    let month = rule
        .periods
        .iter()
        .find(|p| p.state == CheckState::Due)
        .expect("this month is under way and not met");
    assert_eq!((month.held, month.required), (1, 2));
    assert_eq!(
        month
            .short_groups
            .iter()
            .map(|g| g.id.as_str())
            .collect::<Vec<_>>(),
        [second.as_str()]
    );
    assert!(
        o.todos
            .iter()
            .any(|t| t.text.ends_with("还需开展党小组会：第二党小组")),
        "{:?}",
        o.todos
    );
    // The second group's meeting covers it.
    let id = app::activity::server::create(
        db,
        &f.sec1,
        &f.branch1,
        &form(
            ActivityKind::GroupMeeting,
            &format!("group:{second}"),
            start,
        ),
    )
    .await
    .unwrap()
    .unwrap();
    app::activity::server::close_roll(db, &f.sec1, &id, now)
        .await
        .unwrap();
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    let rule = o
        .cadence
        .iter()
        .find(|c| c.rule.kind == ActivityKind::GroupMeeting)
        .unwrap();
    let month = app::domain::time::year_month(now).unwrap().1 as usize - 1;
    assert_eq!(rule.periods[month].state, CheckState::Met);
}

async fn a_branch_without_a_committee_has_no_committee_rule(db: &Db) {
    let f = fixture(db).await;
    let kinds = async || {
        common::figures(db, &f.sec1, &f.branch1, None)
            .await
            .cadence
            .iter()
            .map(|c| c.rule.kind)
            .collect::<Vec<_>>()
    };
    // Three full members: no committee, so no 支委会 to hold.
    assert!(!kinds().await.contains(&ActivityKind::Committee));
    // Probationary members do not count towards it.
    let names = ["c1", "c2", "c3", "c4", "c5"];
    for (i, name) in names.iter().enumerate() {
        let u = extra_user(db, name, Role::Member, &f.branch1, None).await;
        if i == 0 {
            sqlx::query("UPDATE users SET standing = 'probationary' WHERE id = $1")
                .bind(&u.id)
                .execute(db.pool())
                .await
                .unwrap();
        }
    }
    // 3 + 4 full = 7.
    assert_eq!(3 + names.len() as u32 - 1, COMMITTEE_FROM_FULL_MEMBERS);
    assert!(kinds().await.contains(&ActivityKind::Committee));
}

async fn a_kind_must_fit_its_audience(db: &Db) {
    let f = fixture(db).await;
    let later = now_ms() + 3 * 24 * 3_600_000;
    for (kind, audience, message) in [
        (
            ActivityKind::Committee,
            "branch".to_owned(),
            "支部委员会的参加对象应为支部委员会委员",
        ),
        (
            ActivityKind::GroupMeeting,
            "branch".to_owned(),
            "党小组会的参加对象应为一个党小组",
        ),
        (
            ActivityKind::BranchMeeting,
            format!("group:{}", f.group1),
            "支部党员大会的参加对象应为全体党员",
        ),
    ] {
        let errors =
            app::activity::server::create(db, &f.sec1, &f.branch1, &form(kind, &audience, later))
                .await
                .unwrap()
                .unwrap_err();
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.field.as_str(), e.message.as_str()))
                .collect::<Vec<_>>(),
            [("audience", message)]
        );
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(n, 5, "nothing stored but the fixture's five");
    // A fitting audience is taken; editing it into a misfit is refused the same way.
    let id = app::activity::server::create(
        db,
        &f.sec1,
        &f.branch1,
        &form(ActivityKind::Committee, "committee", later),
    )
    .await
    .unwrap()
    .unwrap();
    let errors = app::activity::server::update(
        db,
        &f.sec1,
        &id,
        &form(ActivityKind::Committee, "branch", later),
        now_ms(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(errors[0].message, "支部委员会的参加对象应为支部委员会委员");
}

/// Over HTTP: the organiser closes the roll with the server function; a member cannot.
async fn closing_the_roll_over_http(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let member = sign_in(&base, "m1a").await;
    let r = member
        .post(format!("{base}/api/close_roll"))
        .form(&[("activity_id", f.past.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let secretary = sign_in(&base, "sec1").await;
    let r = secretary
        .post(format!("{base}/api/close_roll"))
        .form(&[("activity_id", f.past.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert!(roll_taken(db, &f.sec1, &f.past).await);
    let page = secretary
        .get(format!("{base}/activity/{}", f.past))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("点名已于"),
        "the record says the roll was closed"
    );
}

on_both_backends!(
    an_activity_counts_once_its_roll_is_taken,
    group_meetings_count_for_their_own_group,
    a_branch_without_a_committee_has_no_committee_rule,
    a_kind_must_fit_its_audience,
    closing_the_roll_over_http,
);
