//! The HTTP surface, served on a real port over each backend: sign-in, the page guard, the
//! sync push's exactly-once answers, bad bodies, and permissions of server functions.

use crate::common;

use app::db::Db;
use app::sync::protocol::{PushResponse, PushStatus, RejectCode};
use common::{PASSWORD, client, fixture, serve, serve_with_data, v7};
use reqwest::StatusCode;
use sqlx::Row;

fn location(res: &reqwest::Response) -> &str {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn sign_in(base: &str, username: &str) -> reqwest::Client {
    let c = client();
    let res = c
        .post(format!("{base}/auth/login"))
        .form(&[("username", username), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!location(&res).starts_with("/login"), "{username} signs in");
    c
}

async fn push(c: &reqwest::Client, base: &str, records: Vec<serde_json::Value>) -> PushResponse {
    let res = c
        .post(format!("{base}/api/v1/sync/push"))
        .json(&serde_json::json!({ "records": records }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn checkins(db: &Db) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM checkins")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn unauthenticated_requests_are_turned_away(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let c = client();
    for (path, to) in [
        ("/me", "/login?next=/me"),
        ("/branch", "/login?next=/branch"),
        ("/branch/x", "/login?next=/branch/x"),
        ("/", "/login"),
    ] {
        let res = c.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&res), to, "{path}");
    }
    let res = c
        .post(format!("{base}/api/v1/sync/push"))
        .json(&serde_json::json!({ "records": [f.checkin_now(v7(), &f.today, &f.m1a)] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    for f in ["my_activities", "my_branches"] {
        let res = c.post(format!("{base}/api/{f}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{f}");
    }
    assert_eq!(checkins(db).await, 0);
}

async fn sign_in_opens_and_sign_out_closes_a_session(db: &Db) {
    fixture(db).await;
    let base = serve(db).await;
    let c = client();
    let res = c
        .post(format!("{base}/auth/login"))
        .form(&[("username", "m1a"), ("password", "wrong"), ("next", "/me")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/login?error=credentials&next=/me");
    let res = c
        .post(format!("{base}/auth/login"))
        .form(&[
            ("username", "m1a"),
            ("password", PASSWORD),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/me", "an off-site next is ignored");
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("xingqi_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let page = c.get(format!("{base}/me")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("今天的主题党日") && html.contains("签到"),
        "the member's page is rendered"
    );

    let res = c.post(format!("{base}/auth/logout")).send().await.unwrap();
    assert_eq!(location(&res), "/login?signed_out=1");
    let res = c.get(format!("{base}/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the session is gone");
}

async fn the_same_batch_twice_is_stored_once(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let c = sign_in(&base, "m1a").await;
    let (a, b) = (v7(), v7());
    let at = f.starts[&f.today] + 60_000;
    let batch = vec![
        f.checkin(a, &f.today, &f.m1a, at),
        f.checkin_now(b, &f.past, &f.m1a),
    ];
    let first = push(&c, &base, batch.clone()).await;
    assert_eq!(
        first.results.iter().map(|r| r.status).collect::<Vec<_>>(),
        [PushStatus::Accepted; 2]
    );
    let second = push(&c, &base, batch).await;
    assert_eq!(
        second.results.iter().map(|r| r.status).collect::<Vec<_>>(),
        [PushStatus::Duplicate; 2]
    );
    assert_eq!(
        second
            .results
            .iter()
            .map(|r| r.id.clone().unwrap())
            .collect::<Vec<_>>(),
        [a.to_string(), b.to_string()]
    );
    assert_eq!(checkins(db).await, 2);

    // The same id with other content: a conflict, and the first content stays.
    let conflict = push(&c, &base, vec![f.checkin(a, &f.today, &f.m1a, at + 1)]).await;
    assert_eq!(conflict.results[0].status, PushStatus::Conflict);
    assert_eq!(conflict.results[0].code, Some(RejectCode::Conflict));
    let kept: i64 = sqlx::query("SELECT device_time FROM checkins WHERE id = $1")
        .bind(a.to_string())
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(kept, at);
    assert_eq!(checkins(db).await, 2);

    // The secretary's figure counts it.
    let sec = sign_in(&base, "sec1").await;
    let res = sec
        .post(format!("{base}/api/branch_overview"))
        .form(&[("branch_id", f.branch1.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let overview: app::branch::BranchOverview = res.json().await.unwrap();
    let today = overview
        .activities
        .iter()
        .find(|x| x.id == f.today)
        .unwrap();
    assert_eq!(
        (
            today.figure.attendance.expected,
            today.figure.attendance.present
        ),
        (3, 1)
    );
    assert_eq!(today.present, ["李一"]);
}

async fn bad_bodies_get_clear_errors_and_store_nothing(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let c = sign_in(&base, "m1a").await;
    let url = format!("{base}/api/v1/sync/push");
    let send = |body: Vec<u8>| {
        c.post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let res = send(b"{\"records\": [".to_vec()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid");
    assert!(
        body["message"].as_str().unwrap().contains("推送批次"),
        "{body}"
    );

    let res = send(b"{\"records\": 5}".to_vec()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let huge = format!("{{\"records\": [\"{}\"]}}", "x".repeat(300 * 1024));
    let res = send(huge.into_bytes()).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let many: Vec<_> = (0..101)
        .map(|_| f.checkin_now(v7(), &f.today, &f.m1a))
        .collect();
    let res = send(serde_json::to_vec(&serde_json::json!({ "records": many })).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(checkins(db).await, 0);
}

async fn server_functions_check_the_role_and_the_branch(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let member = sign_in(&base, "m1a").await;
    let sec = sign_in(&base, "sec1").await;
    let admin = sign_in(&base, "admin").await;
    let overview = async |c: &reqwest::Client, branch: &str| {
        c.post(format!("{base}/api/branch_overview"))
            .form(&[("branch_id", branch)])
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(overview(&member, &f.branch1).await, StatusCode::FORBIDDEN);
    assert_eq!(overview(&sec, &f.branch2).await, StatusCode::FORBIDDEN);
    assert_eq!(overview(&sec, &f.branch1).await, StatusCode::OK);
    assert_eq!(overview(&admin, &f.branch2).await, StatusCode::OK);
    // The rendered page says so too, with the status.
    let page = member
        .get(format!("{base}/branch/{}", f.branch1))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page.text().await.unwrap().contains("没有权限"));
    // A member pushing for a colleague is refused and nothing is stored.
    let r = push(&member, &base, vec![f.checkin_now(v7(), &f.today, &f.m1b)]).await;
    assert_eq!(r.results[0].code, Some(RejectCode::NotYours));
    assert_eq!(checkins(db).await, 0);
}

async fn pull_and_the_protocol_description_are_served(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let anonymous = client()
        .get(format!("{base}/api/v1/sync/pull"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let c = sign_in(&base, "m1a").await;
    let first: app::sync::protocol::PullResponse = c
        .get(format!("{base}/api/v1/sync/pull"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(first.activities.iter().any(|a| a.id == f.today));
    let next: app::sync::protocol::PullResponse = c
        .get(format!("{base}/api/v1/sync/pull?cursor={}", first.cursor))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(next.activities.is_empty());
    let spec: serde_json::Value = client()
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["info"]["version"], "1");
    assert!(spec["paths"]["/api/v1/sync/push"]["post"].is_object());
    assert!(spec["paths"]["/api/v1/sync/pull"]["get"].is_object());
    let statuses = &spec["components"]["schemas"]["PushStatus"]["enum"];
    assert_eq!(
        *statuses,
        serde_json::json!([
            "accepted",
            "duplicate",
            "pending_review",
            "conflict",
            "rejected"
        ])
    );
    // Every server function the server registers is described (form fields and all), and
    // nothing described is missing from the server.
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let described: std::collections::BTreeSet<String> = spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|p| !p.starts_with("/api/v1/"))
        .cloned()
        .collect();
    assert_eq!(registered, described);
    let review = &spec["paths"]["/api/review_checkins"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
        ["schema"];
    assert_eq!(
        review["required"],
        serde_json::json!(["activity_id", "confirm"])
    );
}

async fn photos_are_kept_within_limits_and_shown_to_organisers(db: &Db) {
    let f = fixture(db).await;
    let dir = tempfile::tempdir().unwrap();
    let base = serve_with_data(db, dir.path()).await;
    let sec = sign_in(&base, "sec1").await;
    let upload = async |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("p.jpg");
        let form = reqwest::multipart::Form::new()
            .part("photo", part)
            .text("caption", "集体学习");
        let res = sec
            .post(format!("{base}/activity/{}/photos", f.today))
            .multipart(form)
            .send()
            .await
            .unwrap();
        location(&res).to_owned()
    };
    let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0u8; 1000][..]].concat();
    assert!(upload(jpeg.clone()).await.contains("photo=saved"));
    assert!(
        upload(b"GIF89a....".to_vec())
            .await
            .contains("photo=wrong_type")
    );
    let big = [
        &[0xFF, 0xD8, 0xFF, 0xE0][..],
        &vec![0u8; 5 * 1024 * 1024 + 10][..],
    ]
    .concat();
    assert!(upload(big).await.contains("photo=too_big"));
    let record = app::activity::server::record(db, &f.sec1, &f.today, app::db::now_ms())
        .await
        .unwrap();
    assert_eq!(record.photos.len(), 1);
    let url = format!("{base}/photos/{}", record.photos[0].id);
    let got = sec.get(&url).send().await.unwrap();
    assert_eq!(got.headers()["content-type"], "image/jpeg");
    assert_eq!(got.bytes().await.unwrap().to_vec(), jpeg);
    let member = sign_in(&base, "m1a").await;
    assert_eq!(
        member.get(&url).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

/// A server function called with arguments it cannot read answers 400 with the reason (the
/// client's mistake), never 500; schemathesis found these.
async fn unreadable_arguments_are_the_clients_mistake(db: &Db) {
    let _f = fixture(db).await;
    let base = serve(db).await;
    let c = sign_in(&base, "sec1").await;
    for (endpoint, body) in [
        ("survey_slips", ""),
        ("survey_revision_decide", "campaign_id=x"),
        ("save_activity", "branch_id=x&form=1&form[kind]=a"),
        ("audit_log", "page=-1"),
    ] {
        let res = c
            .post(format!("{base}/api/{endpoint}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{endpoint} {body}");
        let reason: serde_json::Value = res.json().await.unwrap();
        assert!(reason["Invalid"].is_string(), "{endpoint}: {reason}");
    }
}

on_both_backends!(
    unreadable_arguments_are_the_clients_mistake,
    pull_and_the_protocol_description_are_served,
    photos_are_kept_within_limits_and_shown_to_organisers,
    unauthenticated_requests_are_turned_away,
    sign_in_opens_and_sign_out_closes_a_session,
    the_same_batch_twice_is_stored_once,
    bad_bodies_get_clear_errors_and_store_nothing,
    server_functions_check_the_role_and_the_branch,
    responses_are_compressed_for_slow_networks,
    requests_from_another_site_change_nothing,
    a_public_address_decides_the_origin_cookies_and_links,
    pages_carry_a_nonce_policy_and_other_responses_allow_no_inline_script,
);

/// With `XINGQI_PUBLIC_URL` set (xingqi behind a proxy at https://…), the public address is the
/// only origin a browser's state-changing request may come from, cookies are Secure although
/// the request reached the server over plain HTTP, and printed links use the public address.
async fn a_public_address_decides_the_origin_cookies_and_links(db: &Db) {
    let f = fixture(db).await;
    let campaign = crate::survey::open_campaign(db, &f).await;
    let base = common::serve_with_config(
        db,
        app::state::RuntimeConfig {
            public_url: Some(
                app::domain::public_url::PublicUrl::parse("https://xingqi.example.cn").unwrap(),
            ),
            ..app::state::RuntimeConfig::default()
        },
    )
    .await;
    let login = |origin: &'static str| {
        client()
            .post(format!("{base}/auth/login"))
            .header("origin", origin)
            .form(&[("username", "sec1"), ("password", PASSWORD), ("next", "")])
            .send()
    };
    // The server's own address is not the public one: refused.
    let res = login("http://127.0.0.1").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = login("https://xingqi.example.cn").await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    // The campaign's open link is printed with the public address.
    let token = app::survey::server::campaign_for_organiser(db, &f.sec1, &campaign)
        .await
        .unwrap()
        .open_token
        .unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    let page = reqwest::Client::new()
        .get(format!("{base}/surveys/{campaign}"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("https://xingqi.example.cn/survey/open/{token}")),
        "the open link names the public address"
    );
}

/// Every page names a fresh nonce in its policy and on its inline scripts (no inline script runs
/// without it; WebAssembly may run); every other response allows no inline script at all; no
/// response may be framed.
async fn pages_carry_a_nonce_policy_and_other_responses_allow_no_inline_script(db: &Db) {
    fixture(db).await;
    let base = serve(db).await;
    let policy = |res: &reqwest::Response| {
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let first = client().get(format!("{base}/login")).send().await.unwrap();
    let second = client().get(format!("{base}/login")).send().await.unwrap();
    let (p1, p2) = (policy(&first), policy(&second));
    let nonce = |p: &str| {
        let start = p.find("'nonce-").expect("a nonce") + 7;
        p[start..start + p[start..].find('\'').unwrap()].to_owned()
    };
    assert_ne!(nonce(&p1), nonce(&p2), "a fresh nonce per response");
    assert!(p1.contains("'wasm-unsafe-eval'") && p1.contains("frame-ancestors 'none'"));
    let html = first.text().await.unwrap();
    let n1 = nonce(&p1);
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("nonce=\"{n1}\"")).count();
    assert!(
        scripts > 0 && with_nonce >= scripts,
        "{scripts} scripts, {with_nonce} with the nonce"
    );
    assert!(!html.contains("onclick="), "no inline handlers");
    for path in ["/healthz", "/api/v1/openapi.json"] {
        let res = client().get(format!("{base}{path}")).send().await.unwrap();
        let p = policy(&res);
        assert!(
            p.contains("script-src 'self';") && !p.contains("nonce-"),
            "{path}: {p}"
        );
        assert!(p.contains("frame-ancestors 'none'"), "{path}");
    }
}

/// A page on another site cannot act through a member's browser: sign-in, server functions,
/// pushes and sign-out from another origin are refused before they run; a push that does not
/// say it is JSON (what a plain form sends) is refused; the same requests from this site pass;
/// and the page to go to after sign-in is always a path on this site.
async fn requests_from_another_site_change_nothing(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let evil = [("origin", "https://evil.example")];
    let cross = [("sec-fetch-site", "cross-site")];
    let own_origin = base.clone();
    let login = |c: &reqwest::Client, headers: &[(&'static str, &str)]| {
        let mut req = c.post(format!("{base}/auth/login")).form(&[
            ("username", "m1a"),
            ("password", PASSWORD),
            ("next", ""),
        ]);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send()
    };
    for headers in [&evil[..], &cross[..]] {
        let c = client();
        let res = login(&c, headers).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert!(
            res.headers().get("set-cookie").is_none(),
            "no session from another site"
        );
    }
    let c = client();
    let res = login(
        &c,
        &[
            ("origin", own_origin.as_str()),
            ("sec-fetch-site", "same-origin"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "this site signs in");

    let member = sign_in(&base, "m1a").await;
    let record = serde_json::json!({ "records": [f.checkin_now(v7(), &f.today, &f.m1a)] });
    for (k, v) in [evil[0], cross[0]] {
        let res = member
            .post(format!("{base}/api/v1/sync/push"))
            .header(k, v)
            .json(&record)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = member
            .post(format!("{base}/api/my_activities"))
            .header(k, v)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let res = member
        .post(format!("{base}/api/v1/sync/push"))
        .header("content-type", "text/plain")
        .body(record.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        checkins(db).await,
        0,
        "nothing pushed from another site is stored"
    );
    let res = member
        .post(format!("{base}/auth/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "nor signed out");
    let r = push(&member, &base, vec![f.checkin_now(v7(), &f.today, &f.m1a)]).await;
    assert_eq!(
        r.results[0].status,
        PushStatus::Accepted,
        "still signed in, from this site"
    );
    let res = member.get(format!("{base}/me")).send().await.unwrap();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
    ] {
        let header = res.headers()[name].to_str().unwrap();
        assert!(header.contains(value), "{name} on every page: {header}");
    }
    let res = member
        .post(format!("{base}/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["clear-site-data"], "\"cache\", \"cookies\"");
    let res = member.get(format!("{base}/me")).send().await.unwrap();
    assert_eq!(location(&res), "/login?next=/me", "signed out");

    // The session cookie is Secure wherever xingqi is not reached on this machine itself.
    for (host, secure) in [("xingqi.example.cn", true), ("127.0.0.1", false)] {
        let res = client()
            .post(format!("{base}/auth/login"))
            .header("host", host)
            .form(&[("username", "m1a"), ("password", PASSWORD), ("next", "")])
            .send()
            .await
            .unwrap();
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert_eq!(cookie.contains("; Secure"), secure, "{host}: {cookie}");
    }

    for sneaky in [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/a\r\nSet-Cookie: x=1",
    ] {
        let res = client()
            .post(format!("{base}/auth/login"))
            .form(&[
                ("username", "m1a"),
                ("password", PASSWORD),
                ("next", sneaky),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/me", "{sneaky:?}");
    }
}

/// Pages and API answers go out brotli- or gzip-compressed to whoever accepts it (phones on a
/// weak signal), and plain to whoever doesn't.
async fn responses_are_compressed_for_slow_networks(db: &Db) {
    fixture(db).await;
    let base = serve(db).await;
    let c = client();
    for (accept, expected) in [
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let res = c
            .get(format!("{base}/login"))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            expected,
            "Accept-Encoding: {accept}"
        );
    }
    let res = c
        .get(format!("{base}/api/v1/openapi.json"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
}
