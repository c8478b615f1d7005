//! Satisfaction surveys on both backends: answers stored once per code or device, refusals
//! that store nothing, figures from the stored counts, anonymity, and the form over HTTP.

use crate::common;

use app::db::Db;
use app::domain::ballot::{Audience, Definition};
use app::domain::survey::Verdict;
use app::error::AppError;
use app::survey::server::{
    Credential, Outcome, Refusal, Submission, change_details, create_campaign, create_invites,
    issue_mark, results, submit,
};
use app::survey::{CampaignDetails, NewCampaign};
use common::{Fixture, client as browser, fixture, serve, v7};
use sqlx::Row;
use std::collections::BTreeMap;
use uuid::Uuid;

const DAY_MS: i64 = 24 * 3_600_000;

fn day(offset_days: i64) -> String {
    app::domain::time::date_of(app::db::now_ms() + offset_days * DAY_MS)
        .unwrap()
        .to_string()
}

/// A campaign of branch 1. Its minimum group is 1, so the tests can count single answers;
/// the suppression of small groups has its own test.
fn campaign(f: &Fixture, opens: i64, closes: i64) -> NewCampaign {
    let mut definition = Definition::seed("第一党支部");
    definition.min_group = 1;
    NewCampaign {
        org_id: f.branch1.clone(),
        title: "2026年度满意度测评".into(),
        period: format!("{}年度", app::domain::time::year_of(app::db::now_ms())),
        opens_on: day(opens),
        closes_on: day(closes),
        definition,
        open_link: true,
        rating_year: None,
    }
}

/// A moment after the test campaigns (open until tomorrow) have closed: their results are
/// withheld until then.
fn after_close(now: i64) -> i64 {
    now + 3 * DAY_MS
}

/// Ends a campaign yesterday, for tests that read its results over HTTP.
pub(crate) async fn close_campaign(db: &Db, id: &str) {
    sqlx::query("UPDATE survey_campaigns SET opens_on = $2, closes_on = $3 WHERE id = $1")
        .bind(id)
        .bind(day(-3))
        .bind(day(-1))
        .execute(db.pool())
        .await
        .unwrap();
}

pub(crate) async fn open_campaign(db: &Db, f: &Fixture) -> String {
    create_campaign(db, &f.sec1, &campaign(f, -1, 1), app::db::now_ms())
        .await
        .unwrap()
}

/// `n` new codes for `audience` (the ones not used yet, newest batch included).
pub(crate) async fn codes(
    db: &Db,
    f: &Fixture,
    id: &str,
    audience: Audience,
    n: u32,
) -> Vec<String> {
    create_invites(db, &f.sec1, id, audience, n).await.unwrap();
    sqlx::query_scalar(
        "SELECT code FROM survey_invites WHERE campaign_id = $1 AND audience = $2 AND used = 0 \
         ORDER BY code",
    )
    .bind(id)
    .bind(audience.key())
    .fetch_all(db.pool())
    .await
    .unwrap()
}

fn choices(org: u8, secretary: u8) -> BTreeMap<String, u8> {
    [("org".to_owned(), org), ("secretary".to_owned(), secretary)]
        .into_iter()
        .collect()
}

fn by_code(campaign: &str, code: &str, org: u8, secretary: u8) -> Submission {
    Submission {
        id: v7(),
        campaign_id: campaign.to_owned(),
        version: 1,
        credential: Credential::Code(code.to_owned()),
        audience: None,
        choices: choices(org, secretary),
        comment: None,
    }
}

pub(crate) async fn answers_stored(db: &Db) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM survey_answers")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

async fn a_code_answers_once_and_a_retry_is_a_duplicate(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let code = codes(db, &f, &id, Audience::Parents, 2).await;
    let now = app::db::now_ms();
    let first = by_code(&id, &code[0], 0, 1);
    assert_eq!(submit(db, &first, now).await.unwrap(), Outcome::Accepted);
    assert_eq!(submit(db, &first, now).await.unwrap(), Outcome::Duplicate);
    let mut changed = first.clone();
    changed.choices = choices(2, 2);
    assert_eq!(submit(db, &changed, now).await.unwrap(), Outcome::Conflict);
    // The code is spent: another answer with it is refused, whatever its content.
    let again = by_code(&id, &code[0], 0, 0);
    assert_eq!(
        submit(db, &again, now).await.unwrap(),
        Outcome::Rejected(Refusal::UsedCode)
    );
    // Typed loosely (lower case, no dash) the second code still works.
    let loose = code[1].to_lowercase().replace('-', " ");
    assert_eq!(
        submit(db, &by_code(&id, &loose, 1, 0), now).await.unwrap(),
        Outcome::Accepted
    );
    assert_eq!(
        submit(db, &by_code(&id, "ZZZZ-ZZZZ", 1, 0), now)
            .await
            .unwrap(),
        Outcome::Rejected(Refusal::UnknownCode)
    );
    assert_eq!(answers_stored(db).await, 2);
    let r = results(db, &f.sec1, &id, after_close(now)).await.unwrap();
    let parents = r.group("parents").unwrap();
    assert_eq!(parents.questions[0].tally.counts, vec![1, 1, 0]);
    assert_eq!(parents.questions[1].tally.counts, vec![1, 1, 0]);
    assert_eq!((r.invites_issued, r.invites_used), (2, 2));
}

async fn refused_answers_store_nothing_and_keep_the_code(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let code = codes(db, &f, &id, Audience::Staff, 1).await.remove(0);
    let now = app::db::now_ms();
    let mut missing = by_code(&id, &code, 0, 0);
    missing.choices.remove("secretary");
    let mut out_of_range = by_code(&id, &code, 0, 0);
    out_of_range.choices.insert("org".into(), 9);
    let mut unknown_question = by_code(&id, &code, 0, 0);
    unknown_question.choices.insert("q7".into(), 0);
    let mut long_comment = by_code(&id, &code, 0, 0);
    long_comment.comment = Some("很".repeat(501));
    let mut wrong_version = by_code(&id, &code, 0, 0);
    wrong_version.version = 2;
    for (bad, code_name) in [
        (missing, "invalid_answer"),
        (out_of_range, "invalid_answer"),
        (unknown_question, "invalid_answer"),
        (long_comment, "invalid_answer"),
        (wrong_version, "wrong_version"),
    ] {
        match submit(db, &bad, now).await.unwrap() {
            Outcome::Rejected(r) => assert_eq!(r.code(), code_name, "{r}"),
            other => panic!("{bad:?} was {other:?}"),
        }
    }
    assert_eq!(answers_stored(db).await, 0, "nothing stored");
    // The code was not spent by the refusals: the corrected answer goes in.
    let mut fine = by_code(&id, &code, 0, 3);
    fine.comment = Some("很".repeat(500));
    assert_eq!(submit(db, &fine, now).await.unwrap(), Outcome::Accepted);
    let r = results(db, &f.sec1, &id, after_close(now)).await.unwrap();
    assert_eq!(r.group("staff").unwrap().questions[1].tally.dont_know, 1);
}

async fn closed_and_unopened_campaigns_refuse_answers(db: &Db) {
    let f = fixture(db).await;
    let now = app::db::now_ms();
    let closed = create_campaign(db, &f.sec1, &campaign(&f, -10, -1), now)
        .await
        .unwrap();
    let later = create_campaign(db, &f.sec1, &campaign(&f, 1, 10), now)
        .await
        .unwrap();
    for (id, expected) in [(closed, "closed"), (later, "not_open")] {
        let code = codes(db, &f, &id, Audience::Parents, 1).await.remove(0);
        match submit(db, &by_code(&id, &code, 0, 0), now).await.unwrap() {
            Outcome::Rejected(r) => assert_eq!(r.code(), expected),
            other => panic!("{other:?}"),
        }
        let gate = app::survey::server::entry_by_code(db, &code, now)
            .await
            .unwrap();
        assert_eq!(gate.unwrap_err().code(), expected);
    }
    assert_eq!(answers_stored(db).await, 0);
    // Dates are checked when the campaign is made.
    let mut backwards = campaign(&f, 5, 1);
    backwards.title = "倒序".into();
    assert!(matches!(
        create_campaign(db, &f.sec1, &backwards, now).await,
        Err(AppError::Invalid(_))
    ));
}

/// An organiser renames a campaign, ends it early and extends it again; the answer pages follow
/// at once, and only the organisation's organisers may do it — over HTTP too.
async fn organisers_move_a_campaigns_dates_and_the_pages_follow(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let code = codes(db, &f, &id, Audience::Parents, 1).await.remove(0);
    let now = app::db::now_ms();
    let details = |opens: i64, closes: i64| CampaignDetails {
        title: " 2026年度家长满意度测评 ".into(),
        period: "2026年度".into(),
        opens_on: day(opens),
        closes_on: day(closes),
        rating_year: None,
    };
    for (who, expected) in [(&f.m1a, AppError::Forbidden), (&f.m2a, AppError::Forbidden)] {
        assert_eq!(
            change_details(db, who, &id, &details(-1, -1))
                .await
                .unwrap_err(),
            expected
        );
    }
    for bad in [
        details(2, 1),
        CampaignDetails {
            title: "  ".into(),
            ..details(-1, 1)
        },
        CampaignDetails {
            closes_on: "2026-13-01".into(),
            ..details(-1, 1)
        },
        // A rating year the campaign does not speak of: neither the year it runs in nor the
        // one before.
        CampaignDetails {
            rating_year: Some(app::domain::time::year_of(now) - 2),
            ..details(-1, 1)
        },
        CampaignDetails {
            rating_year: Some(app::domain::time::year_of(now) + 1),
            ..details(-1, -1)
        },
    ] {
        assert!(matches!(
            change_details(db, &f.sec1, &id, &bad).await,
            Err(AppError::Invalid(_))
        ));
    }
    let info = |r: app::survey::CampaignResults| r.info;
    assert_eq!(
        info(results(db, &f.sec1, &id, now).await.unwrap()).title,
        "2026年度满意度测评",
        "refused changes change nothing"
    );

    // Ended early: yesterday was the last day.
    change_details(db, &f.sec1, &id, &details(-1, -1))
        .await
        .unwrap();
    let changed = info(results(db, &f.sec1, &id, now).await.unwrap());
    assert_eq!(
        (changed.title.as_str(), changed.closes_on.clone()),
        ("2026年度家长满意度测评", day(-1))
    );
    let gate = app::survey::server::entry_by_code(db, &code, now)
        .await
        .unwrap();
    assert_eq!(gate.unwrap_err().code(), "closed");
    match submit(db, &by_code(&id, &code, 0, 0), now).await.unwrap() {
        Outcome::Rejected(r) => assert_eq!(r.code(), "closed"),
        other => panic!("{other:?}"),
    }

    // Over HTTP, as the form posts it: a member is refused, the secretary extends it.
    let base = serve(db).await;
    let form = |closes: i64| {
        vec![
            ("campaign_id", id.clone()),
            ("details[title]", "2026年度家长满意度测评".to_owned()),
            ("details[period]", "2026年度".to_owned()),
            ("details[opens_on]", day(-1)),
            ("details[closes_on]", day(closes)),
        ]
    };
    let member = signed_in(&base, "m1a").await;
    let res = member
        .post(format!("{base}/api/survey_details"))
        .form(&form(3))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(
        entry_by_code_now(db, &code).await.is_err(),
        "still closed after the member's try"
    );
    let sec = signed_in(&base, "sec1").await;
    // Without JavaScript a mistake comes back on the form's own page, with the reason.
    let edit = format!("{base}/surveys/{id}/edit");
    let res = sec
        .post(format!("{base}/api/survey_details"))
        .header("accept", "text/html")
        .header("referer", &edit)
        .form(&form(-2))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with(&edit), "{back}");
    let page = sec.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("结束日期不能早于开始日期"),
        "the form says why"
    );
    assert!(entry_by_code_now(db, &code).await.is_err(), "still closed");
    let res = sec
        .post(format!("{base}/api/survey_details"))
        .header("accept", "text/html")
        .header("referer", &edit)
        .form(&form(3))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/surveys/{id}")
    );
    assert!(entry_by_code_now(db, &code).await.is_ok(), "open again");
    assert_eq!(
        submit(db, &by_code(&id, &code, 0, 0), now).await.unwrap(),
        Outcome::Accepted
    );
}

async fn entry_by_code_now(db: &Db, code: &str) -> Result<app::survey::server::Entry, Refusal> {
    app::survey::server::entry_by_code(db, code, app::db::now_ms())
        .await
        .unwrap()
}

async fn the_open_link_takes_one_answer_per_device(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let token = app::survey::server::campaign_for_organiser(db, &f.sec1, &id)
        .await
        .unwrap()
        .open_token
        .unwrap();
    let now = app::db::now_ms();
    let open = |mark: &str, audience: Option<Audience>| Submission {
        id: v7(),
        campaign_id: id.clone(),
        version: 1,
        credential: Credential::Open {
            token: token.clone(),
            mark: mark.to_owned(),
        },
        audience,
        choices: choices(0, 0),
        comment: None,
    };
    let (a, b, c) = (
        issue_mark(db).await.unwrap(),
        issue_mark(db).await.unwrap(),
        issue_mark(db).await.unwrap(),
    );
    assert_ne!(a, b);
    let phone_a = open(&a, Some(Audience::Parents));
    assert_eq!(submit(db, &phone_a, now).await.unwrap(), Outcome::Accepted);
    assert_eq!(submit(db, &phone_a, now).await.unwrap(), Outcome::Duplicate);
    assert_eq!(
        submit(db, &open(&a, Some(Audience::Parents)), now)
            .await
            .unwrap(),
        Outcome::Rejected(Refusal::DeviceUsed)
    );
    assert_eq!(
        submit(db, &open(&b, Some(Audience::Staff)), now)
            .await
            .unwrap(),
        Outcome::Accepted
    );
    // Marks the server did not sign: none, made up, or a signed one with another nonce.
    let (nonce, signature) = c.split_once('.').unwrap();
    let forged = [
        String::new(),
        "a".into(),
        format!("{}.{signature}", "0".repeat(32)),
        format!("{nonce}.{}", "f".repeat(32)),
    ];
    for mark in &forged {
        assert_eq!(
            submit(db, &open(mark, Some(Audience::Staff)), now)
                .await
                .unwrap(),
            Outcome::Rejected(Refusal::NoDevice),
            "{mark}"
        );
    }
    assert_eq!(
        submit(db, &open(&c, None), now).await.unwrap(),
        Outcome::Rejected(Refusal::NoAudience)
    );
    let mut wrong_token = open(&c, Some(Audience::Staff));
    wrong_token.credential = Credential::Open {
        token: "nope".into(),
        mark: c.clone(),
    };
    assert_eq!(
        submit(db, &wrong_token, now).await.unwrap(),
        Outcome::Rejected(Refusal::UnknownCampaign)
    );
    assert_eq!(answers_stored(db).await, 2);
    // The stored uses are keyed hashes of campaign and nonce: neither the mark nor its nonce.
    let uses: Vec<String> = sqlx::query_scalar("SELECT device_hash FROM survey_open_uses")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(uses.len(), 2);
    for u in &uses {
        assert!(!u.contains(a.split_once('.').unwrap().0) && !u.contains(&b[..32]));
    }
    // The same mark answers another campaign of the same link-giver once more: salted apart.
    let other = create_campaign(db, &f.sec1, &campaign(&f, -1, 1), now)
        .await
        .unwrap();
    let other_token = app::survey::server::campaign_for_organiser(db, &f.sec1, &other)
        .await
        .unwrap()
        .open_token
        .unwrap();
    let mut elsewhere = open(&a, Some(Audience::Parents));
    elsewhere.campaign_id = other.clone();
    elsewhere.credential = Credential::Open {
        token: other_token,
        mark: a.clone(),
    };
    assert_eq!(
        submit(db, &elsewhere, now).await.unwrap(),
        Outcome::Accepted
    );
}

/// Anonymity: nothing stored with an answer names the code, the person, the device, the
/// record id or the time; and no stored value joins an answer to an invite or a device.
async fn no_stored_path_leads_from_an_answer_to_a_code_or_a_person(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let code = codes(db, &f, &id, Audience::Members, 1).await.remove(0);
    let now = app::db::now_ms();
    let mut answer = by_code(&id, &code, 0, 1);
    answer.comment = Some("希望多组织主题党日".into());
    let record_id: Uuid = answer.id;
    assert_eq!(submit(db, &answer, now).await.unwrap(), Outcome::Accepted);

    // The answer tables' columns are exactly these: no code, person, device, address or time.
    let columns = |table: &'static str| async move {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
            .fetch_one(db.pool())
            .await
            .unwrap();
        use sqlx::Column;
        let names: Vec<String> = row.columns().iter().map(|c| c.name().to_owned()).collect();
        let values: Vec<String> = (0..row.columns().len())
            .map(|i| {
                row.try_get::<String, _>(i)
                    .or_else(|_| row.try_get::<i64, _>(i).map(|v| v.to_string()))
                    .unwrap_or_default()
            })
            .collect();
        (names, values)
    };
    let (answer_cols, answer_values) = columns("survey_answers").await;
    assert_eq!(
        answer_cols,
        [
            "id_hash",
            "campaign_id",
            "version",
            "audience",
            "comment",
            "content_hash",
            "via"
        ]
    );
    let (choice_cols, _) = columns("survey_choices").await;
    assert_eq!(choice_cols, ["answer_id", "question", "choice"]);
    // On SQLite the answer tables keep no insertion order: there is no rowid to read.
    if db.backend() == app::db::Backend::Sqlite {
        for table in ["survey_answers", "survey_choices"] {
            let rowid = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT rowid FROM {table}")))
                .fetch_all(db.pool())
                .await;
            assert!(rowid.is_err(), "{table} has a rowid");
        }
    }

    // No value stored with the answer is the record id, a code, a user, or near the time.
    let secrets = [
        record_id.to_string(),
        record_id.simple().to_string(),
        code.clone(),
        app::survey::server::normalise_code(&code),
        f.m1a.id.clone(),
        f.sec1.id.clone(),
    ];
    for v in &answer_values {
        for s in &secrets {
            assert!(!v.contains(s.as_str()), "{v} reveals {s}");
        }
        if let Ok(n) = v.parse::<i64>() {
            assert!(
                (n - now).abs() > DAY_MS,
                "{n} looks like the time of the answer"
            );
        }
    }
    // The invite row and the answer row share no value but the campaign and the audience.
    let invite =
        sqlx::query("SELECT code_hash, code, campaign_id, audience, used FROM survey_invites")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let invite_values: Vec<String> = ["code_hash", "code", "campaign_id", "audience"]
        .iter()
        .map(|c| invite.try_get::<String, _>(*c).unwrap())
        .collect();
    let shared: Vec<&String> = answer_values
        .iter()
        .filter(|v| !v.is_empty() && invite_values.contains(v))
        .collect();
    assert_eq!(shared, [&id, &"members".to_owned()]);
    // And the code's row says only that it was used: no answer, no time.
    let invite_cols: Vec<String> = {
        use sqlx::Column;
        invite
            .columns()
            .iter()
            .map(|c| c.name().to_owned())
            .collect()
    };
    assert_eq!(
        invite_cols,
        ["code_hash", "code", "campaign_id", "audience", "used"]
    );
}

async fn figures_follow_the_stored_counts(db: &Db) {
    let f = fixture(db).await;
    let now = app::db::now_ms();
    let mut new = campaign(&f, -1, 1);
    new.definition.min_group = 10;
    let id = create_campaign(db, &f.sec1, &new, now).await.unwrap();
    // Parents: 满意 × 12, 基本满意 × 6, 不满意 × 2, 不了解 × 1 on the organisation question:
    // valid 20, satisfied 18 → exactly 90 %.
    let parents = codes(db, &f, &id, Audience::Parents, 21).await;
    let org_choices = [vec![0u8; 12], vec![1; 6], vec![2; 2], vec![3; 1]].concat();
    for (code, org) in parents.iter().zip(org_choices) {
        assert_eq!(
            submit(db, &by_code(&id, code, org, 0), now).await.unwrap(),
            Outcome::Accepted
        );
    }
    // Staff: 3 answers, below the minimum group of 10: counts only.
    for code in codes(db, &f, &id, Audience::Staff, 3).await {
        submit(db, &by_code(&id, &code, 0, 0), now).await.unwrap();
    }
    let r = results(db, &f.sec1, &id, after_close(now)).await.unwrap();
    let org = &r.group("parents").unwrap().questions[0];
    assert_eq!(
        (org.tally.counts.clone(), org.tally.dont_know),
        (vec![12, 6, 2], 1)
    );
    assert_eq!(org.figure.valid, 20);
    assert_eq!(org.figure.star, Verdict::Met);
    assert_eq!(org.figure.red_flag, Verdict::NotMet);
    let staff = &r.group("staff").unwrap().questions[0];
    assert_eq!(
        staff.figure.star,
        Verdict::NoData,
        "withheld: too few to show anything"
    );
    assert_eq!(staff.figure.value, None);
    // The masses combined: 23 valid on the organisation, 21 satisfied.
    let masses = &r.group("masses").unwrap().questions[0];
    assert_eq!(masses.tally.counts, vec![15, 6, 2]);
    assert_eq!(masses.figure.valid, 23);
    // The secretary's satisfaction among the masses: 24 of 24 满意 — 100 %, yet the Wilson
    // interval's lower end is 86.2 %: met, but not with confidence.
    let secretary = &r.group("masses").unwrap().questions[1];
    assert_eq!(secretary.tally.counts, vec![24, 0, 0]);
    assert_eq!(secretary.figure.star, Verdict::Met);
    let (lo, _) = secretary.figure.interval.unwrap();
    assert!((lo - 0.862).abs() < 0.001, "{lo}");
    // Three staff are fewer than the minimum group: their count is withheld too.
    assert_eq!(
        r.responses,
        vec![
            (Audience::Members, Some(0)),
            (Audience::Staff, None),
            (Audience::Parents, Some(21)),
            (Audience::Others, Some(0)),
        ]
    );
    assert!(staff.suppressed);
}

async fn only_organisers_of_the_organisation_read_a_campaign(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let now = app::db::now_ms();
    assert!(results(db, &f.sec1, &id, now).await.is_ok());
    assert!(
        results(db, &f.admin, &id, now).await.is_ok(),
        "the school's admin"
    );
    assert_eq!(
        results(db, &f.m1a, &id, now).await.unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        create_invites(db, &f.m1a, &id, Audience::Parents, 3)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    let mut other = campaign(&f, 0, 1);
    other.org_id = f.branch2.clone();
    assert_eq!(
        create_campaign(db, &f.sec1, &other, now).await.unwrap_err(),
        AppError::Forbidden,
        "a secretary runs surveys of their own branch only"
    );
    assert!(create_campaign(db, &f.admin, &other, now).await.is_ok());
}

/// Two organisers saving a revision at once both claim the next version: the database's key
/// lets one in, and the other is told so (not shown a server error). Staged here by writing
/// the other's version 2 as its transaction would, before the campaign's version moves on.
async fn a_revision_racing_another_is_refused_with_a_reason(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let now = app::db::now_ms();
    let mut def = Definition::seed("第一党支部");
    def.comment = false;
    sqlx::query(
        "INSERT INTO survey_versions (campaign_id, version, definition, created_at) \
         VALUES ($1, 2, $2, $3)",
    )
    .bind(&id)
    .bind(serde_json::to_string(&def).unwrap())
    .bind(now)
    .execute(db.pool())
    .await
    .unwrap();
    match app::survey::server::revise_campaign(db, &f.sec1, &id, &def, now).await {
        Err(AppError::Invalid(m)) => assert!(m.contains("刷新"), "{m}"),
        other => panic!("{other:?}"),
    }
    let info = app::survey::server::campaign_for_organiser(db, &f.sec1, &id)
        .await
        .unwrap();
    assert_eq!(info.version, 1, "the refused revision changed nothing");
}

on_both_backends!(
    a_code_answers_once_and_a_retry_is_a_duplicate,
    refused_answers_store_nothing_and_keep_the_code,
    closed_and_unopened_campaigns_refuse_answers,
    organisers_move_a_campaigns_dates_and_the_pages_follow,
    the_open_link_takes_one_answer_per_device,
    no_stored_path_leads_from_an_answer_to_a_code_or_a_person,
    figures_follow_the_stored_counts,
    only_organisers_of_the_organisation_read_a_campaign,
    the_form_works_without_javascript,
    the_open_link_over_http_limits_each_phone,
    organisers_export_the_counts_and_figures,
    answers_arrive_through_the_sync_protocol,
    a_revised_campaign_counts_its_versions_apart,
    closed_campaigns_and_old_forms_are_refused_over_http,
    no_transaction_id_ties_an_answer_to_its_code_on_postgres,
    small_counts_and_live_figures_are_withheld,
    a_revision_racing_another_is_refused_with_a_reason,
);

/// A browser signed in as `username` (a fixture account).
async fn signed_in(base: &str, username: &str) -> reqwest::Client {
    let web = browser();
    let res = web
        .post(format!("{base}/auth/login"))
        .form(&[
            ("username", username),
            ("password", common::PASSWORD),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{username} signs in");
    web
}

/// The details of the school's audit log, newest first.
async fn read_audit(db: &Db, admin: &app::auth::CurrentUser) -> Vec<String> {
    app::audit::server::read(db, admin, 0, 5)
        .await
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.detail)
        .collect()
}

/// Whether the form in `html` has the radio `name` = `value` checked.
pub(crate) fn checked(html: &str, name: &str, value: &str) -> bool {
    let marker = format!("name=\"{name}\" value=\"{value}\"");
    html.match_indices(&marker).any(|(i, _)| {
        let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
        tag.contains(" checked")
    })
}

pub(crate) fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in the form"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// The answer form without JavaScript: a page, a POST, a redirect.
async fn the_form_works_without_javascript(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let code = codes(db, &f, &id, Audience::Parents, 1).await.remove(0);
    let base = serve(db).await;
    let web = browser();
    let page = web
        .get(format!("{base}/survey/{code}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("您对第一党支部的工作是否满意？"), "{html}");
    assert!(html.contains("1 / 2"));
    let form = |comment: String| {
        vec![
            ("record_id", hidden(&html, "record_id")),
            ("campaign", hidden(&html, "campaign")),
            ("version", hidden(&html, "version")),
            ("code", hidden(&html, "code")),
            ("open", String::new()),
            ("audience", hidden(&html, "audience")),
            ("q_org", "0".into()),
            ("q_secretary", "1".into()),
            ("comment", comment),
        ]
    };
    // Too long a comment: the form again in the response, with the reason and the answers as
    // they were given — nothing of them in a URL.
    let res = web
        .post(format!("{base}/survey/answer"))
        .form(&form("长".repeat(501)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.headers().get("location").is_none());
    let again = res.text().await.unwrap();
    assert!(
        again.contains("意见建议最多 500 字，现有 501 字"),
        "the reason is shown"
    );
    assert!(
        checked(&again, "q_secretary", "1") && checked(&again, "q_org", "0"),
        "the choices are kept"
    );
    assert!(again.contains(&"长".repeat(501)), "the comment is kept");
    assert!(
        !again.contains("type=\"module\""),
        "a plain form: no hydration scripts"
    );
    assert_eq!(answers_stored(db).await, 0);

    let res = web
        .post(format!("{base}/survey/answer"))
        .form(&form("谢谢".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/survey/done");
    // The same form sent again (a double tap, a reload) is recognised and stored once.
    let res = web
        .post(format!("{base}/survey/answer"))
        .form(&form("谢谢".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/survey/done?again=1");
    assert_eq!(answers_stored(db).await, 1);
    // The used code now opens a clear page, not the form.
    let used = web
        .get(format!("{base}/survey/{code}"))
        .send()
        .await
        .unwrap();
    let used = used.text().await.unwrap();
    assert!(used.contains("这个邀请码已经使用过了"), "{used}");
    let unknown = web
        .get(format!("{base}/survey/AAAA-BBBB"))
        .send()
        .await
        .unwrap();
    assert!(unknown.text().await.unwrap().contains("邀请码不正确"));
    // A code typed on the entry page goes to its form.
    let go = web
        .get(format!("{base}/survey/go?code=aaaa%20bbbb"))
        .send()
        .await
        .unwrap();
    assert_eq!(go.headers()["location"], "/survey/AAAABBBB");
}

/// The open link gives each phone a server-signed mark (kept in a cookie, written into the
/// form) and takes one answer with it.
async fn the_open_link_over_http_limits_each_phone(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let token = app::survey::server::campaign_for_organiser(db, &f.sec1, &id)
        .await
        .unwrap()
        .open_token
        .unwrap();
    let base = serve(db).await;
    let answer = |web: reqwest::Client| {
        let base = base.clone();
        let token = token.clone();
        async move {
            let html = web
                .get(format!("{base}/survey/open/{token}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(html.contains("您的身份"));
            let res = web
                .post(format!("{base}/survey/answer"))
                .form(&[
                    ("record_id", hidden(&html, "record_id")),
                    ("campaign", hidden(&html, "campaign")),
                    ("version", hidden(&html, "version")),
                    ("code", String::new()),
                    ("open", token.clone()),
                    ("mark", hidden(&html, "mark")),
                    ("audience", "parents".into()),
                    ("q_org", "0".into()),
                    ("q_secretary", "0".into()),
                ])
                .send()
                .await
                .unwrap();
            match res.headers().get("location") {
                Some(to) => to.to_str().unwrap().to_owned(),
                None => format!("{} {}", res.status(), res.text().await.unwrap()),
            }
        }
    };
    let phone = browser();
    assert_eq!(answer(phone.clone()).await, "/survey/done");
    let second = answer(phone).await;
    assert!(
        second.starts_with("422") && second.contains("这部手机已经通过此链接作答过了"),
        "{second}"
    );
    assert_eq!(answer(browser()).await, "/survey/done", "another phone");
    assert_eq!(answers_stored(db).await, 2);
    // Exports need an organiser's session: others are sent to sign in.
    let anon = browser()
        .get(format!("{base}/surveys/{id}/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 303);
    assert!(
        anon.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
}

/// CSV and XLSX exports carry the raw counts per option beside the figures.
async fn organisers_export_the_counts_and_figures(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let now = app::db::now_ms();
    for (code, org) in codes(db, &f, &id, Audience::Parents, 3)
        .await
        .iter()
        .zip([0, 1, 3])
    {
        submit(db, &by_code(&id, code, org, 0), now).await.unwrap();
    }
    close_campaign(db, &id).await;
    let base = serve(db).await;
    let web = signed_in(&base, "sec1").await;
    let csv = web
        .get(format!("{base}/surveys/{id}/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "对象,问题,满意,基本满意,不满意,不了解,有效票,结果,95%区间,达到90%,达到95%,统计口径"
    );
    let parents_org = lines
        .find(|l| l.starts_with("家长,您对第一党支部"))
        .unwrap();
    assert!(
        parents_org.contains(",1,1,0,1,2,100.0%,34.2%–100.0%,"),
        "{parents_org}"
    );
    let xlsx = web
        .get(format!("{base}/surveys/{id}/export.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("测评结果").unwrap();
    let row = sheet
        .rows()
        .find(|r| r[0] == "家长" && r[1].to_string().contains("党支部"))
        .unwrap();
    assert_eq!(row[2], calamine::Data::Float(1.0), "counts are numbers");
    // A member of the branch gets nothing.
    let stranger = signed_in(&base, "m1a").await;
    let res = stranger
        .get(format!("{base}/surveys/{id}/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Question text an organiser typed that a spreadsheet would run as a formula is exported
    // as text: escaped in the CSV, a string cell (never a formula) in the workbook.
    sqlx::query(
        "UPDATE survey_versions SET definition = REPLACE(definition, '\"text\":\"', \
         '\"text\":\"=HYPERLINK(1)') WHERE campaign_id = $1",
    )
    .bind(&id)
    .execute(db.pool())
    .await
    .unwrap();
    let csv = web
        .get(format!("{base}/surveys/{id}/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Every row but the header and the closing note names a question.
    let questions: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("全部,"))
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert!(!questions.is_empty());
    assert!(
        questions.iter().all(|q| q.starts_with("'=HYPERLINK(1)")),
        "{questions:?}"
    );
    let bytes = web
        .get(format!("{base}/surveys/{id}/export.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert!(
        book.worksheet_formula("测评结果")
            .unwrap()
            .rows()
            .all(|r| r.iter().all(String::is_empty))
    );
    let sheet = book.worksheet_range("测评结果").unwrap();
    assert!(
        sheet
            .rows()
            .skip(1)
            .filter(|r| r[0] != "全部")
            .all(|r| matches!(&r[1], calamine::Data::String(s) if s.starts_with("=HYPERLINK(1)"))),
        "question cells are strings"
    );
}

async fn push_json(
    c: &reqwest::Client,
    base: &str,
    records: Vec<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let res = c
        .post(format!("{base}/api/v1/sync/push"))
        .json(&serde_json::json!({ "records": records }))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

fn statuses(body: &serde_json::Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r["code"].as_str() {
            Some(code) => format!("{}:{code}", r["status"].as_str().unwrap()),
            None => r["status"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// Answers kept offline arrive through the sync protocol: no session, once per id, each
/// refusal on its own record.
async fn answers_arrive_through_the_sync_protocol(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let code = codes(db, &f, &id, Audience::Parents, 1).await.remove(0);
    let base = serve(db).await;
    let phone = browser();
    let answer = |rid: Uuid, org: u8| {
        serde_json::json!({
            "id": rid, "kind": "survey_answer",
            "body": { "campaign_id": id, "version": 1, "code": code,
                      "choices": { "org": org, "secretary": 0 } }
        })
    };
    let first = v7();
    let (status, body) = push_json(
        &phone,
        &base,
        vec![
            answer(first, 0),
            answer(v7(), 1),
            serde_json::json!({ "id": v7(), "kind": "survey_answer", "body": { "campaign_id": id } }),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        statuses(&body),
        ["accepted", "rejected:code_used", "rejected:malformed"]
    );
    assert!(body.get("device").is_none());
    // The acknowledgement was lost; the phone sends the same record again.
    let (_, body) = push_json(&phone, &base, vec![answer(first, 0)]).await;
    assert_eq!(statuses(&body), ["duplicate"]);
    let (_, body) = push_json(&phone, &base, vec![answer(first, 2)]).await;
    assert_eq!(statuses(&body), ["conflict:conflict"]);
    // Without a session, a batch holding anything but survey answers is refused whole.
    let checkin = f.checkin_now(v7(), &f.today, &f.m1a);
    let (status, _) = push_json(&phone, &base, vec![answer(v7(), 0), checkin]).await;
    assert_eq!(status, 401);
    assert_eq!(answers_stored(db).await, 1);
}

/// A campaign's questions change: a new version; old forms are refused, old answers kept apart.
async fn a_revised_campaign_counts_its_versions_apart(db: &Db) {
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let now = app::db::now_ms();
    let code = codes(db, &f, &id, Audience::Parents, 3).await;
    let first = by_code(&id, &code[0], 0, 0);
    let first_id = first.id;
    assert_eq!(submit(db, &first, now).await.unwrap(), Outcome::Accepted);
    let mut def = Definition::seed("第一党支部");
    def.min_group = 1;
    def.questions.push(app::domain::ballot::Question {
        key: "q3".into(),
        text: "您对家校沟通是否满意？".into(),
    });
    let revise = app::survey::server::revise_campaign;
    assert_eq!(
        revise(db, &f.m1a, &id, &def, now).await.unwrap_err(),
        AppError::Forbidden
    );
    // The campaign has an answer: the secretary being rated only asks; the 总支 decides.
    use app::survey::server::{Revised, decide_revision};
    assert_eq!(
        revise(db, &f.sec1, &id, &def, now).await.unwrap(),
        Revised::AwaitingApproval
    );
    let waiting = results(db, &f.sec1, &id, now).await.unwrap();
    assert_eq!(waiting.info.version, 1, "nothing changed yet");
    assert_eq!(waiting.pending_revision.unwrap().requested_by, "王书记");
    assert_eq!(
        decide_revision(db, &f.sec1, &id, true, now)
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    assert_eq!(
        decide_revision(db, &f.admin, &id, true, now).await.unwrap(),
        Revised::Applied(2)
    );
    assert!(
        results(db, &f.sec1, &id, now)
            .await
            .unwrap()
            .pending_revision
            .is_none()
    );
    assert!(matches!(
        decide_revision(db, &f.admin, &id, true, now).await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        revise(db, &f.sec1, &id, &def, now).await,
        Err(AppError::Invalid(_))
    ));
    // A refused request changes nothing; the 总支's own revision applies at once.
    let mut def3 = def.clone();
    def3.questions.pop();
    assert_eq!(
        revise(db, &f.sec1, &id, &def3, now).await.unwrap(),
        Revised::AwaitingApproval
    );
    assert_eq!(
        decide_revision(db, &f.admin, &id, false, now)
            .await
            .unwrap(),
        Revised::AwaitingApproval
    );
    assert_eq!(
        results(db, &f.sec1, &id, now).await.unwrap().info.version,
        2
    );
    let trail: Vec<String> = read_audit(db, &f.admin).await;
    assert!(
        trail.iter().any(|d| d.contains("驳回")) && trail.iter().any(|d| d.contains("批准")),
        "{trail:?}"
    );
    // A form still showing version 1 is refused, and its code is not spent.
    match submit(db, &by_code(&id, &code[1], 0, 0), now)
        .await
        .unwrap()
    {
        Outcome::Rejected(r) => assert_eq!(r.code(), "wrong_version"),
        other => panic!("{other:?}"),
    }
    let mut v2 = by_code(&id, &code[1], 1, 0);
    v2.version = 2;
    match submit(db, &v2, now).await.unwrap() {
        Outcome::Rejected(r) => assert!(r.to_string().contains("家校沟通"), "{r}"),
        other => panic!("{other:?}"),
    }
    v2.choices.insert("q3".into(), 2);
    assert_eq!(submit(db, &v2, now).await.unwrap(), Outcome::Accepted);
    // The answer stored under version 1, sent again after the revision, is still its duplicate.
    let mut first_again = by_code(&id, &code[0], 0, 0);
    first_again.id = first_id;
    assert_eq!(
        submit(db, &first_again, now).await.unwrap(),
        Outcome::Duplicate
    );
    let r = results(db, &f.sec1, &id, after_close(now)).await.unwrap();
    assert_eq!(r.info.version, 2);
    assert_eq!(r.earlier_versions_answers, 1);
    let parents = r.group("parents").unwrap();
    assert_eq!(parents.questions.len(), 3);
    assert_eq!(
        parents.questions[0].tally.counts,
        vec![0, 1, 0],
        "version 2 only"
    );
    assert_eq!(parents.questions[2].tally.counts, vec![0, 0, 1]);
}

/// Over HTTP: a closed campaign's link opens a clear page, and pushed answers to it, or under
/// a version that is not the current one, are refused with their reason and store nothing.
async fn closed_campaigns_and_old_forms_are_refused_over_http(db: &Db) {
    let f = fixture(db).await;
    let now = app::db::now_ms();
    let closed = create_campaign(db, &f.sec1, &campaign(&f, -10, -1), now)
        .await
        .unwrap();
    let open = open_campaign(db, &f).await;
    let closed_code = codes(db, &f, &closed, Audience::Staff, 1).await.remove(0);
    let open_code = codes(db, &f, &open, Audience::Staff, 1).await.remove(0);
    let base = serve(db).await;
    let phone = browser();
    let page = phone
        .get(format!("{base}/survey/{closed_code}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("测评已结束") && html.contains("本次测评已于"),
        "{html}"
    );
    assert!(!html.contains("提交"), "no form on a closed campaign");
    let answer = |campaign: &str, code: &str, version: i64| {
        serde_json::json!({
            "id": v7(), "kind": "survey_answer",
            "body": { "campaign_id": campaign, "version": version, "code": code,
                      "choices": { "org": 0, "secretary": 0 } }
        })
    };
    let (status, body) = push_json(
        &phone,
        &base,
        vec![
            answer(&closed, &closed_code, 1),
            answer(&open, &open_code, 7),
            answer(&open, &open_code, 1),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        statuses(&body),
        [
            "rejected:survey_unavailable",
            "rejected:wrong_version",
            "accepted"
        ]
    );
    assert!(
        body["results"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("已于")
    );
    assert_eq!(answers_stored(db).await, 1);
    // The open link's QR code as a picture for WeChat, for the campaign's organisers.
    let sec = signed_in(&base, "sec1").await;
    let png = sec
        .get(format!("{base}/surveys/{open}/qr.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(png.status(), 200);
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!(info.width, info.height);
    assert!(info.width >= 250, "big enough to scan: {}", info.width);
}

/// PostgreSQL stamps every row with the id of the transaction that wrote it (`xmin`). After
/// answers by code, by open link and through sync, no spent code's or device's row shares that
/// id with any answer. (SQLite keeps no such column: the test checks nothing there.)
async fn no_transaction_id_ties_an_answer_to_its_code_on_postgres(db: &Db) {
    if db.backend() != app::db::Backend::Postgres {
        return;
    }
    let f = fixture(db).await;
    let id = open_campaign(db, &f).await;
    let now = app::db::now_ms();
    let code = codes(db, &f, &id, Audience::Staff, 4).await;
    let token = app::survey::server::campaign_for_organiser(db, &f.sec1, &id)
        .await
        .unwrap()
        .open_token
        .unwrap();
    for c in &code[..2] {
        assert_eq!(
            submit(db, &by_code(&id, c, 0, 0), now).await.unwrap(),
            Outcome::Accepted
        );
    }
    let open = Submission {
        id: v7(),
        campaign_id: id.clone(),
        version: 1,
        credential: Credential::Open {
            token,
            mark: issue_mark(db).await.unwrap(),
        },
        audience: Some(Audience::Parents),
        choices: choices(1, 1),
        comment: None,
    };
    assert_eq!(submit(db, &open, now).await.unwrap(), Outcome::Accepted);
    let base = serve(db).await;
    let (_, body) = push_json(
        &browser(),
        &base,
        vec![serde_json::json!({
            "id": v7(), "kind": "survey_answer",
            "body": { "campaign_id": id, "version": 1, "code": code[2],
                      "choices": { "org": 2, "secretary": 2 } }
        })],
    )
    .await;
    assert_eq!(statuses(&body), ["accepted"]);
    // A member answering while signed in, in the same batch as a check-in from a device: the
    // answer is stored apart, and no row about the member shares its transaction.
    let member = signed_in(&base, "m1a").await;
    let res = member
        .post(format!("{base}/api/v1/sync/push"))
        .json(&serde_json::json!({
            "device": { "id": v7() },
            "records": [
                f.checkin_now(v7(), &f.today, &f.m1a),
                { "id": v7(), "kind": "survey_answer",
                  "body": { "campaign_id": id, "version": 1, "code": code[3],
                            "choices": { "org": 0, "secretary": 1 } } },
            ]
        }))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(statuses(&body), ["accepted", "accepted"], "{body}");
    let xmins = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>("x").unwrap())
            .collect::<Vec<_>>()
    };
    let answers = xmins("SELECT xmin::text AS x FROM survey_answers").await;
    let spent = [
        xmins("SELECT xmin::text AS x FROM survey_invites WHERE used = 1").await,
        xmins("SELECT xmin::text AS x FROM survey_open_uses").await,
    ]
    .concat();
    let personal = [
        xmins("SELECT xmin::text AS x FROM devices").await,
        xmins("SELECT xmin::text AS x FROM checkins").await,
        xmins("SELECT xmin::text AS x FROM sessions").await,
    ]
    .concat();
    assert_eq!((answers.len(), spent.len()), (5, 5));
    assert!(personal.len() >= 3, "{personal:?}");
    for a in &answers {
        assert!(
            !spent.contains(a),
            "answer xmin {a} matches a spent code or device"
        );
        assert!(
            !personal.contains(a),
            "answer xmin {a} matches a member's device, check-in or session"
        );
    }
}

/// What the rated secretary sees while the campaign runs: only the number of answers, in steps
/// of the minimum group — no figure, no count per audience or option, no exact count of used
/// codes — so no answer can be timed to a person. After the close, every group with fewer
/// answers than the minimum is still withheld, on the page, in the JSON and in the exports.
async fn small_counts_and_live_figures_are_withheld(db: &Db) {
    let f = fixture(db).await;
    let now = app::db::now_ms();
    let mut new = campaign(&f, -1, 1);
    new.definition.min_group = 5;
    let id = create_campaign(db, &f.sec1, &new, now).await.unwrap();
    let staff = codes(db, &f, &id, Audience::Staff, 7).await;
    let parents = codes(db, &f, &id, Audience::Parents, 3).await;
    for code in staff.iter().chain(&parents) {
        assert_eq!(
            submit(db, &by_code(&id, code, 0, 0), now).await.unwrap(),
            Outcome::Accepted
        );
    }
    // Open: ten answers read as "10 or more"; seven staff and three parents are not told.
    let live = results(db, &f.sec1, &id, now).await.unwrap();
    assert!(live.withheld);
    assert_eq!(live.total, 10);
    assert!(live.groups.is_empty());
    assert!(live.responses.iter().all(|(_, n)| n.is_none()));
    assert_eq!(live.invites_used, 10);
    // One more answer moves nothing a reader sees.
    let extra = codes(db, &f, &id, Audience::Staff, 1).await.remove(0);
    submit(db, &by_code(&id, &extra, 1, 1), now).await.unwrap();
    let later = results(db, &f.sec1, &id, now).await.unwrap();
    assert_eq!((later.total, later.invites_used), (10, 10));

    // Closed: eight staff are shown, three parents are withheld.
    let closed = results(db, &f.sec1, &id, after_close(now)).await.unwrap();
    assert!(!closed.withheld);
    assert_eq!(closed.total, 11);
    let count = |a: Audience| closed.responses.iter().find(|(x, _)| *x == a).unwrap().1;
    assert_eq!(count(Audience::Staff), Some(8));
    assert_eq!(count(Audience::Parents), None);
    assert_eq!(count(Audience::Members), Some(0));
    let q = &closed.group("parents").unwrap().questions[0];
    assert!(q.suppressed);
    assert_eq!(q.tally.counts, vec![0, 0, 0]);
    assert!(!closed.group("staff").unwrap().questions[0].suppressed);
    assert_eq!(
        closed.group("staff").unwrap().questions[0].tally.counts,
        vec![7, 1, 0]
    );
    // The exports agree: no count of the small group at all.
    let rows = app::survey::http::export_rows(&closed);
    let parents_row = rows.iter().find(|r| r[0] == "家长").unwrap();
    assert_eq!(&parents_row[2..7], ["—", "—", "—", "—", "—"]);
    // And over HTTP while open: the page and its data say nothing more.
    let base = serve(db).await;
    let web = signed_in(&base, "sec1").await;
    let html = web
        .get(format!("{base}/surveys/{id}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("已收到 10 份以上") && html.contains("测评结束后公布"),
        "{html}"
    );
    assert!(!html.contains("已收到 11") && !html.contains("\"total\":11"));
}
