//! The 争创活动 and its phases (issue 11 point 1) on both backends: set by a school's admin (or
//! a bureau's admin for all its schools, until a school sets its own), refused to everyone
//! else and refused whole when a phase is wrong; every signed-in page says where today falls,
//! and the phase's deadline is on the branch's to-do list.

use crate::common;

use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::drive::{Drive, Phase, PhaseKind};
use app::domain::role::Role;
use app::domain::time::{date_of, year_of};
use app::drive::Source;
use app::drive::server::{now_for, save, setup};
use app::error::AppError;
use chrono::{Datelike, Days, NaiveDate};
use common::{fixture, serve, sign_in};
use reqwest::StatusCode;

/// Two phases around `today`: 查找问题 over, 公开承诺 since three days, its letters due in six.
fn drive_around(today: NaiveDate, title: &str) -> Drive {
    let y = today.year();
    let phase = |kind: PhaseKind, starts_on, ends_on, deadline| Phase {
        kind,
        name: kind.label().to_owned(),
        starts_on,
        ends_on,
        deadline,
    };
    Drive {
        title: title.to_owned(),
        start_year: y - 1,
        end_year: y + 1,
        phases: vec![
            phase(
                PhaseKind::FindProblems,
                today - Days::new(30),
                today - Days::new(4),
                None,
            ),
            phase(
                PhaseKind::Commit,
                today - Days::new(3),
                today + Days::new(20),
                Some(today + Days::new(6)),
            ),
        ],
    }
}

/// What the banner says today of [`drive_around`].
fn expected_line(today: NaiveDate) -> String {
    let due = today + Days::new(6);
    format!(
        "第二阶段：公开承诺，还有 6 天，{}月{}日前公开承诺书",
        due.month(),
        due.day()
    )
}

async fn named(db: &Db, username: &str) -> CurrentUser {
    let password = app::auth::server::Password::new(common::PASSWORD);
    app::auth::server::sign_in(db, username, password, 60_000)
        .await
        .unwrap()
        .1
}

async fn line(db: &Db, who: &CurrentUser) -> Option<String> {
    now_for(db, who, now_ms())
        .await
        .unwrap()
        .and_then(|n| n.line)
}

async fn the_general_branch_sets_its_drive_and_every_page_says_where_today_falls(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let today = date_of(now).unwrap();
    for who in [&f.sec1, &f.m1a] {
        assert_eq!(
            save(db, who, drive_around(today, "x"), now).await,
            Err(AppError::Forbidden)
        );
        assert_eq!(setup(db, who, now).await.unwrap_err(), AppError::Forbidden);
    }
    // None yet: the admin is asked to set it, the members see nothing.
    let n = now_for(db, &f.admin, now).await.unwrap().unwrap();
    assert!(n.may_set && n.line.is_none() && n.title.is_empty(), "{n:?}");
    assert_eq!(now_for(db, &f.m1a, now).await.unwrap(), None);
    let s = setup(db, &f.admin, now).await.unwrap();
    assert_eq!(s.source, Source::Suggested);
    assert_eq!(s.drive, Drive::seed(year_of(now)));
    // A wrong phase refuses the whole and stores nothing.
    let mut overlapping = drive_around(today, "争创活动");
    overlapping.phases[1].starts_on = overlapping.phases[0].ends_on;
    match save(db, &f.admin, overlapping, now).await {
        Err(AppError::Invalid(m)) => assert!(m.contains("第二阶段"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM drives")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);

    save(db, &f.admin, drive_around(today, "争创活动"), now)
        .await
        .unwrap();
    for who in [&f.m1a, &f.sec1, &f.admin, &f.m2a] {
        assert_eq!(
            line(db, who).await.as_deref(),
            Some(expected_line(today).as_str()),
            "{}",
            who.username
        );
    }
    let s = setup(db, &f.admin, now).await.unwrap();
    assert_eq!(s.source, Source::Own);
    assert_eq!(s.drive, drive_around(today, "争创活动"));
    assert!(s.updated.is_some());
    // The phase's deadline is on the branch's to-do list.
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    assert!(
        o.todos.iter().any(|t| t
            .text
            .starts_with("第二阶段（公开承诺）：公开承诺书，接受群众监督，须在")
            && t.text.ends_with("还有 6 天")),
        "{:?}",
        o.todos
    );
    // The 总支 owes its own letter too: the line is on its list, linking its own letter.
    let general = app::branch::server::my_branches(db, &f.admin, now)
        .await
        .unwrap()
        .todos;
    assert!(
        general
            .iter()
            .any(|t| t.text.starts_with("第二阶段（公开承诺）")
                && t.href.as_deref()
                    == Some(&format!(
                        "/branch/{}/letter?year={}",
                        f.school,
                        year_of(now)
                    ))),
        "{general:?}"
    );
    // Once the branch's letter is public, the phase asks nothing more of it.
    let year = year_of(now);
    let letter = ("第一党支部承诺书", "一、每月开展主题党日。");
    app::letter::server::save(db, &f.sec1, &f.branch1, year, letter, true, now)
        .await
        .unwrap();
    app::letter::server::decide(db, &f.admin, &f.branch1, year, true, "", now)
        .await
        .unwrap();
    app::letter::server::publish(db, &f.sec1, &f.branch1, year, now)
        .await
        .unwrap();
    let o = common::figures(db, &f.sec1, &f.branch1, None).await;
    assert!(
        !o.todos.iter().any(|t| t.text.starts_with("第二阶段")),
        "{:?}",
        o.todos
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'drive_setup'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);
    // Another school's people see nothing of it.
    let other_school = uuid::Uuid::now_v7().to_string();
    let other =
        common::extra_user(db, "oadmin", Role::Admin, &other_school, Some("第二中学")).await;
    let n = now_for(db, &other, now).await.unwrap().unwrap();
    assert!(n.line.is_none() && n.title.is_empty(), "{n:?}");
    // Once every phase is over, members see nothing and the admin is told so.
    let mut over = drive_around(today, "去年的活动");
    over.phases.truncate(1);
    save(db, &f.admin, over, now).await.unwrap();
    assert_eq!(now_for(db, &f.m1a, now).await.unwrap(), None);
    let n = now_for(db, &f.admin, now).await.unwrap().unwrap();
    assert_eq!((n.line, n.title.as_str()), (None, "去年的活动"));
}

async fn a_bureaus_drive_reaches_its_schools_until_a_school_sets_its_own(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let today = date_of(now).unwrap();
    common::bureau(db, &[&f.school], "bviewer", "badmin").await;
    let (badmin, bviewer) = (named(db, "badmin").await, named(db, "bviewer").await);
    assert_eq!(
        save(db, &bviewer, drive_around(today, "x"), now).await,
        Err(AppError::Forbidden)
    );
    save(db, &badmin, drive_around(today, "全县争创活动"), now)
        .await
        .unwrap();
    for who in [&f.m1a, &f.admin, &bviewer, &badmin] {
        assert_eq!(
            line(db, who).await.as_deref(),
            Some(expected_line(today).as_str()),
            "{}",
            who.username
        );
    }
    let s = setup(db, &f.admin, now).await.unwrap();
    assert_eq!(s.source, Source::Bureau);
    assert_eq!(s.drive.title, "全县争创活动");
    // The school's own comes first for its people; the bureau keeps its own.
    let mut own = drive_around(today, "本校争创活动");
    own.phases[1].name = "承诺公示".into();
    save(db, &f.admin, own, now).await.unwrap();
    let mine = line(db, &f.m1a).await.unwrap();
    assert!(mine.starts_with("第二阶段：承诺公示"), "{mine}");
    assert_eq!(
        line(db, &bviewer).await.as_deref(),
        Some(expected_line(today).as_str())
    );
    assert_eq!(setup(db, &f.admin, now).await.unwrap().source, Source::Own);
}

async fn the_form_and_the_banner_over_http(db: &Db) {
    let f = fixture(db).await;
    let today = date_of(now_ms()).unwrap();
    let base = serve(db).await;
    let admin = sign_in(&base, "admin").await;
    let page = admin
        .get(format!("{base}/drive"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("保存争创活动"), "{page}");
    assert!(
        page.contains("尚未设置争创活动的阶段和日期"),
        "the banner asks"
    );
    let res = sign_in(&base, "sec1")
        .await
        .get(format!("{base}/drive"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let d = |n: u64, later: bool| {
        if later {
            (today + Days::new(n)).to_string()
        } else {
            (today - Days::new(n)).to_string()
        }
    };
    let y = today.year();
    let mut form = vec![
        ("form[title]", "创五星、争红旗".to_owned()),
        ("form[start_year]", (y - 1).to_string()),
        ("form[end_year]", (y + 1).to_string()),
        ("form[phases][0][kind]", "find_problems".into()),
        ("form[phases][0][name]", String::new()),
        ("form[phases][0][starts_on]", d(30, false)),
        ("form[phases][0][ends_on]", d(4, false)),
        ("form[phases][0][deadline]", String::new()),
        // An unused row in between is left out.
        ("form[phases][1][kind]", String::new()),
        ("form[phases][1][starts_on]", String::new()),
        ("form[phases][2][kind]", "commit".into()),
        ("form[phases][2][name]", "公开承诺".into()),
        ("form[phases][2][starts_on]", d(3, false)),
        ("form[phases][2][ends_on]", d(20, true)),
        ("form[phases][2][deadline]", d(6, true)),
    ];
    let post = |form: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        let base = base.clone();
        async move {
            admin
                .post(format!("{base}/api/drive_save"))
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    // A date that is no date: refused with the reason, nothing stored.
    let mut bad = form.clone();
    bad[5].1 = "三月一日".into();
    let res = post(bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text().await.unwrap().contains("第一阶段的开始日期"),
        "the reason"
    );
    let res = post(form.clone()).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let member_page = sign_in(&base, "m1a")
        .await
        .get(format!("{base}/me"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        member_page.contains(&expected_line(today)),
        "the member's page carries the phase"
    );
    assert!(
        !member_page.contains(r#"href="/drive""#),
        "no setting for members"
    );
    // The sign-in page carries nothing and stays a 200.
    let res = common::client()
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!res.text().await.unwrap().contains("phase-banner"));
    form[0].1 = " ".into();
    assert_eq!(post(form).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved = setup(db, &f.admin, now_ms()).await.unwrap();
    assert_eq!(saved.drive.title, "创五星、争红旗");
    assert_eq!(saved.drive.phases.len(), 2);
}

on_both_backends!(
    the_general_branch_sets_its_drive_and_every_page_says_where_today_falls,
    a_bureaus_drive_reaches_its_schools_until_a_school_sets_its_own,
    the_form_and_the_banner_over_http,
);
