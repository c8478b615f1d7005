//! The audit log and account resets on both backends: administrative acts are logged with who,
//! when and from where; only the school's 总支 reads them; old entries go after the configured
//! years; a code for an activated account is an audited reset that ends its sessions; a
//! chosen password must pass the policy.

use crate::common;
use app::audit::Action;
use app::audit::server::read;
use app::auth::server::{Password, sign_in, user_for_token};
use app::db::{Db, now_ms};
use app::domain::attendance::Mark;
use app::error::AppError;
use common::{PASSWORD, client, fixture, serve};
use reqwest::StatusCode;

const DAY: i64 = 24 * 3_600_000;

async fn actions(db: &Db, admin: &app::auth::CurrentUser) -> Vec<Action> {
    read(db, admin, 0, 5)
        .await
        .unwrap()
        .entries
        .iter()
        .map(|e| e.action)
        .collect()
}

/// Acts of a secretary are logged for the 总支, newest first; a reset of an activated
/// account ends its sessions; the secretary cannot read the log.
async fn administrative_acts_are_logged_for_the_school(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let (token, _) = sign_in(db, "m1a", Password::new(PASSWORD), DAY)
        .await
        .unwrap();
    let idle = 14 * DAY;
    assert!(user_for_token(db, &token, idle).await.unwrap().is_some());
    // m1a has a password: a new code is a reset, and m1a's sign-ins end now.
    app::roster::server::create_invites(
        db,
        &f.sec1,
        &f.branch1,
        std::slice::from_ref(&f.m1a.id),
        now,
    )
    .await
    .unwrap();
    assert_eq!(user_for_token(db, &token, idle).await.unwrap(), None);
    // A hand mark corrects a record.
    app::activity::server::mark(db, &f.sec1, &f.today, &f.m1b.id, Mark::Present, "补签", now)
        .await
        .unwrap();
    let log = read(db, &f.admin, 0, 5).await.unwrap();
    let kinds: Vec<Action> = log.entries.iter().map(|e| e.action).collect();
    assert_eq!(kinds, [Action::RecordCorrection, Action::PasswordReset]);
    let reset = &log.entries[1];
    assert_eq!(reset.actor, "王书记（sec1）");
    assert_eq!(reset.target, "李一（m1a）");
    assert!(reset.at >= now && reset.at <= now_ms());
    let correction = &log.entries[0];
    assert!(correction.target.contains("张二"), "{correction:?}");
    assert!(correction.detail.contains("补签"), "{correction:?}");

    // Only the 总支 reads it.
    assert_eq!(
        read(db, &f.sec1, 0, 5).await.unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        read(db, &f.m1a, 0, 5).await.unwrap_err(),
        AppError::Forbidden
    );

    // Over HTTP: the 总支's page lists the acts with the address they came from; others are
    // refused.
    let base = serve(db).await;
    let admin = client();
    let res = admin
        .post(format!("{base}/auth/login"))
        .form(&[("username", "admin"), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = admin.get(format!("{base}/audit")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("审计日志") && html.contains("重置密码") && html.contains("李一（m1a）"));
    let secretary = client();
    secretary
        .post(format!("{base}/auth/login"))
        .form(&[("username", "sec1"), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    let page = secretary.get(format!("{base}/audit")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    // A code made over HTTP (a server function) records the address it came from.
    let made = secretary
        .post(format!("{base}/api/survey_invites"))
        .header("accept", "application/json")
        .form(&[
            (
                "campaign_id",
                crate::survey::open_campaign(db, &f).await.as_str(),
            ),
            ("audience", "parents"),
            ("count", "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        made.status(),
        StatusCode::OK,
        "{}",
        made.text().await.unwrap()
    );
    let log = read(db, &f.admin, 0, 5).await.unwrap();
    assert_eq!(log.entries[0].action, Action::SurveyCodes);
    assert_eq!(log.entries[0].from, "127.0.0.1");
}

/// Entries older than the kept years are removed; younger ones stay.
async fn old_entries_are_removed_after_the_kept_years(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    app::roster::server::create_invites(
        db,
        &f.sec1,
        &f.branch1,
        std::slice::from_ref(&f.m1b.id),
        now,
    )
    .await
    .unwrap();
    sqlx::query("UPDATE audit_log SET at = $1")
        .bind(now - 3 * 366 * DAY)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(actions(db, &f.admin).await, [Action::PasswordReset]);
    assert!(read(db, &f.admin, 0, 2).await.unwrap().entries.is_empty());
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
}

/// A member choosing a password through an invitation: weak ones are refused with the reason,
/// and the invitation still works for a good one.
async fn chosen_passwords_follow_the_policy(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let code = app::roster::server::create_invites(
        db,
        &f.sec1,
        &f.branch1,
        std::slice::from_ref(&f.m1b.id),
        now,
    )
    .await
    .unwrap()
    .remove(0)
    .code;
    let base = serve(db).await;
    let accept = |password: &'static str| {
        client()
            .post(format!("{base}/auth/invite"))
            .form(&[
                ("username", "m1b"),
                ("code", code.as_str()),
                ("password", password),
                ("confirm", password),
            ])
            .send()
    };
    for (weak, reason) in [
        ("12345678", "digits"),
        ("password1", "common"),
        ("m1bm1bm1b", "username"),
        ("zzzzzzzzzz", "repeated"),
    ] {
        let res = accept(weak).await.unwrap();
        assert_eq!(
            res.headers()["location"],
            format!("/invite?error={reason}").as_str(),
            "{weak}"
        );
    }
    let page = client()
        .get(format!("{base}/invite?error=common"))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("这个密码太常见"));
    let res = accept("红旗飘飘五星闪耀").await.unwrap();
    assert_eq!(res.headers()["location"], "/login?activated=1");
    assert!(
        sign_in(db, "m1b", Password::new("红旗飘飘五星闪耀"), DAY)
            .await
            .is_ok()
    );
}

on_both_backends!(
    administrative_acts_are_logged_for_the_school,
    old_entries_are_removed_after_the_kept_years,
    chosen_passwords_follow_the_policy,
);
