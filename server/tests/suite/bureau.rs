//! Above the school (issue 9, point 3), on both backends: an education bureau (教育局) holds
//! several schools; its viewer reads every school's figures and records over HTTP and changes
//! nothing; its admin adds schools (with a first admin, who signs in with the invite code) and
//! viewers; another bureau sees none of it; and a county deployment is set up as a bureau.

use crate::common;

use app::auth::server::{Password, sign_in};
use app::bureau::server::{NewSchool, add_school, add_viewer, overview};
use app::db::{Db, now_ms};
use app::domain::role::Role;
use app::error::AppError;
use common::{PASSWORD, fixture};
use reqwest::StatusCode;

async fn a_bureau_viewer_reads_every_school_and_changes_nothing(db: &Db) {
    let f = fixture(db).await;
    let school2 = uuid::Uuid::now_v7().to_string();
    let admin2 =
        common::extra_user(db, "admin2", Role::Admin, &school2, Some("城关二中党总支")).await;
    let branch3 = app::school::server::add(
        db,
        &admin2,
        app::school::OrgKind::Branch,
        "",
        "二中第一党支部",
        now_ms(),
    )
    .await
    .unwrap();
    common::bureau(db, &[&f.school, &school2], "bviewer", "badmin").await;
    common::bureau(db, &[], "elsewhere", "elsewhere-admin").await;
    let base = common::serve(db).await;
    let viewer = common::sign_in(&base, "bviewer").await;

    // The bureau picks one school at a time: first the schools, with their branches counted.
    let list = |school: Option<&str>| {
        let mut form = Vec::new();
        if let Some(s) = school {
            form.push(("school", s.to_owned()));
        }
        viewer
            .post(format!("{base}/api/my_branches"))
            .form(&form)
            .send()
    };
    let mine: serde_json::Value = list(None)
        .await
        .expect("schools")
        .json()
        .await
        .expect("json");
    assert_eq!(mine["branches"].as_array().expect("branches").len(), 0);
    let schools: Vec<(String, u64)> = mine["schools"]
        .as_array()
        .expect("schools")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().expect("name").to_owned(),
                s["branches"].as_u64().expect("count"),
            )
        })
        .collect();
    assert_eq!(
        schools,
        [
            ("测试学校党总支".to_owned(), 2),
            ("城关二中党总支".to_owned(), 1)
        ]
    );
    // Then a school's branches, each named with its school.
    let named = |json: &serde_json::Value| -> Vec<(String, String)> {
        json["branches"]
            .as_array()
            .expect("branches")
            .iter()
            .map(|b| {
                (
                    b["school"].as_str().unwrap_or("").to_owned(),
                    b["name"].as_str().expect("name").to_owned(),
                )
            })
            .collect()
    };
    let first: serde_json::Value = list(Some(&f.school))
        .await
        .expect("first")
        .json()
        .await
        .expect("json");
    assert_eq!(
        named(&first),
        [
            ("测试学校党总支".to_owned(), "第一党支部".to_owned()),
            ("测试学校党总支".to_owned(), "第二党支部".to_owned()),
        ]
    );
    assert_eq!(first["school"].as_str(), Some(f.school.as_str()));
    let second: serde_json::Value = list(Some(&school2))
        .await
        .expect("second")
        .json()
        .await
        .expect("json");
    assert_eq!(
        named(&second),
        [("城关二中党总支".to_owned(), "二中第一党支部".to_owned())]
    );
    // A school that is not the bureau's, or no school at all, is not found.
    let res = list(Some("no-such-school")).await.expect("answer");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = viewer
        .get(format!("{base}/branch?school={}", f.school))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("第二党支部") && !page.contains("二中第一党支部"),
        "one school's cards"
    );
    assert!(page.contains("换一所学校"), "the picker stays a click away");
    // The same figures the school's own admin reads.
    let theirs = common::figures(db, &f.admin, &f.branch1, None).await;
    let json: serde_json::Value = viewer
        .post(format!("{base}/api/branch_overview"))
        .form(&[("branch_id", f.branch1.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        json["summary"]["year_figure"],
        serde_json::to_value(&theirs.summary.year_figure).unwrap()
    );
    for page in [
        "/branch".to_owned(),
        format!("/branch/{}", f.branch1),
        format!("/branch/{branch3}"),
        format!("/activity/{}", f.past),
        "/bureau".to_owned(),
    ] {
        let res = viewer.get(format!("{base}{page}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        let body = res.text().await.unwrap();
        assert!(!body.contains("安排活动"), "{page} offers no change");
    }

    // Nothing changes: every write refused, over HTTP and underneath.
    let writes: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            "/api/cancel_activity".into(),
            vec![("id", f.next_week.clone()), ("reason", "x".into())],
        ),
        (
            "/api/close_roll".into(),
            vec![("activity_id", f.today.clone())],
        ),
        (
            "/api/school_add".into(),
            vec![
                ("group", "false".into()),
                ("parent_id", String::new()),
                ("name", "局里加的".into()),
            ],
        ),
        ("/api/close_year".into(), vec![("year", "2020".into())]),
        (
            "/api/create_invites".into(),
            vec![("branch_id", f.branch1.clone())],
        ),
        (
            "/api/bureau_add_school".into(),
            vec![
                ("school_name", "三中".into()),
                ("committee_name", String::new()),
                ("admin_name", "王".into()),
                ("admin_username", "sanzhong".into()),
            ],
        ),
    ];
    for (path, form) in &writes {
        let res = viewer
            .post(format!("{base}{path}"))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{path}: {}",
            res.status()
        );
    }
    let bviewer = sign_in(db, "bviewer", Password::new(PASSWORD), 60_000)
        .await
        .unwrap()
        .1;
    assert_eq!(bviewer.role, Role::BureauViewer);
    let now = now_ms();
    assert_eq!(
        app::activity::server::cancel(db, &bviewer, &f.next_week, "x", now)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        app::roster::server::members(db, &bviewer, &f.branch1)
            .await
            .unwrap_err(),
        AppError::Forbidden,
        "the roster (names, phones) is the school's"
    );
    let status = common::figures(db, &f.admin, &f.branch1, None).await;
    assert_eq!(status.summary, theirs.summary, "nothing moved");

    // Another bureau's viewer sees none of these schools.
    let elsewhere = common::sign_in(&base, "elsewhere").await;
    let res = elsewhere
        .post(format!("{base}/api/branch_overview"))
        .form(&[("branch_id", f.branch1.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let theirs: serde_json::Value = elsewhere
        .post(format!("{base}/api/my_branches"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(theirs["branches"].as_array().expect("branches").len(), 0);
    assert_eq!(theirs["schools"].as_array().expect("schools").len(), 0);
    let res = elsewhere
        .post(format!("{base}/api/my_branches"))
        .form(&[("school", f.school.as_str())])
        .send()
        .await
        .expect("answer");
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "another bureau's school"
    );
}

async fn the_bureau_admin_adds_schools_and_viewers(db: &Db) {
    let f = fixture(db).await;
    common::bureau(db, &[&f.school], "bviewer", "badmin").await;
    let badmin = sign_in(db, "badmin", Password::new(PASSWORD), 60_000)
        .await
        .unwrap()
        .1;
    let bviewer = sign_in(db, "bviewer", Password::new(PASSWORD), 60_000)
        .await
        .unwrap()
        .1;
    let now = now_ms();
    let new = NewSchool {
        school_name: "城关三小",
        committee_name: "",
        admin_name: "周校长",
        admin_username: "zhou3",
    };
    let invite = add_school(db, &badmin, &new, now).await.unwrap();
    assert_eq!(invite.username, "zhou3");
    // Twice the same name, a bad name: refused with the reason.
    for (new, says) in [
        (&new, "已有学校"),
        (
            &NewSchool {
                school_name: " ",
                ..new
            },
            "学校名称",
        ),
    ] {
        match add_school(db, &badmin, new, now).await {
            Err(AppError::Invalid(m)) => assert!(m.contains(says), "{m}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    // Only the bureau's admin adds.
    for who in [&bviewer, &f.admin, &f.sec1] {
        assert_eq!(
            add_school(
                db,
                who,
                &NewSchool {
                    school_name: "城关五小",
                    ..new
                },
                now
            )
            .await
            .unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            add_viewer(db, who, "某人", "someone", now)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
    }
    // The new school's admin sets a password with the code and runs their (empty) school.
    app::roster::server::accept_invite(
        db,
        "zhou3",
        &invite.code,
        Password::new("san-xiao-2026"),
        now,
    )
    .await
    .unwrap();
    let zhou = sign_in(db, "zhou3", Password::new("san-xiao-2026"), 60_000)
        .await
        .unwrap()
        .1;
    assert_eq!(
        (zhou.role, zhou.org_name.as_str()),
        (Role::Admin, "城关三小党总支")
    );
    let branch = app::school::server::add(
        db,
        &zhou,
        app::school::OrgKind::Branch,
        "",
        "三小党支部",
        now,
    )
    .await
    .unwrap();
    // The fixture's school stays its own: the new admin runs none of it.
    assert_eq!(
        app::roster::server::members(db, &zhou, &f.branch1)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    // A viewer, added; the bureau's page lists both schools, their admins and the viewers.
    let v = add_viewer(db, &badmin, "督导员", "duban", now)
        .await
        .unwrap();
    assert_eq!(v.username, "duban");
    let page = overview(db, &bviewer).await.unwrap();
    assert!(!page.may_add);
    let names: Vec<&str> = page.schools.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["测试学校党总支", "城关三小"]);
    let third = &page.schools[1];
    assert_eq!((third.branches, third.admins.len()), (1, 1));
    assert!(third.admins[0].activated);
    let mut viewers: Vec<&str> = page.viewers.iter().map(|a| a.username.as_str()).collect();
    viewers.sort_unstable();
    assert_eq!(viewers, ["bviewer", "duban"]);
    assert!(
        !page
            .viewers
            .iter()
            .any(|a| a.username == "duban" && a.activated)
    );
    // The bureau's viewer reads the new school's branch.
    common::figures(db, &bviewer, &branch, None).await;
    assert_eq!(
        overview(db, &f.admin).await.unwrap_err(),
        AppError::Forbidden,
        "a school's admin has no bureau page"
    );
    // Usernames are per school: another new school's admin may be a zhou3 too, and the
    // activated zhou3 still signs in alone.
    add_school(
        db,
        &badmin,
        &NewSchool {
            school_name: "城关四小",
            ..new
        },
        now,
    )
    .await
    .expect("a username of another school is free");
    let again = sign_in(db, "zhou3", Password::new("san-xiao-2026"), 60_000)
        .await
        .unwrap()
        .1;
    assert_eq!(again.id, zhou.id);
}

/// A county deployment starts as a bureau: set up from the command line's path, its first
/// admin is the bureau's.
async fn a_county_is_set_up_as_a_bureau(db: &Db) {
    let setup =
        app::domain::setup::check_bureau_setup("城关县教育局", "", "李局长", "county").unwrap();
    let done = app::setup::server::set_up(
        db,
        &setup,
        app::setup::server::FirstPassword::Invite,
        now_ms(),
    )
    .await
    .unwrap();
    assert_eq!(done.admin.role, Role::BureauAdmin);
    assert_eq!(done.admin.org_name, "城关县教育局党委");
    let kind: String = sqlx::query_scalar("SELECT kind FROM organisations WHERE id = $1")
        .bind(&done.admin.org_id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(kind, "bureau");
    let page = overview(db, &done.admin).await.unwrap();
    assert!(page.may_add && page.schools.is_empty());
    assert_eq!(page.name, "城关县教育局");
}

on_both_backends!(
    a_bureau_viewer_reads_every_school_and_changes_nothing,
    the_bureau_admin_adds_schools_and_viewers,
    a_county_is_set_up_as_a_bureau,
);
