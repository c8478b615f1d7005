//! Commitment letters (issue 11 point 3) on both backends: drafted and submitted by the branch,
//! returned and approved by the 总支, published by the branch; the public page and the poster
//! need no account and no script, show only what was published, and keep the earlier published
//! version when the letter changes; who may do what.

use crate::common;

use app::db::{Db, now_ms};
use app::domain::letter::LetterState;
use app::domain::time::year_of;
use app::error::AppError;
use app::letter::server::{decide, publish, save, view};
use common::{fixture, serve};
use reqwest::StatusCode;

const TITLE: &str = "第一党支部创五星争红旗承诺书";
const BODY: &str = "一、每月开展主题党日，党员参与率不低于 90%。\n二、结对帮扶困难学生 12 名。";

async fn get(base: &str, path: &str) -> (StatusCode, String) {
    let res = common::client()
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn a_letter_is_approved_published_and_read_by_anyone(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let year = year_of(now);
    let base = serve(db).await;
    // The seed's shape to start from; a member reads, another branch does not.
    let v = view(db, &f.sec1, &f.branch1, None, now).await.unwrap();
    assert!(v.record.is_none() && v.may_edit && v.title.contains("承诺书"));
    assert!(
        !view(db, &f.m1a, &f.branch1, None, now)
            .await
            .unwrap()
            .may_edit
    );
    assert_eq!(
        view(db, &f.m2a, &f.branch1, None, now).await.unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        save(db, &f.m1a, &f.branch1, year, (TITLE, BODY), true, now).await,
        Err(AppError::Forbidden)
    );
    assert!(matches!(
        save(db, &f.sec1, &f.branch1, year, (TITLE, " "), true, now).await,
        Err(AppError::Invalid(m)) if m.contains("承诺内容")
    ));
    save(db, &f.sec1, &f.branch1, year, (TITLE, BODY), true, now)
        .await
        .unwrap();
    // Not public before the 总支 approves; a secretary cannot approve.
    assert!(matches!(
        publish(db, &f.sec1, &f.branch1, year, now).await,
        Err(AppError::Invalid(m)) if m.contains("审批后")
    ));
    assert_eq!(
        decide(db, &f.sec1, &f.branch1, year, true, "", now).await,
        Err(AppError::Forbidden)
    );
    decide(db, &f.admin, &f.branch1, year, false, "请写明完成时限", now)
        .await
        .unwrap();
    let r = view(db, &f.sec1, &f.branch1, None, now)
        .await
        .unwrap()
        .record
        .unwrap();
    assert_eq!(
        (r.state, r.comment.as_str()),
        (LetterState::Returned, "请写明完成时限")
    );
    let body = format!("{BODY}\n（12 月底前完成）");
    save(db, &f.sec1, &f.branch1, year, (TITLE, &body), true, now)
        .await
        .unwrap();
    decide(db, &f.admin, &f.branch1, year, true, "", now)
        .await
        .unwrap();
    assert_eq!(
        publish(db, &f.m1a, &f.branch1, year, now).await,
        Err(AppError::Forbidden)
    );
    let path = publish(db, &f.sec1, &f.branch1, year, now).await.unwrap();
    let r = view(db, &f.m1a, &f.branch1, None, now)
        .await
        .unwrap()
        .record
        .unwrap();
    assert_eq!(r.state, LetterState::Published);
    assert_eq!(r.public_path.as_deref(), Some(path.as_str()));

    // Anyone reads it, without an account and without the app's scripts.
    let (status, page) = get(&base, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(TITLE) && page.contains("12 月底前完成"),
        "{page}"
    );
    assert!(!page.contains(".wasm"), "no wasm on the public page");
    assert!(!page.contains("历次公开的版本"), "no history yet");
    let (status, poster) = get(&base, &format!("{path}/poster")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(poster.contains("<svg") && poster.contains("扫码查看承诺书全文"));
    assert_eq!(
        get(&base, "/public/letter/0123456789abcdef0123456789abcdef")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&base, "/public/letter/nonsense").await.0,
        StatusCode::NOT_FOUND
    );

    // Changed after publishing: the public page keeps the published version until the new
    // one is approved and published, then shows both.
    let new_title = format!("{TITLE}（修订）");
    save(
        db,
        &f.sec1,
        &f.branch1,
        year,
        (&new_title, &body),
        true,
        now,
    )
    .await
    .unwrap();
    let (_, page) = get(&base, &path).await;
    assert!(!page.contains("（修订）"), "the draft is not public");
    decide(db, &f.admin, &f.branch1, year, true, "", now)
        .await
        .unwrap();
    assert_eq!(
        publish(db, &f.sec1, &f.branch1, year, now).await.unwrap(),
        path
    );
    let (_, page) = get(&base, &path).await;
    assert!(page.contains("（修订）"));
    assert!(page.contains("历次公开的版本"));
    assert!(page.contains(&format!("公开：{TITLE}<")), "{page}");
    // The 总支's dashboard shows each letter's state.
    let overview = common::sign_in(&base, "admin")
        .await
        .get(format!("{base}/rating"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(overview.contains("已公开"), "branch 1's letter");
    assert!(overview.contains("尚未起草"), "branch 2's letter");
}

async fn a_general_branchs_letter_is_approved_by_the_bureau(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let year = year_of(now);
    common::bureau(db, &[&f.school], "bviewer", "badmin").await;
    let badmin = app::auth::server::sign_in(
        db,
        "badmin",
        app::auth::server::Password::new(common::PASSWORD),
        60_000,
    )
    .await
    .unwrap()
    .1;
    save(
        db,
        &f.admin,
        &f.school,
        year,
        ("总支承诺书", BODY),
        true,
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        decide(db, &f.admin, &f.school, year, true, "", now).await,
        Err(AppError::Forbidden)
    );
    decide(db, &badmin, &f.school, year, true, "", now)
        .await
        .unwrap();
    publish(db, &f.admin, &f.school, year, now).await.unwrap();
    assert_eq!(
        view(db, &f.sec1, &f.school, None, now).await.unwrap_err(),
        AppError::Forbidden
    );
}

/// Publishes branch 1's letter and returns its token.
async fn published(db: &Db, f: &common::Fixture) -> String {
    let (now, year) = (now_ms(), year_of(now_ms()));
    save(db, &f.sec1, &f.branch1, year, (TITLE, BODY), true, now)
        .await
        .unwrap();
    decide(db, &f.admin, &f.branch1, year, true, "", now)
        .await
        .unwrap();
    let path = publish(db, &f.sec1, &f.branch1, year, now).await.unwrap();
    path.rsplit('/').next().unwrap().to_owned()
}

fn sent<'a>(
    token: &'a str,
    body: &'a str,
    stamp: &'a str,
    trap: &'a str,
) -> app::letter::feedback::Sent<'a> {
    app::letter::feedback::Sent {
        token,
        body,
        stamp,
        trap,
    }
}

async fn the_public_leaves_feedback_the_branch_replies_the_general_branch_decides(db: &Db) {
    use app::letter::feedback::{decide as show, reply, send, stamp};
    let f = fixture(db).await;
    let token = published(db, &f).await;
    let now = now_ms();
    let base = serve(db).await;
    let good = stamp(db, &token, now - 10_000).await.unwrap();
    let body = "希望支部多组织党员到社区开展志愿服务。";
    // What a script does is refused with the reason: the hidden field filled, a form sent at
    // once, a forged or missing stamp, spam-like text.
    let refused = |r: Result<(), AppError>, part: &str| match r {
        Err(AppError::Invalid(m)) => assert!(m.contains(part), "{m} should say {part}"),
        other => panic!("expected a refusal saying {part}, got {other:?}"),
    };
    refused(
        send(db, &sent(&token, body, &good, "http://spam"), now).await,
        "未能提交",
    );
    let fresh = stamp(db, &token, now - 1_000).await.unwrap();
    refused(
        send(db, &sent(&token, body, &fresh, ""), now).await,
        "提交太快",
    );
    refused(
        send(db, &sent(&token, body, "1.abc", ""), now).await,
        "表单已失效",
    );
    refused(
        send(db, &sent(&token, body, "", ""), now).await,
        "表单已失效",
    );
    refused(
        send(db, &sent(&token, "好", &good, ""), now).await,
        "5 至 500",
    );
    let other_letter = stamp(db, "0123456789abcdef0123456789abcdef", now - 10_000)
        .await
        .unwrap();
    refused(
        send(db, &sent(&token, body, &other_letter, ""), now).await,
        "表单已失效",
    );
    send(db, &sent(&token, body, &good, ""), now).await.unwrap();
    refused(
        send(db, &sent(&token, body, &good, ""), now).await,
        "已经收到",
    );
    // Stored without anything about the sender: a random id and the day.
    let (id, day): (String, String) = sqlx::query_as("SELECT id, received_on FROM letter_feedback")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    assert_eq!(day.len(), 10);
    // Not public until the 总支 approves it.
    let public = |base: String, token: String| async move {
        get(&base, &format!("/public/letter/{token}")).await.1
    };
    assert!(!public(base.clone(), token.clone()).await.contains(body));
    assert_eq!(
        reply(db, &f.m1a, &id, "谢谢建议", now).await,
        Err(AppError::Forbidden)
    );
    reply(db, &f.sec1, &id, "谢谢建议，已列入下季度计划。", now)
        .await
        .unwrap();
    assert_eq!(
        show(db, &f.sec1, &id, false, true).await,
        Err(AppError::Forbidden)
    );
    show(db, &f.admin, &id, false, true).await.unwrap();
    let page = public(base.clone(), token.clone()).await;
    assert!(page.contains(body), "the feedback, approved");
    assert!(!page.contains("已列入下季度计划"), "the reply, not yet");
    show(db, &f.admin, &id, true, true).await.unwrap();
    assert!(
        public(base.clone(), token.clone())
            .await
            .contains("已列入下季度计划")
    );
    // The branch's page lists it for its readers, not for another branch.
    let v = view(db, &f.m1a, &f.branch1, None, now).await.unwrap();
    assert_eq!(v.feedback.len(), 1);
    assert!(v.feedback[0].shown && v.feedback[0].reply_shown);
    // The year's archive keeps the letter and the feedback with its reply.
    use calamine::Reader;
    let bytes = common::sign_in(&base, "admin")
        .await
        .get(format!("{base}/rating/archive.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("承诺书与群众监督").unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    for expected in [
        TITLE,
        body,
        "谢谢建议，已列入下季度计划。",
        "已公开",
        "尚未起草",
    ] {
        assert!(cells.iter().any(|c| c == expected), "{expected}: {cells:?}");
    }
}

async fn feedback_over_http_is_limited_per_address(db: &Db) {
    let f = fixture(db).await;
    let token = published(db, &f).await;
    let base = serve(db).await;
    let page = get(&base, &format!("/public/letter/{token}")).await.1;
    assert!(page.contains("提交留言") && page.contains(r#"name="stamp""#));
    let visitor = common::client();
    let post = |body: String| {
        let visitor = visitor.clone();
        let url = format!("{base}/api/letter_feedback_send");
        let token = token.clone();
        async move {
            visitor
                .post(url)
                .form(&[
                    ("token", token),
                    ("body", body),
                    ("stamp", "0.forged".to_owned()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // A form sent at once from the page (a plain browser post): refused, and the page it goes
    // back to says why.
    let stamp = page
        .split(r#"name="stamp" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let res = visitor
        .post(format!("{base}/api/letter_feedback_send"))
        .header("accept", "text/html")
        .header("referer", format!("{base}/public/letter/{token}"))
        .form(&[
            ("token", token.clone()),
            ("body", "太快提交的一条留言".to_owned()),
            ("stamp", stamp),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    let again = visitor
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("提交太快了，请稍等几秒再提交"), "{again}");
    // Ten more refused tries (eleven in all) and the limit is reached.

    for i in 0..9 {
        assert_eq!(
            post(format!("第 {i} 条留言内容")).await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        post("第 11 条留言内容".into()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn members_commitments_are_approved_by_the_branch_and_published_with_the_letter(db: &Db) {
    use app::letter::pledge::{Pledge, decide as judge, submit};
    let f = fixture(db).await;
    let token = published(db, &f).await;
    let base = serve(db).await;
    let (now, year) = (now_ms(), year_of(now_ms()));
    let mine = |pledge: &'static str| Pledge {
        year,
        with_post: true,
        post: "教研组长",
        pledge,
    };
    assert_eq!(
        submit(db, &f.admin, &mine("x"), now).await,
        Err(AppError::Forbidden),
        "the 总支's admin is no branch member"
    );
    assert!(matches!(
        submit(db, &f.m1a, &mine(" "), now).await,
        Err(AppError::Invalid(m)) if m.contains("承诺内容")
    ));
    submit(db, &f.m1a, &mine("带头上好示范课，每学期 2 节。"), now)
        .await
        .unwrap();
    // Not public until the branch approves; a member cannot approve, nor another branch.
    let (_, page) = get(&base, &format!("/public/letter/{token}")).await;
    assert!(!page.contains("带头上好示范课"));
    for who in [&f.m1b, &f.m2a] {
        assert_eq!(
            judge(db, who, &f.m1a.id, year, true, "", now).await,
            Err(AppError::Forbidden)
        );
    }
    judge(db, &f.sec1, &f.m1a.id, year, true, "", now)
        .await
        .unwrap();
    let (_, page) = get(&base, &format!("/public/letter/{token}")).await;
    assert!(
        page.contains("带头上好示范课") && page.contains("教研组长"),
        "{page}"
    );
    // It counts as evidence for 作用发挥's commitments criterion, shown beside it.
    let rating = app::rating::server::view(
        db,
        &f.sec1,
        &app::state::RuntimeConfig::default(),
        &f.branch1,
        Some(year),
        now,
    )
    .await
    .unwrap();
    let e = rating
        .evidence
        .iter()
        .find(|e| e.criterion == "post_commitments")
        .unwrap();
    assert_eq!(
        e.from_records,
        "支部已审核党员岗位承诺 1 份（见本年度承诺书页面）"
    );
    // A rewrite is submitted again and leaves the public page until approved.
    submit(db, &f.m1a, &mine("带头上好示范课，每学期 3 节。"), now)
        .await
        .unwrap();
    let (_, page) = get(&base, &format!("/public/letter/{token}")).await;
    assert!(!page.contains("带头上好示范课"));
}

on_both_backends!(
    members_commitments_are_approved_by_the_branch_and_published_with_the_letter,
    a_letter_is_approved_published_and_read_by_anyone,
    a_general_branchs_letter_is_approved_by_the_bureau,
    the_public_leaves_feedback_the_branch_replies_the_general_branch_decides,
    feedback_over_http_is_limited_per_address,
);
