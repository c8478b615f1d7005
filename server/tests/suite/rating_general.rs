//! The 总支's own rating (issue 10 point 3) on both backends: every criterion attested, entered
//! by the 总支's admin and approved by the bureau's admin — or by the 总支 itself where there
//! is no bureau; read by the bureau, never by the branches; the page and the JSON API.

use crate::common;

use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::rating::{Level, State};
use app::domain::role::Role;
use app::domain::time::year_of;
use app::error::AppError;
use app::rating::server::{view, write};
use app::state::RuntimeConfig;
use common::{fixture, serve, sign_in};
use reqwest::StatusCode;

async fn school_rating(db: &Db, who: &CurrentUser, school: &str) -> app::rating::RatingView {
    view(db, who, &RuntimeConfig::default(), school, None, now_ms())
        .await
        .unwrap()
}

async fn named(db: &Db, username: &str) -> CurrentUser {
    let password = app::auth::server::Password::new(common::PASSWORD);
    app::auth::server::sign_in(db, username, password, 60_000)
        .await
        .unwrap()
        .1
}

fn state_of(v: &app::rating::RatingView, key: &str) -> State {
    v.report
        .rating
        .criteria()
        .find(|c| c.key == key)
        .unwrap_or_else(|| panic!("no criterion {key}"))
        .state
}

async fn submit(db: &Db, who: &CurrentUser, school: &str, criterion: &str) -> Result<(), AppError> {
    write::save_evidence(
        db,
        who,
        &RuntimeConfig::default(),
        &write::NewEvidence {
            org_id: school,
            year: year_of(now_ms()),
            criterion,
            body: "总支全年党员参与率 93.1%（见各支部评定）",
            links: "",
            submit: true,
        },
        now_ms(),
    )
    .await
}

async fn decide(db: &Db, who: &CurrentUser, school: &str, criterion: &str) -> Result<(), AppError> {
    let year = year_of(now_ms());
    write::decide_evidence(db, who, school, year, criterion, true, "", now_ms()).await
}

async fn the_bureau_approves_the_general_branchs_own_evidence(db: &Db) {
    let f = fixture(db).await;
    common::bureau(db, &[&f.school], "bviewer", "badmin").await;
    let badmin = named(db, "badmin").await;
    let bviewer = named(db, "bviewer").await;
    let v = school_rating(db, &f.admin, &f.school).await;
    assert!(v.general && v.may_submit && !v.may_decide);
    assert_eq!(v.report.org_id, f.school);
    // Every criterion waits for evidence, computed ones included.
    assert!(
        v.report
            .rating
            .criteria()
            .all(|c| c.state == State::AwaitingEvidence),
        "{:?}",
        v.report.rating
    );
    assert_eq!(v.report.rating.stars, 0);
    // The branches do not read it; another school's admin neither.
    for who in [&f.sec1, &f.m1a] {
        let refused = view(
            db,
            who,
            &RuntimeConfig::default(),
            &f.school,
            None,
            now_ms(),
        )
        .await;
        assert_eq!(refused.unwrap_err(), AppError::Forbidden);
    }
    let other = uuid::Uuid::now_v7().to_string();
    let admin2 = common::extra_user(db, "admin2", Role::Admin, &other, Some("二中党总支")).await;
    let refused = view(
        db,
        &admin2,
        &RuntimeConfig::default(),
        &f.school,
        None,
        now_ms(),
    )
    .await;
    assert_eq!(refused.unwrap_err(), AppError::Forbidden);
    // The 总支 submits; only the bureau's admin decides; the bureau's viewer reads.
    submit(db, &f.admin, &f.school, "participation")
        .await
        .unwrap();
    assert_eq!(
        submit(db, &f.sec1, &f.school, "participation")
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    for who in [&f.admin, &bviewer, &f.sec1] {
        assert_eq!(
            decide(db, who, &f.school, "participation")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
    }
    let read = school_rating(db, &bviewer, &f.school).await;
    assert!(!read.may_submit && !read.may_decide);
    assert_eq!(state_of(&read, "participation"), State::AwaitingApproval);
    let theirs = school_rating(db, &badmin, &f.school).await;
    assert!(theirs.may_decide && !theirs.may_submit);
    decide(db, &badmin, &f.school, "participation")
        .await
        .unwrap();
    let v = school_rating(db, &f.admin, &f.school).await;
    assert_eq!(state_of(&v, "participation"), State::Met);
    // Everything approved: five stars and 红旗.
    let keys: Vec<String> = v
        .report
        .rating
        .criteria()
        .filter(|c| c.key != "participation")
        .map(|c| c.key.clone())
        .collect();
    for key in &keys {
        submit(db, &f.admin, &f.school, key).await.unwrap();
        decide(db, &badmin, &f.school, key).await.unwrap();
    }
    let v = school_rating(db, &bviewer, &f.school).await;
    assert_eq!(
        (v.report.rating.stars, v.report.rating.level),
        (5, Level::RedFlag)
    );
    // The branch's own rating is untouched: still its computed criteria.
    let branch = view(
        db,
        &f.sec1,
        &RuntimeConfig::default(),
        &f.branch1,
        None,
        now_ms(),
    )
    .await
    .unwrap();
    assert!(!branch.general);
    assert_ne!(state_of(&branch, "participation"), State::AwaitingEvidence);
}

async fn without_a_bureau_the_general_branch_decides_its_own(db: &Db) {
    let f = fixture(db).await;
    let v = school_rating(db, &f.admin, &f.school).await;
    assert!(v.may_submit && v.may_decide);
    submit(db, &f.admin, &f.school, "funding").await.unwrap();
    decide(db, &f.admin, &f.school, "funding").await.unwrap();
    let v = school_rating(db, &f.admin, &f.school).await;
    assert_eq!(state_of(&v, "funding"), State::Met);
    let trail = &v
        .evidence
        .iter()
        .find(|e| e.criterion == "funding")
        .expect("the criterion's evidence")
        .trail;
    assert!(trail.len() >= 2, "{trail:?}");
}

async fn the_page_and_the_json_show_it(db: &Db) {
    let f = fixture(db).await;
    common::bureau(db, &[&f.school], "bviewer", "badmin").await;
    let base = serve(db).await;
    let url = format!("{base}/api/v1/orgs/{}/rating", f.school);
    for (who, status) in [
        ("admin", StatusCode::OK),
        ("bviewer", StatusCode::OK),
        ("sec1", StatusCode::FORBIDDEN),
        ("m1a", StatusCode::FORBIDDEN),
    ] {
        let res = sign_in(&base, who).await.get(&url).send().await.unwrap();
        assert_eq!(res.status(), status, "{who}");
    }
    let admin = sign_in(&base, "admin").await;
    let page = admin
        .get(format!("{base}/branch/{}/rating", f.school))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("总支自身评定"), "{page}");
    assert!(!page.contains("党员参与率（按月）"), "no branch charts");
    let overview = admin
        .get(format!("{base}/rating"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        overview.contains(&format!("/branch/{}/rating", f.school)),
        "the dashboard links the 总支's own rating"
    );
    assert_eq!(
        overview.matches("<details class=\"charts\">").count(),
        2,
        "each branch's charts, folded"
    );
}

/// The sheets of the year's archive `who` downloads.
async fn archive_sheets(base: &str, who: &str) -> Vec<(String, String)> {
    use calamine::Reader;
    let res = sign_in(base, who)
        .await
        .get(format!("{base}/rating/archive.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{who}");
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = book.worksheet_range(&n).unwrap();
            let title = range
                .get_value((0, 0))
                .map(|c| c.to_string())
                .unwrap_or_default();
            (n, title)
        })
        .collect()
}

async fn the_archive_holds_the_general_branchs_rating_for_its_readers(db: &Db) {
    let f = fixture(db).await;
    common::bureau(db, &[&f.school], "bviewer", "badmin").await;
    let base = serve(db).await;
    for who in ["admin", "bviewer"] {
        let sheets = archive_sheets(&base, who).await;
        assert!(sheets.len() >= 3, "{who}: {sheets:?}");
        let (first, title) = &sheets[0];
        assert!(first.ends_with("总支"), "{who}: the 总支 first: {sheets:?}");
        assert!(title.contains("年度创五星、争红旗评定"), "{title}");
        assert_eq!(
            sheets.iter().filter(|(n, _)| n.ends_with("总支")).count(),
            1,
            "{who}: {sheets:?}"
        );
    }
    // A branch's secretary reads its own branch only, not the 总支's rating (and the sheet of
    // the year's plans).
    let sheets = archive_sheets(&base, "sec1").await;
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["第一党支部", "年度争创方案", "承诺书与群众监督"],
        "{sheets:?}"
    );
}

on_both_backends!(
    the_bureau_approves_the_general_branchs_own_evidence,
    without_a_bureau_the_general_branch_decides_its_own,
    the_page_and_the_json_show_it,
    the_archive_holds_the_general_branchs_rating_for_its_readers,
);
