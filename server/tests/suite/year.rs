//! The year as a first-class thing (issue 9, point 5): every figure page has a year in its
//! address and a picker; the server functions that return figures take the year, the current
//! one when it is left out. On both backends, in storage and over HTTP.

use crate::common;

use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::attendance::Mark;
use app::domain::cadence::{CheckState, DEFAULT_RULES};
use app::domain::participation::Attendance;
use app::domain::time::{year_bounds_ms, year_of};
use app::error::AppError;
use common::{fixture, serve, sign_in, v7};
use reqwest::StatusCode;

/// An activity of branch 1 in the middle of `year`, with `present` of its expected marked
/// present by hand (its roll taken) and the rest absent.
async fn activity_in(
    db: &Db,
    branch: &str,
    year: i32,
    topic: &str,
    expected: &[&CurrentUser],
    present: usize,
    by: &CurrentUser,
) -> String {
    let (start, _) = year_bounds_ms(year);
    let starts_at = start + 150 * 24 * 3_600_000;
    let id = v7().to_string();
    let ids: Vec<&str> = expected.iter().map(|u| u.id.as_str()).collect();
    let mut conn = db.pool().acquire().await.unwrap();
    app::activity::server::insert_activity(
        &mut conn,
        &app::activity::server::NewActivity {
            id: &id,
            org_id: branch,
            kind: "theme_day",
            topic,
            starts_at,
            ends_at: starts_at + 3_600_000,
            place: "",
            chair: "",
            recorder: "",
            audience: "branch",
            audience_group: None,
            status: "scheduled",
            proof_secret: &app::activity::server::new_proof_secret(),
            minutes: "记录",
            created_by: None,
            created_at: starts_at - 3_600_000,
            version: 0,
            expected: &ids,
        },
    )
    .await
    .unwrap();
    drop(conn);
    for (i, who) in expected.iter().enumerate() {
        let mark = if i < present {
            Mark::Present
        } else {
            Mark::Absent
        };
        app::activity::server::mark(db, by, &id, &who.id, mark, "", now_ms())
            .await
            .unwrap();
    }
    id
}

async fn last_years_figures_can_be_opened(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let this_year = year_of(now);
    let last_year = this_year - 1;
    let old = activity_in(
        db,
        &f.branch1,
        last_year,
        "去年的主题党日",
        &[&f.sec1, &f.m1a, &f.m1b],
        2,
        &f.sec1,
    )
    .await;
    // Left out: the current year, without last year's activity.
    let current = common::figures(db, &f.sec1, &f.branch1, None).await;
    assert!(current.current);
    assert_eq!(current.summary.year, this_year);
    assert!(current.activities.iter().all(|a| a.id != old));
    assert_eq!(
        current.years[..2],
        [this_year, last_year],
        "the picker offers last year"
    );
    // Asked for: last year, computed with that activity's own 应到, the cadence of a year that
    // is over (no period still due), and no to-do about now.
    let past = common::figures(db, &f.sec1, &f.branch1, Some(last_year)).await;
    assert!(!past.current);
    assert_eq!(past.summary.year, last_year);
    assert_eq!(
        past.activities
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        [old.as_str()]
    );
    assert_eq!(past.summary.year_figure.attendance, Attendance::new(3, 2));
    assert!(
        past.cadence
            .iter()
            .flat_map(|c| &c.periods)
            .all(|p| matches!(p.state, CheckState::Met | CheckState::Missed)),
        "a year that is over has nothing due"
    );
    assert!(past.leave_requests.is_empty());
    // The school's list takes the year too.
    let mine = app::branch::server::branches_year(db, &f.admin, now, Some(last_year), None)
        .await
        .unwrap();
    assert_eq!(mine.year, last_year);
    let b1 = mine.branches.iter().find(|b| b.id == f.branch1).unwrap();
    assert_eq!(b1.year_figure.attendance, Attendance::new(3, 2));
    // A year out of range is refused with the reason; another branch's year stays closed.
    for bad in [1999, this_year + 2] {
        assert!(matches!(
            app::branch::server::branch_year(
                db,
                &f.sec1,
                &f.branch1,
                &DEFAULT_RULES,
                now,
                Some(bad)
            )
            .await,
            Err(AppError::Invalid(_))
        ));
    }
    assert_eq!(
        app::branch::server::branch_year(
            db,
            &f.sec1,
            &f.branch2,
            &DEFAULT_RULES,
            now,
            Some(last_year)
        )
        .await
        .unwrap_err(),
        AppError::Forbidden
    );
}

async fn the_year_is_in_the_address_and_the_server_functions(db: &Db) {
    let f = fixture(db).await;
    let last_year = year_of(now_ms()) - 1;
    activity_in(
        db,
        &f.branch1,
        last_year,
        "去年的主题党日",
        &[&f.sec1, &f.m1a],
        1,
        &f.sec1,
    )
    .await;
    let base = serve(db).await;
    let sec = sign_in(&base, "sec1").await;
    let page = sec
        .get(format!("{base}/branch/{}?year={last_year}", f.branch1))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("{last_year}年开展的活动")),
        "the page shows that year"
    );
    assert!(page.contains("去年的主题党日"));
    assert!(
        page.contains(&format!("?year={last_year}")),
        "the picker links to it"
    );
    let json: serde_json::Value = sec
        .post(format!("{base}/api/branch_overview"))
        .form(&[
            ("branch_id", f.branch1.as_str()),
            ("year", &last_year.to_string()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["summary"]["year"], last_year);
    let r = sec
        .post(format!("{base}/api/branch_overview"))
        .form(&[("branch_id", f.branch1.as_str()), ("year", "1066")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = sec
        .post(format!("{base}/api/my_branches"))
        .form(&[("year", "abc")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

/// Moves the fixture's "last week" activity to 30 December of last year, so a phone's honest
/// late check-in (with a valid code for that moment) can be stored before the year closes.
async fn move_past_to_last_year(db: &Db, f: &common::Fixture) -> i64 {
    let (_, end) = year_bounds_ms(year_of(now_ms()) - 1);
    let starts_at = end - 2 * 24 * 3_600_000 + 10 * 3_600_000;
    sqlx::query("UPDATE activities SET starts_at = $2, ends_at = $3 WHERE id = $1")
        .bind(&f.past)
        .bind(starts_at)
        .bind(starts_at + 2 * 3_600_000)
        .execute(db.pool())
        .await
        .unwrap();
    starts_at
}

async fn a_closed_year_reads_the_same_and_refuses_late_changes(db: &Db) {
    use app::sync::protocol::{PushStatus, RejectCode};
    let f = fixture(db).await;
    let now = now_ms();
    let last_year = year_of(now) - 1;
    let at = move_past_to_last_year(db, &f).await + 60_000;
    let stored = f.checkin(v7(), &f.past, &f.m1a, at);
    let r = app::records::push(db, &f.m1a, None, vec![stored.clone()])
        .await
        .unwrap();
    assert_eq!(r.results[0].status, PushStatus::Accepted, "{:?}", r.results);
    let before = common::figures(db, &f.sec1, &f.branch1, Some(last_year)).await;
    assert_eq!(before.summary.year_figure.attendance, Attendance::new(3, 1));
    // Only the 总支's admin closes, and only a year that is over.
    for who in [&f.sec1, &f.m1a] {
        assert_eq!(
            app::branch::closing::close_year(db, who, &DEFAULT_RULES, last_year, now).await,
            Err(AppError::Forbidden)
        );
    }
    assert!(matches!(
        app::branch::closing::close_year(db, &f.admin, &DEFAULT_RULES, year_of(now), now).await,
        Err(AppError::Invalid(_))
    ));
    app::branch::closing::close_year(db, &f.admin, &DEFAULT_RULES, last_year, now)
        .await
        .unwrap();
    assert!(matches!(
        app::branch::closing::close_year(db, &f.admin, &DEFAULT_RULES, last_year, now).await,
        Err(AppError::Invalid(_))
    ));
    // A phone's retry of the record stored before the close is still a duplicate; a new one
    // about that year is refused with the reason, never an error that makes it retry forever.
    let r = app::records::push(db, &f.m1a, None, vec![stored])
        .await
        .unwrap();
    assert_eq!(
        r.results[0].status,
        PushStatus::Duplicate,
        "{:?}",
        r.results
    );
    let r = app::records::push(db, &f.m1b, None, vec![f.checkin(v7(), &f.past, &f.m1b, at)])
        .await
        .unwrap();
    assert_eq!(
        r.results[0].code,
        Some(RejectCode::ActivityOver),
        "{:?}",
        r.results
    );
    assert!(
        r.results[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("年度已封存")
    );
    // Every late change to that year's records is refused.
    let closed = |e: Result<(), AppError>| matches!(e, Err(AppError::Invalid(m)) if m.contains("年度已封存"));
    assert!(closed(
        app::activity::server::mark(db, &f.sec1, &f.past, &f.m1b.id, Mark::Present, "", now)
            .await
            .map(|_| ())
    ));
    assert!(closed(
        app::activity::server::save_minutes(db, &f.sec1, &f.past, "补记", now).await
    ));
    assert!(closed(
        app::activity::server::close_roll(db, &f.sec1, &f.past, now).await
    ));
    assert!(closed(
        app::activity::server::cancel(db, &f.sec1, &f.past, "补取消", now).await
    ));
    // The closed year reads the same, whatever changes around it later: a new 党小组 would
    // otherwise double last year's 党小组会 requirement.
    sqlx::query(
        "INSERT INTO organisations (id, parent_id, kind, name, sort_order) \
         VALUES ($1, $2, 'group', '第二党小组', 2)",
    )
    .bind(v7().to_string())
    .bind(&f.branch1)
    .execute(db.pool())
    .await
    .unwrap();
    let after = common::figures(db, &f.sec1, &f.branch1, Some(last_year)).await;
    assert_eq!(after.summary, before.summary);
    assert_eq!(after.activities, before.activities);
    assert_eq!(after.cadence, before.cadence);
    assert!(after.closing.as_ref().unwrap().closed_at.is_some());
    // Reopened by the 总支 with a reason: the change goes through and the trail keeps both.
    assert_eq!(
        app::branch::closing::reopen_year(db, &f.sec1, last_year, "更正", now).await,
        Err(AppError::Forbidden)
    );
    assert!(matches!(
        app::branch::closing::reopen_year(db, &f.admin, last_year, "  ", now).await,
        Err(AppError::Invalid(_))
    ));
    app::branch::closing::reopen_year(db, &f.admin, last_year, "张二的出席漏记，更正", now)
        .await
        .unwrap();
    app::activity::server::mark(db, &f.sec1, &f.past, &f.m1b.id, Mark::Present, "补正", now)
        .await
        .unwrap();
    app::branch::closing::close_year(db, &f.admin, &DEFAULT_RULES, last_year, now + 1)
        .await
        .unwrap();
    let redone = common::figures(db, &f.sec1, &f.branch1, Some(last_year)).await;
    assert_eq!(
        redone.summary.year_figure.attendance,
        Attendance::new(3, 2),
        "the snapshot is redone"
    );
    assert_ne!(
        redone.cadence, before.cadence,
        "with the 党小组 added since"
    );
    let trail = redone.closing.unwrap().trail;
    assert_eq!(
        trail
            .iter()
            .map(|t| (t.act.as_str(), t.reason.as_str()))
            .collect::<Vec<_>>(),
        [
            ("封存", ""),
            ("重新开启", "张二的出席漏记，更正"),
            ("封存", "")
        ]
    );
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE target = $1")
        .bind(format!("{last_year}年度"))
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(audited, 3);
}

/// A campaign of a closed year is part of its record: its dates, its questions and pending
/// revisions take no change, and no campaign is moved into the closed year.
async fn a_closed_years_campaign_takes_no_change(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let last_year = year_of(now) - 1;
    let this_years = crate::survey::open_campaign(db, &f).await;
    let last_years = crate::survey::open_campaign(db, &f).await;
    sqlx::query("UPDATE survey_campaigns SET opens_on = $2, closes_on = $3 WHERE id = $1")
        .bind(&last_years)
        .bind(format!("{last_year}-11-01"))
        .bind(format!("{last_year}-11-30"))
        .execute(db.pool())
        .await
        .unwrap();
    app::branch::closing::close_year(db, &f.admin, &DEFAULT_RULES, last_year, now)
        .await
        .unwrap();
    let details = |opens_on: String| app::survey::CampaignDetails {
        title: "改名".into(),
        period: format!("{last_year}年度"),
        opens_on,
        closes_on: format!("{}-12-31", year_of(now)),
        rating_year: None,
    };
    let closed = |r: Result<_, AppError>| match r {
        Err(AppError::Invalid(m)) => assert!(m.contains("已封存"), "{m}"),
        other => panic!("expected the closed year's refusal, got {other:?}"),
    };
    closed(
        app::survey::server::change_details(
            db,
            &f.admin,
            &last_years,
            &details(format!("{last_year}-11-01")),
        )
        .await,
    );
    closed(
        app::survey::server::change_details(
            db,
            &f.sec1,
            &this_years,
            &details(format!("{last_year}-12-01")),
        )
        .await,
    );
    let mut def = app::domain::ballot::Definition::seed("第一党支部");
    def.comment = !def.comment;
    closed(
        app::survey::server::revise_campaign(db, &f.admin, &last_years, &def, now)
            .await
            .map(|_| ()),
    );
    // Nor do its figures move into the closed year's rating, by the period's year or by
    // the rating year chosen.
    let this_year = |rating_year| app::survey::CampaignDetails {
        period: format!("{}年度", year_of(now)),
        rating_year,
        ..details(format!("{}-01-01", year_of(now)))
    };
    closed(
        app::survey::server::change_details(
            db,
            &f.sec1,
            &this_years,
            &details(format!("{}-01-01", year_of(now))),
        )
        .await,
    );
    closed(
        app::survey::server::change_details(db, &f.sec1, &this_years, &this_year(Some(last_year)))
            .await,
    );
    // This year's campaign still changes within this year.
    app::survey::server::change_details(db, &f.sec1, &this_years, &this_year(None))
        .await
        .unwrap();
    app::survey::server::change_details(db, &f.sec1, &this_years, &this_year(Some(year_of(now))))
        .await
        .unwrap();
}

on_both_backends!(
    a_closed_years_campaign_takes_no_change,
    a_closed_year_reads_the_same_and_refuses_late_changes,
    last_years_figures_can_be_opened,
    the_year_is_in_the_address_and_the_server_functions,
);
