//! Rate limits over HTTP on both backends: guessing passwords, codes and invitations, answering
//! from a script and pushing without end stop at the limit with 429 and `Retry-After`; the
//! counters live in the database (two server instances count together) and hold no address;
//! a forwarded address is believed only from a trusted proxy.

use crate::common;
use crate::survey::{answers_stored, codes, hidden, open_campaign};
use app::db::Db;
use app::domain::ballot::Audience;
use app::domain::limits::parse_limits;
use app::state::RuntimeConfig;
use common::{PASSWORD, client, fixture, serve_with_config};
use reqwest::StatusCode;

fn limited(spec: &str) -> RuntimeConfig {
    RuntimeConfig {
        limits: parse_limits(spec).unwrap(),
        ..RuntimeConfig::default()
    }
}

async fn sign_in(
    c: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
) -> reqwest::Response {
    let mut req = c.post(format!("{base}/auth/login")).form(&[
        ("username", username),
        ("password", password),
        ("next", "/me"),
    ]);
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    req.send().await.unwrap()
}

/// The seconds a 429 asks to wait.
fn retry_after(res: &reqwest::Response) -> u32 {
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Guessing one account's password stops at the limit — the right password included, until
/// the window ends — while other accounts from the same address still sign in; and the
/// address limit stops guessing across accounts.
async fn password_guessing_stops_at_the_limit(db: &Db) {
    fixture(db).await;
    let base = serve_with_config(db, limited("sign_in_account=3/10m,sign_in_address=6/10m")).await;
    let c = client();
    for _ in 0..3 {
        let res = sign_in(&c, &base, "m1a", "wrong", None).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let res = sign_in(&c, &base, "M1A", PASSWORD, None).await;
    let wait = retry_after(&res);
    assert!((1..=600).contains(&wait), "{wait}");
    let page = res.text().await.unwrap();
    assert!(
        page.contains("操作太频繁") && page.contains("分钟后再试"),
        "{page}"
    );
    assert!(page.contains("href=\"/login?next=/me\""), "{page}");

    // Another account from the same address: the fifth attempt from here, still allowed.
    let res = sign_in(&client(), &base, "m1b", PASSWORD, None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/me");
    // The sixth and the seventh: the address has had its share.
    let res = sign_in(&client(), &base, "sec1", "wrong", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = sign_in(&client(), &base, "sec1", PASSWORD, None).await;
    retry_after(&res);
}

/// Two server processes on one database share the counters: the limit holds across them.
async fn two_instances_count_together(db: &Db) {
    fixture(db).await;
    let config = limited("sign_in_account=4/10m");
    let (a, b) = (
        serve_with_config(db, config.clone()).await,
        serve_with_config(db, config).await,
    );
    for base in [&a, &b, &a, &b] {
        let res = sign_in(&client(), base, "m1a", "wrong", None).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    retry_after(&sign_in(&client(), &b, "m1a", PASSWORD, None).await);
    retry_after(&sign_in(&client(), &a, "m1a", PASSWORD, None).await);
    // What is stored names neither the address nor the account.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT bucket, key_hash FROM rate_counts ORDER BY bucket")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert!(!rows.is_empty());
    for (bucket, key) in rows {
        assert!(bucket.starts_with("sign_in_"), "{bucket}");
        assert_eq!(key.len(), 64);
        assert!(!key.contains("127.0.0.1") && !key.contains("m1a"));
    }
}

/// `X-Forwarded-For` names the client only when the connection comes from a trusted proxy:
/// otherwise a script cannot escape its address's limit by making one up per request.
async fn forwarded_addresses_need_a_trusted_proxy(db: &Db) {
    fixture(db).await;
    let untrusted = serve_with_config(db, limited("sign_in_address=2/10m")).await;
    for fake in ["198.51.100.1", "198.51.100.2"] {
        let res = sign_in(&client(), &untrusted, "m1a", "wrong", Some(fake)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let res = sign_in(&client(), &untrusted, "m1a", "wrong", Some("198.51.100.3")).await;
    retry_after(&res);

    // Behind a trusted proxy on this machine, each forwarded client has its own count.
    let proxied = serve_with_config(
        db,
        RuntimeConfig {
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            ..limited("sign_in_address=2/10m,sign_in_account=100/10m")
        },
    )
    .await;
    for _ in 0..2 {
        let res = sign_in(&client(), &proxied, "m1b", "wrong", Some("203.0.113.5")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    retry_after(&sign_in(&client(), &proxied, "m1b", "wrong", Some("203.0.113.5")).await);
    // What the client prepends is not believed: the proxy's own hop decides.
    let spoofed = sign_in(
        &client(),
        &proxied,
        "m1b",
        "wrong",
        Some("198.51.100.9, 203.0.113.5"),
    )
    .await;
    retry_after(&spoofed);
    let other = sign_in(&client(), &proxied, "m1b", PASSWORD, Some("203.0.113.6")).await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    assert_eq!(other.headers()["location"], "/me");
}

/// Pushes are limited per account and per address; the refusal is JSON with its code. A
/// member's batch counts in its own transaction (`push_counted`): under the limit it
/// is stored, over it nothing of it is, and every refused push counts on.
async fn pushes_are_limited(db: &Db) {
    let f = fixture(db).await;
    let base = serve_with_config(db, limited("push_account=2/1m")).await;
    let c = client();
    let res = sign_in(&c, &base, "m1a", PASSWORD, None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let at = f.starts[&f.today] + 60_000;
    let push = |records: Vec<serde_json::Value>| {
        c.post(format!("{base}/api/v1/sync/push"))
            .json(&serde_json::json!({ "records": records }))
            .send()
    };
    let stored = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM checkins")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let first = push(vec![f.checkin(common::v7(), &f.today, &f.m1a, at)])
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_eq!(first["results"][0]["status"], "accepted", "{first}");
    assert_eq!(push(vec![]).await.unwrap().status(), StatusCode::OK);
    for _ in 0..2 {
        let res = push(vec![f.checkin(common::v7(), &f.today, &f.m1a, at)])
            .await
            .unwrap();
        let wait = retry_after(&res);
        assert!((1..=60).contains(&wait), "{wait}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"], "too_many_requests");
    }
    assert_eq!(stored().await, 1, "a refused push stored nothing");
    let hits: i64 =
        sqlx::query_scalar("SELECT MAX(hits) FROM rate_counts WHERE bucket = 'push_account'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(hits, 4, "the refused pushes were counted");
}

/// Twelve pushes at once from one member with room for five (several judged in one
/// statement): exactly five are stored, seven answer 429, and all twelve were counted.
async fn pushes_at_once_stop_at_the_limit(db: &Db) {
    let f = fixture(db).await;
    let base = serve_with_config(db, limited("push_account=5/1m")).await;
    let c = client();
    let res = sign_in(&c, &base, "m1a", PASSWORD, None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let at = f.starts[&f.today] + 60_000;
    let pushes = (0..12).map(|_| {
        let records = vec![f.checkin(common::v7(), &f.today, &f.m1a, at)];
        c.post(format!("{base}/api/v1/sync/push"))
            .json(&serde_json::json!({ "records": records }))
            .send()
    });
    let mut statuses: Vec<u16> = futures::future::join_all(pushes)
        .await
        .into_iter()
        .map(|r| r.expect("answered").status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [[200; 5].as_slice(), &[429; 7]].concat());
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checkins")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 5);
    let hits: i64 =
        sqlx::query_scalar("SELECT MAX(hits) FROM rate_counts WHERE bucket = 'push_account'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(hits, 12);
}

/// Survey answers from one address stop at the limit (the form and sync alike), and wrong
/// codes typed from one address stop the guessing — the right code included, until the
/// window ends.
async fn answers_and_code_guessing_are_limited(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let mut slips = codes(db, &f, &id, Audience::Parents, 3).await;
    let base = serve_with_config(db, limited("answer_address=1/1h,code_address=2/10m")).await;
    let web = client();
    let answer = |code: String| {
        let (web, base) = (web.clone(), base.clone());
        async move {
            let html = web
                .get(format!("{base}/survey/{code}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            web.post(format!("{base}/survey/answer"))
                .form(&[
                    ("record_id", hidden(&html, "record_id")),
                    ("campaign", hidden(&html, "campaign")),
                    ("version", hidden(&html, "version")),
                    ("code", hidden(&html, "code")),
                    ("open", String::new()),
                    ("audience", hidden(&html, "audience")),
                    ("q_org", "0".into()),
                    ("q_secretary", "0".into()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let first = answer(slips.remove(0)).await;
    assert_eq!(first.headers()["location"], "/survey/done");
    let second = answer(slips.remove(0)).await;
    retry_after(&second);
    assert!(second.text().await.unwrap().contains("操作太频繁"));
    assert_eq!(
        answers_stored(db).await,
        1,
        "the refused answer stored nothing"
    );

    // Sync pushes of answers count against the same address.
    let pushed = web
        .post(format!("{base}/api/v1/sync/push"))
        .json(&serde_json::json!({ "records": [{
            "id": common::v7().to_string(), "kind": "survey_answer",
            "body": { "campaign_id": id, "version": 1, "code": slips[0],
                      "choices": { "org": 0, "secretary": 0 } } }] }))
        .send()
        .await
        .unwrap();
    retry_after(&pushed);

    // Two wrong codes, then even the right one waits.
    for wrong in ["AAAA-BBBB", "CCCC-DDDD"] {
        let res = web
            .get(format!("{base}/survey/{wrong}"))
            .send()
            .await
            .unwrap();
        assert!(res.text().await.unwrap().contains("邀请码不正确"));
    }
    let res = web
        .get(format!("{base}/survey/{}", slips[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    assert!(res.text().await.unwrap().contains("操作太频繁"));
}

/// A script answering the open link: a mark it makes up is refused, a cookie without the form's
/// mark is not read, and dropping its cookies to get a new mark each time stops at the
/// address's limit on new marks — while a phone that keeps its cookie keeps its one mark.
async fn the_open_link_cannot_be_answered_without_limit(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let token = app::survey::server::campaign_for_organiser(db, &f.sec1, &id)
        .await
        .unwrap()
        .open_token
        .unwrap();
    let base = serve_with_config(db, limited("mark_address=3/1h")).await;
    let page = |web: &reqwest::Client| web.get(format!("{base}/survey/open/{token}")).send();
    let post = |web: &reqwest::Client, html: &str, mark: &str| {
        web.post(format!("{base}/survey/answer"))
            .form(&[
                ("record_id", hidden(html, "record_id")),
                ("campaign", hidden(html, "campaign")),
                ("version", hidden(html, "version")),
                ("code", String::new()),
                ("open", token.clone()),
                ("mark", mark.to_owned()),
                ("audience", "parents".into()),
                ("q_org", "0".into()),
                ("q_secretary", "0".into()),
            ])
            .send()
    };
    // A phone keeps its mark across reloads (one new mark counted).
    let phone = client();
    let html = page(&phone).await.unwrap().text().await.unwrap();
    let mark = hidden(&html, "mark");
    assert_eq!(mark.len(), 65, "{mark}");
    let again = page(&phone).await.unwrap().text().await.unwrap();
    assert_eq!(hidden(&again, "mark"), mark);
    // Made-up marks, and the phone's cookie without the form's mark, are refused.
    for fake in [String::new(), "0".repeat(32) + "." + &"0".repeat(32)] {
        let res = post(&phone, &again, &fake).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = res.text().await.unwrap();
        assert!(html.contains("请从问卷链接重新打开本页后作答"), "{html}");
    }
    let res = post(&phone, &again, &mark).await.unwrap();
    assert_eq!(res.headers()["location"], "/survey/done");
    // A script without a cookie jar: a fresh mark per visit, until the address has had three.
    let script = || {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap()
    };
    for _ in 0..2 {
        let script = script();
        let html = page(&script).await.unwrap().text().await.unwrap();
        let res = post(&script, &html, &hidden(&html, "mark")).await.unwrap();
        assert_eq!(res.headers()["location"], "/survey/done");
    }
    let res = page(&script()).await.unwrap();
    retry_after(&res);
    assert_eq!(answers_stored(db).await, 3);
    // The phone with its mark still opens the form (and is told it has answered once it tries).
    let html = page(&phone).await.unwrap().text().await.unwrap();
    assert_eq!(hidden(&html, "mark"), mark);
}

/// Activating an account by invitation is limited per address.
async fn invitation_guessing_is_limited(db: &Db) {
    fixture(db).await;
    let base = serve_with_config(db, limited("invite_address=2/10m")).await;
    let try_code = |code: &'static str| {
        client()
            .post(format!("{base}/auth/invite"))
            .form(&[
                ("username", "m1a"),
                ("code", code),
                ("password", "a-long-password"),
                ("confirm", "a-long-password"),
            ])
            .send()
    };
    for code in ["111111", "222222"] {
        let res = try_code(code).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], "/invite?error=invalid");
    }
    let res = try_code("333333").await.unwrap();
    retry_after(&res);
    assert!(res.text().await.unwrap().contains("href=\"/invite\""));
}

on_both_backends!(
    password_guessing_stops_at_the_limit,
    two_instances_count_together,
    forwarded_addresses_need_a_trusted_proxy,
    pushes_are_limited,
    pushes_at_once_stop_at_the_limit,
    answers_and_code_guessing_are_limited,
    invitation_guessing_is_limited,
    the_open_link_cannot_be_answered_without_limit,
);
