//! The organisation tree in the app (issue 9, point 2): the 总支 adds, renames, reorders and
//! archives branches and 党小组 and appoints secretaries; nobody else may; every act is in the
//! audit log. On both backends, in storage and over HTTP.

use crate::common;

use app::auth::CurrentUser;
use app::db::{Db, now_ms};
use app::domain::role::Role;
use app::error::AppError;
use app::school::server::{add, archive, move_one, rename, set_secretary, tree};
use app::school::{OrgKind, SchoolTree};
use common::{extra_user, fixture, serve, sign_in};
use reqwest::StatusCode;

fn names(tree: &SchoolTree) -> Vec<String> {
    tree.branches.iter().map(|b| b.name.clone()).collect()
}

async fn audited(db: &Db, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn the_school_admin_shapes_the_tree(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let t = tree(db, &f.admin).await.unwrap();
    assert_eq!(names(&t), ["第一党支部", "第二党支部"]);
    let first = &t.branches[0];
    assert_eq!(first.groups.len(), 1);
    assert!(
        first
            .people
            .iter()
            .any(|p| p.name == "王书记" && p.secretary)
    );

    let third = add(db, &f.admin, OrgKind::Branch, "", " 第三党支部 ", now)
        .await
        .unwrap();
    add(
        db,
        &f.admin,
        OrgKind::Group,
        &third,
        "第三支部第一党小组",
        now,
    )
    .await
    .unwrap();
    let t = tree(db, &f.admin).await.unwrap();
    assert_eq!(names(&t), ["第一党支部", "第二党支部", "第三党支部"]);
    assert_eq!(t.branches[2].groups[0].name, "第三支部第一党小组");
    // The new branch is one the admin runs at once (its page, its roster).
    app::org::server::organised_branch(db, &f.admin, &third)
        .await
        .unwrap();

    move_one(db, &f.admin, &third, true).await.unwrap();
    move_one(db, &f.admin, &third, true).await.unwrap();
    move_one(db, &f.admin, &third, true).await.unwrap(); // already first: stays
    rename(db, &f.admin, &f.branch2, "第二党支部（初中部）", now)
        .await
        .unwrap();
    let t = tree(db, &f.admin).await.unwrap();
    assert_eq!(
        names(&t),
        ["第三党支部", "第一党支部", "第二党支部（初中部）"]
    );
    let mine = app::branch::server::my_branches(db, &f.admin, now)
        .await
        .unwrap();
    let listed: Vec<&str> = mine.branches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(
        listed,
        ["第三党支部", "第一党支部", "第二党支部（初中部）"],
        "the order holds everywhere"
    );

    // A branch with members is not archived; an empty one is, and drops out of the lists.
    assert!(matches!(
        archive(db, &f.admin, &f.branch2, true, now).await,
        Err(AppError::Invalid(m)) if m.contains("在册党员")
    ));
    archive(db, &f.admin, &third, true, now).await.unwrap();
    let mine = app::branch::server::my_branches(db, &f.admin, now)
        .await
        .unwrap();
    assert!(
        mine.branches.iter().all(|b| b.id != third),
        "archived: not in the list"
    );
    let t = tree(db, &f.admin).await.unwrap();
    assert!(
        t.branches.last().unwrap().archived,
        "archived ones come last"
    );
    assert!(matches!(
        add(db, &f.admin, OrgKind::Group, &third, "新小组", now).await,
        Err(AppError::Invalid(_))
    ));
    archive(db, &f.admin, &third, false, now).await.unwrap();
    // Archiving a group takes its members out of it, into the branch.
    archive(db, &f.admin, &f.group1, true, now).await.unwrap();
    let in_group: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE group_id = $1")
        .bind(&f.group1)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(in_group, 0);

    // Bad names are refused with the reason.
    for bad in ["", "   ", &"支".repeat(61)] {
        assert!(matches!(
            add(db, &f.admin, OrgKind::Branch, "", bad, now).await,
            Err(AppError::Invalid(_))
        ));
    }
    // Added ×2, renamed, archived, brought back, a group archived (reordering is not logged).
    assert_eq!(audited(db, "org_setup").await, 6);
}

async fn secretaries_are_appointed_by_the_school_admin_and_audited(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    set_secretary(db, &f.admin, &f.m1a.id, true, now)
        .await
        .unwrap();
    set_secretary(db, &f.admin, &f.sec1.id, false, now)
        .await
        .unwrap();
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(&f.m1a.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(role, "secretary");
    // The new secretary runs the branch from their next request; the old one no longer does.
    let m1a = CurrentUser {
        role: Role::Secretary,
        ..f.m1a.clone()
    };
    app::org::server::organised_branch(db, &m1a, &f.branch1)
        .await
        .unwrap();
    assert_eq!(audited(db, "role_change").await, 2);
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'role_change' AND target LIKE '%m1a%'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(detail, "党员 → 支部书记");
    // Appointing the same role again changes (and logs) nothing.
    set_secretary(db, &f.admin, &f.m1a.id, true, now)
        .await
        .unwrap();
    assert_eq!(audited(db, "role_change").await, 2);
}

async fn nobody_else_touches_the_tree(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let other_school = uuid::Uuid::now_v7().to_string();
    let admin2 = extra_user(
        db,
        "admin2",
        Role::Admin,
        &other_school,
        Some("另一所学校党总支"),
    )
    .await;
    for who in [&f.sec1, &f.m1a] {
        assert!(matches!(tree(db, who).await, Err(AppError::Forbidden)));
        assert!(matches!(
            add(db, who, OrgKind::Branch, "", "私设支部", now).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            set_secretary(db, who, &f.m1b.id, true, now).await,
            Err(AppError::Forbidden)
        ));
    }
    // Another school's admin: the first school's branches and people are not theirs.
    assert!(tree(db, &admin2).await.unwrap().branches.is_empty());
    assert!(matches!(
        rename(db, &admin2, &f.branch1, "占用", now).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        add(db, &admin2, OrgKind::Group, &f.branch1, "占用", now).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        archive(db, &admin2, &f.group1, true, now).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        set_secretary(db, &admin2, &f.m1b.id, true, now).await,
        Err(AppError::Forbidden)
    ));
    // And the school itself is not a branch to rename or archive.
    assert!(matches!(
        archive(db, &f.admin, &f.school, true, now).await,
        Err(AppError::NotFound)
    ));
}

/// Over HTTP: the page for the 总支, its forms as a browser without JavaScript posts them.
async fn the_tree_over_http(db: &Db) {
    let _f = fixture(db).await;
    let base = serve(db).await;
    let admin = sign_in(&base, "admin").await;
    let html = admin
        .get(format!("{base}/school"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("第一党支部") && html.contains("新增党支部"),
        "{html}"
    );
    let res = admin
        .post(format!("{base}/api/school_add"))
        .header("accept", "text/html")
        .header("referer", format!("{base}/school"))
        .form(&[
            ("group", "false"),
            ("parent_id", ""),
            ("name", "第九党支部"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    let html = admin
        .get(format!("{base}/school"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("第九党支部"), "{html}");
    let secretary = sign_in(&base, "sec1").await;
    let res = secretary
        .post(format!("{base}/api/school_add"))
        .form(&[("group", "false"), ("parent_id", ""), ("name", "越权支部")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

on_both_backends!(
    the_school_admin_shapes_the_tree,
    secretaries_are_appointed_by_the_school_admin_and_audited,
    nobody_else_touches_the_tree,
    the_tree_over_http,
);
