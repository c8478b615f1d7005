//! Usernames and phone numbers are unique within a school, not across the deployment (issue 8
//! point 11), on both backends: another school's accounts never show in what an admin is told,
//! a username used in two schools still signs each person in to their own account, and a move
//! between schools carries the account into the other school's names.

use crate::common;

use app::auth::server::{Password, hash_password, sign_in, sign_in_at};
use app::db::{Db, now_ms};
use app::domain::role::Role;
use app::error::AppError;
use app::roster::MemberForm;
use app::roster::server::{load_import, move_member, preview, save_member};
use common::{PASSWORD, client, fixture, serve};

fn member(name: &str, username: &str, phone: &str) -> MemberForm {
    MemberForm {
        name: name.into(),
        username: username.into(),
        phone: phone.into(),
        standing: "正式".into(),
        ..MemberForm::default()
    }
}

/// A second school under the same bureau as the fixture's, with its admin and one branch.
async fn second_school(db: &Db, f: &common::Fixture) -> (String, app::auth::CurrentUser, String) {
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
    (school2, admin2, branch3)
}

async fn another_schools_names_are_free_and_untold(db: &Db) {
    let f = fixture(db).await;
    let (_, admin2, branch3) = second_school(db, &f).await;
    let now = now_ms();
    // The first school has 王丽 (wangli, 13800138000) and m1a.
    save_member(
        db,
        &f.admin,
        &f.branch1,
        None,
        &member("王丽", "wangli", "13800138000"),
        now,
    )
    .await
    .unwrap()
    .unwrap();
    // The second school's admin adds its own 王丽 with the same username and number: nothing
    // tells them the first school has one.
    save_member(
        db,
        &admin2,
        &branch3,
        None,
        &member("王丽", "wangli", "13800138000"),
        now,
    )
    .await
    .unwrap()
    .expect("the same username and phone in another school");
    // Within one school they are still one account's.
    for (username, phone) in [("wangli", ""), ("wangli2", "13800138000")] {
        let refused = save_member(
            db,
            &admin2,
            &branch3,
            None,
            &member("王丽", username, phone),
            now,
        )
        .await
        .unwrap()
        .unwrap_err();
        assert!(refused[0].message.contains("已有人使用"), "{refused:?}");
    }
    // The import's preview does not flag the first school's usernames either, but does its
    // own school's.
    let csv = "支部,姓名,用户名,手机号,性别,出生日期,入党日期,党员类别,有职/无职,职务\n\
               二中第一党支部,李一,m1a,13900139000,男,1980-01-01,2001-07-01,正式,无职,\n\
               二中第一党支部,王丽,wangli,,女,1985-03-07,2008-07-01,正式,无职,\n";
    let id = preview(db, &admin2, &branch3, "名单.csv", csv.as_bytes(), now)
        .await
        .unwrap();
    let rows = load_import(db, &admin2, &id).await.unwrap().rows;
    assert!(rows[0].result.is_ok(), "{:?}", rows[0].result);
    assert!(
        rows[1].result.as_ref().unwrap_err()[0].contains("已有人使用"),
        "{:?}",
        rows[1].result
    );
}

async fn a_username_in_two_schools_signs_each_in(db: &Db) {
    let f = fixture(db).await;
    let (school2, _, branch3) = second_school(db, &f).await;
    let here = common::extra_user(db, "twin", Role::Member, &f.branch1, None).await;
    let there = common::extra_user(db, "twin", Role::Member, &branch3, None).await;
    let signed = |r: Result<(String, app::auth::CurrentUser), AppError>| r.unwrap().1.id;
    // The same password fits both: the school must be chosen, and then it decides.
    assert_eq!(
        sign_in(db, "twin", Password::new(PASSWORD), 60_000)
            .await
            .unwrap_err(),
        AppError::Invalid("请选择学校".into())
    );
    for (school, who) in [(&f.school, &here), (&school2, &there)] {
        let (_, user) = sign_in_at(db, "twin", Some(school), Password::new(PASSWORD), 60_000)
            .await
            .unwrap();
        assert_eq!(user.id, who.id);
    }
    // A school with no such account, or a wrong password: the usual refusal.
    for (school, password) in [(Some(f.branch1.as_str()), PASSWORD), (None, "wrong one")] {
        assert!(matches!(
            sign_in_at(db, "twin", school, Password::new(password), 60_000).await,
            Err(app::auth::server::SignInError::Credentials)
        ));
    }
    // Different passwords: each signs in to their own account without choosing.
    let other = hash_password(Password::new("er-zhong-2026")).await.unwrap();
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(&there.id)
        .bind(other)
        .execute(db.pool())
        .await
        .unwrap();
    let mine = sign_in(db, "twin", Password::new(PASSWORD), 60_000).await;
    assert_eq!(signed(mine), here.id);
    let theirs = sign_in(db, "twin", Password::new("er-zhong-2026"), 60_000).await;
    assert_eq!(signed(theirs), there.id);
}

async fn the_form_asks_for_the_school_only_when_needed(db: &Db) {
    let f = fixture(db).await;
    let (school2, _, branch3) = second_school(db, &f).await;
    common::extra_user(db, "twin", Role::Member, &f.branch1, None).await;
    common::extra_user(db, "twin", Role::Member, &branch3, None).await;
    let base = serve(db).await;
    let c = client();
    let login = async |fields: &[(&str, &str)]| {
        let res = c
            .post(format!("{base}/auth/login"))
            .form(fields)
            .send()
            .await
            .unwrap();
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        (to, res.headers().get("set-cookie").is_some())
    };
    let twin = [("username", "twin"), ("password", PASSWORD), ("next", "")];
    assert_eq!(
        login(&twin).await,
        ("/login?error=school".to_owned(), false)
    );
    // The page then offers every school by name.
    let page = c
        .get(format!("{base}/login?error=school"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        // The hydration markers of type-erased components (`<!>`) are not part of the text.
        .replace("<!>", "");
    assert!(page.contains("请选择您所在的学校"), "{page}");
    assert!(
        page.contains(&format!(
            "<option value=\"{school2}\">城关二中党总支</option>"
        )),
        "{page}"
    );
    assert!(page.contains(&format!("value=\"{}\"", f.school)));
    let plain = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("name=\"school\""));
    assert!(
        !plain.contains("name=\"school\""),
        "the plain form asks no school"
    );
    let with_school = [
        ("username", "twin"),
        ("password", PASSWORD),
        ("school", school2.as_str()),
        ("next", ""),
    ];
    assert_eq!(login(&with_school).await, ("/me".to_owned(), true));
    // A username of one school needs no choice.
    let m1a = [("username", "m1a"), ("password", PASSWORD), ("next", "")];
    assert_eq!(login(&m1a).await, ("/me".to_owned(), true));
}

async fn a_move_takes_the_account_into_the_other_schools_names(db: &Db) {
    let f = fixture(db).await;
    let (_, admin2, branch3) = second_school(db, &f).await;
    common::extra_user(db, "m1a", Role::Member, &branch3, None).await;
    let today = app::domain::time::date_of(now_ms()).unwrap().to_string();
    let now = now_ms();
    // The second school has an m1a: the first school's m1a cannot move there under that name,
    // and nothing moved.
    match move_member(db, &f.admin, &f.m1a.id, &branch3, &today, "调动", now).await {
        Err(AppError::Invalid(m)) => assert!(m.contains("转入的学校已有账号"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let still: String = sqlx::query_scalar("SELECT org_id FROM users WHERE id = $1")
        .bind(&f.m1a.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(still, f.branch1);
    // m1b moves; the second school now has an m1b, the first school may name another one.
    move_member(db, &f.admin, &f.m1b.id, &branch3, &today, "调动", now)
        .await
        .unwrap();
    let refused = save_member(db, &admin2, &branch3, None, &member("某", "m1b", ""), now)
        .await
        .unwrap()
        .unwrap_err();
    assert!(refused[0].message.contains("已有人使用"), "{refused:?}");
    save_member(
        db,
        &f.admin,
        &f.branch1,
        None,
        &member("某", "m1b", ""),
        now,
    )
    .await
    .unwrap()
    .expect("the name left with its account");
}

/// The deployment-wide constraint of the first schema is gone, once, and the rebuilt SQLite
/// table kept every row and reference.
async fn the_old_unique_constraint_is_gone(db: &Db) {
    let f = fixture(db).await;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(users >= 5);
    let nulls: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE school_id IS NULL")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(nulls, 0, "every account has its school");
    let admin_school: String = sqlx::query_scalar("SELECT school_id FROM users WHERE id = $1")
        .bind(&f.admin.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(admin_school, f.school);
    if db.backend() == app::db::Backend::Sqlite {
        let sql: String = sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert!(!sql.to_uppercase().contains("UNIQUE"), "{sql}");
        let broken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pragma_foreign_key_check")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(broken, 0);
        let indexes: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users' \
             ORDER BY name",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        assert_eq!(
            indexes,
            [
                "sqlite_autoindex_users_1", // the primary key's (no second: the UNIQUE's)
                "users_org",
                "users_school_phone",
                "users_school_username",
                "users_username"
            ]
        );
    } else {
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.table_constraints \
             WHERE table_name = 'users' AND constraint_name = 'users_username_key'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(left, 0);
    }
}

on_both_backends!(
    another_schools_names_are_free_and_untold,
    a_username_in_two_schools_signs_each_in,
    the_form_asks_for_the_school_only_when_needed,
    a_move_takes_the_account_into_the_other_schools_names,
    the_old_unique_constraint_is_gone,
);

/// A SQLite database from before per-school names, with accounts and sessions in it, opens with
/// every row kept, each account given its school, every reference intact and the old
/// constraint gone.
#[tokio::test]
async fn an_older_sqlite_database_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    {
        let db = Db::connect(&url).await.unwrap();
        server::storage::MIGRATOR
            .run_to(20261201000009, db.pool())
            .await
            .unwrap();
        for (id, parent, kind) in [
            ("school-a", None, "school"),
            ("branch-a", Some("school-a"), "branch"),
            ("school-b", None, "school"),
        ] {
            sqlx::query(
                "INSERT INTO organisations (id, parent_id, kind, name) VALUES ($1, $2, $3, $1)",
            )
            .bind(id)
            .bind(parent)
            .bind(kind)
            .execute(db.pool())
            .await
            .unwrap();
        }
        for (id, org, username, role, phone) in [
            (
                "u-member",
                "branch-a",
                "wangli",
                "member",
                Some("13800138000"),
            ),
            ("u-admin", "school-a", "admin", "admin", None),
        ] {
            sqlx::query(
                "INSERT INTO users (id, org_id, username, display_name, password_hash, role, \
                 created_at, phone) VALUES ($1, $2, $3, $3, 'x', $4, 0, $5)",
            )
            .bind(id)
            .bind(org)
            .bind(username)
            .bind(role)
            .bind(phone)
            .execute(db.pool())
            .await
            .unwrap();
        }
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) \
             VALUES ('t', 'u-member', 0, 1, 0)",
        )
        .execute(db.pool())
        .await
        .unwrap();
        let duplicate = sqlx::query(
            "INSERT INTO users (id, org_id, username, display_name, password_hash, role, \
             created_at) VALUES ('u-b', 'school-b', 'wangli', 'b', 'x', 'admin', 0)",
        )
        .execute(db.pool())
        .await;
        assert!(duplicate.is_err(), "the old schema refuses a namesake");
        db.pool().close().await;
    }
    for _ in 0..2 {
        let db = server::storage::open(&url).await.unwrap();
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, school_id FROM users ORDER BY id")
                .fetch_all(db.pool())
                .await
                .unwrap();
        assert_eq!(
            rows.iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect::<Vec<_>>(),
            [("u-admin", "school-a"), ("u-member", "school-a")]
        );
        let session: String = sqlx::query_scalar("SELECT user_id FROM sessions")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(session, "u-member");
        let broken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pragma_foreign_key_check")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(broken, 0);
        db.pool().close().await;
    }
    let db = server::storage::open(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO users (id, org_id, username, display_name, password_hash, role, \
         created_at, phone, school_id) VALUES ('u-b', 'school-b', 'wangli', 'b', 'x', 'admin', \
         0, '13800138000', 'school-b')",
    )
    .execute(db.pool())
    .await
    .expect("a namesake in another school");
}
