//! The rating (issue 10) on both backends: evidence submitted, returned and approved with its
//! trail; the registers deciding their criteria; a closed campaign's satisfaction deciding
//! its criteria; who may read and change what; the JSON API.

use crate::common;

use app::db::{Db, now_ms};
use app::domain::ballot::{Audience, Definition};
use app::domain::rating::{Level, State, Trend};
use app::domain::time::year_of;
use app::error::AppError;
use app::rating::server::{registers, view, write};
use app::state::RuntimeConfig;
use app::survey::server::{Credential, Outcome, Submission, create_campaign, submit};
use common::{Fixture, fixture, serve, sign_in, v7};
use reqwest::StatusCode;

fn state_of(v: &app::rating::RatingView, key: &str) -> State {
    v.report
        .rating
        .criteria()
        .find(|c| c.key == key)
        .unwrap_or_else(|| panic!("no criterion {key}"))
        .state
}

async fn rating(db: &Db, who: &app::auth::CurrentUser, f: &Fixture) -> app::rating::RatingView {
    view(
        db,
        who,
        &RuntimeConfig::default(),
        &f.branch1,
        None,
        now_ms(),
    )
    .await
    .unwrap()
}

fn evidence<'a>(
    f: &'a Fixture,
    year: i32,
    criterion: &'a str,
    submit: bool,
) -> write::NewEvidence<'a> {
    write::NewEvidence {
        org_id: &f.branch1,
        year,
        criterion,
        body: "党建经费已列入 2026 年学校预算（附预算表）",
        links: &f.past,
        submit,
    }
}

async fn evidence_is_submitted_returned_and_approved_with_its_trail(db: &Db) {
    let f = fixture(db).await;
    let config = RuntimeConfig::default();
    let year = year_of(now_ms());
    let now = now_ms();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "funding"),
        State::AwaitingEvidence
    );
    // A draft is still awaiting evidence; a submission awaits approval.
    write::save_evidence(
        db,
        &f.sec1,
        &config,
        &evidence(&f, year, "funding", false),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "funding"),
        State::AwaitingEvidence
    );
    write::save_evidence(
        db,
        &f.sec1,
        &config,
        &evidence(&f, year, "funding", true),
        now,
    )
    .await
    .unwrap();
    let v = rating(db, &f.sec1, &f).await;
    assert_eq!(state_of(&v, "funding"), State::AwaitingApproval);
    let stars_before = v.report.rating.stars;
    // Submitted evidence waits: the branch cannot change it, the secretary cannot approve it.
    assert!(matches!(
        write::save_evidence(
            db,
            &f.sec1,
            &config,
            &evidence(&f, year, "funding", true),
            now
        )
        .await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        write::decide_evidence(db, &f.sec1, &f.branch1, year, "funding", true, "", now).await,
        Err(AppError::Forbidden)
    ));
    // Returning needs a comment; the comment reaches the branch.
    assert!(matches!(
        write::decide_evidence(db, &f.admin, &f.branch1, year, "funding", false, " ", now).await,
        Err(AppError::Invalid(_))
    ));
    write::decide_evidence(
        db,
        &f.admin,
        &f.branch1,
        year,
        "funding",
        false,
        "缺预算表",
        now,
    )
    .await
    .unwrap();
    let v = rating(db, &f.sec1, &f).await;
    assert_eq!(state_of(&v, "funding"), State::AwaitingEvidence);
    let item = v
        .evidence
        .iter()
        .find(|e| e.criterion == "funding")
        .unwrap();
    assert_eq!(item.comment, "缺预算表");
    assert_eq!(item.links.len(), 1, "the linked activity");
    write::save_evidence(
        db,
        &f.sec1,
        &config,
        &evidence(&f, year, "funding", true),
        now + 1,
    )
    .await
    .unwrap();
    write::decide_evidence(db, &f.admin, &f.branch1, year, "funding", true, "", now + 2)
        .await
        .unwrap();
    let v = rating(db, &f.sec1, &f).await;
    assert_eq!(state_of(&v, "funding"), State::Met);
    let acts: Vec<&str> = v
        .evidence
        .iter()
        .find(|e| e.criterion == "funding")
        .unwrap()
        .trail
        .iter()
        .map(|t| t.act.as_str())
        .collect();
    assert_eq!(acts, ["保存草稿", "提交", "退回", "提交", "审核通过"]);
    assert!(v.report.rating.stars >= stars_before);
    // Approved evidence is fixed; a computed criterion takes no evidence; another branch's
    // activity cannot be linked; another branch's secretary cannot submit.
    assert!(matches!(
        write::save_evidence(
            db,
            &f.sec1,
            &config,
            &evidence(&f, year, "funding", false),
            now
        )
        .await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        write::save_evidence(
            db,
            &f.sec1,
            &config,
            &evidence(&f, year, "participation", true),
            now
        )
        .await,
        Err(AppError::Invalid(_))
    ));
    let mut foreign = evidence(&f, year, "brand", true);
    foreign.links = &f.other_branch;
    assert!(matches!(
        write::save_evidence(db, &f.sec1, &config, &foreign, now).await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        write::save_evidence(db, &f.m1a, &config, &evidence(&f, year, "brand", true), now).await,
        Err(AppError::Forbidden)
    ));
}

async fn the_registers_decide_their_criteria_and_violations_stay_private(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let year = year_of(now);
    let this_year: &'static str = Box::leak(format!("{year}-01-02").into_boxed_str());
    let last_year: &'static str = Box::leak(format!("{}-12-30", year - 1).into_boxed_str());
    let v = rating(db, &f.sec1, &f).await;
    assert_eq!(state_of(&v, "county_honour"), State::NotMet);
    assert_eq!(state_of(&v, "annual_evaluation"), State::Pending);
    assert_eq!(state_of(&v, "no_violation"), State::Met);
    // A school honour is not enough for the red flag; a county one is.
    let honour = |level, on: &'static str| registers::NewHonour {
        org_id: &f.branch1,
        awarded_on: on,
        level,
        title: "先进基层党组织",
        issuer: "县教育局党委",
        evidence: "文号 2026-12",
    };
    registers::add_honour(db, &f.admin, &honour("school", this_year), now)
        .await
        .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "county_honour"),
        State::NotMet
    );
    registers::add_honour(db, &f.admin, &honour("county", last_year), now)
        .await
        .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "county_honour"),
        State::NotMet,
        "last year's honour counts for last year"
    );
    registers::add_honour(db, &f.admin, &honour("县级", this_year), now)
        .await
        .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "county_honour"),
        State::Met
    );
    assert!(matches!(
        registers::add_honour(db, &f.sec1, &honour("county", this_year), now).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        registers::add_honour(db, &f.admin, &honour("galactic", this_year), now).await,
        Err(AppError::Invalid(_))
    ));
    // A violation of last year does not count this year; this year's does, a committee
    // member's (the secretary sits on the committee) twice.
    let violation = |user: &'static str, on: &'static str| registers::NewViolation {
        org_id: &f.branch1,
        occurred_on: on,
        user_id: Some(user),
        person: "",
        committee: false,
        note: "酒驾",
    };
    let m1a = f.m1a.id.clone();
    let sec = f.sec1.id.clone();
    let m1a: &'static str = Box::leak(m1a.into_boxed_str());
    let sec: &'static str = Box::leak(sec.into_boxed_str());
    registers::add_violation(db, &f.admin, &violation(m1a, last_year), now)
        .await
        .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "no_violation"),
        State::Met
    );
    registers::add_violation(db, &f.admin, &violation(m1a, this_year), now)
        .await
        .unwrap();
    let v = rating(db, &f.sec1, &f).await;
    assert_eq!(state_of(&v, "no_violation"), State::NotMet);
    assert_eq!(state_of(&v, "committee_clean"), State::Met);
    assert_eq!(v.registers.violations.as_ref().unwrap().len(), 1);
    registers::add_violation(db, &f.admin, &violation(sec, this_year), now)
        .await
        .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "committee_clean"),
        State::NotMet
    );
    // The member reads the states, never the violations' details.
    let mine = rating(db, &f.m1a, &f).await;
    assert!(mine.registers.violations.is_none());
    assert!(!mine.may_submit && !mine.may_decide);
    let c = mine
        .report
        .rating
        .criteria()
        .find(|c| c.key == "no_violation")
        .unwrap();
    assert_eq!(c.state, State::NotMet);
    assert!(!c.figure.contains('2'), "no count: {}", c.figure);
    assert!(matches!(
        view(db, &f.m2a, &RuntimeConfig::default(), &f.branch1, None, now).await,
        Err(AppError::Forbidden)
    ));
    // Evaluation and the committee's assessments.
    registers::set_evaluation(db, &f.admin, &f.branch1, year, "良好", now)
        .await
        .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "annual_evaluation"),
        State::NotMet
    );
    registers::set_evaluation(db, &f.admin, &f.branch1, year, "excellent", now)
        .await
        .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "annual_evaluation"),
        State::Met
    );
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "committee_assessed"),
        State::Pending
    );
    registers::set_assessment(db, &f.admin, &f.sec1.id, year, "称职", now)
        .await
        .unwrap();
    assert_eq!(
        state_of(&rating(db, &f.sec1, &f).await, "committee_assessed"),
        State::Met
    );
    assert!(matches!(
        registers::set_assessment(db, &f.admin, &f.m1b.id, year, "称职", now).await,
        Err(AppError::Invalid(_))
    ));
    // The baseline gives 晋位升级 in the first year; a target shows with what stands between.
    registers::set_baseline(db, &f.admin, &f.branch1, year - 1, "一般", now)
        .await
        .unwrap();
    assert!(matches!(
        registers::set_baseline(db, &f.admin, &f.branch1, year, "一般", now).await,
        Err(AppError::Invalid(_))
    ));
    app::rating::server::targets::set_target(
        db,
        &f.admin,
        &f.branch1,
        "红旗",
        &format!("{year}-12-31"),
        now,
    )
    .await
    .unwrap();
    let v = rating(db, &f.sec1, &f).await;
    let last = v.report.last_year.clone().unwrap();
    assert_eq!((last.level, last.baseline), (Level::Average, true));
    assert_eq!(
        v.report.trend,
        Some(app::domain::rating::trend(
            v.report.rating.level,
            Level::Average
        ))
    );
    assert_ne!(v.report.trend, None::<Trend>);
    let target = &v.report.targets[0];
    assert_eq!(target.level, Level::RedFlag);
    assert!(
        target.steps.iter().any(|s| s.contains("违纪违法")),
        "{:?}",
        target.steps
    );
    let log: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'rating_register'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert!(log >= 10, "every register write is audited ({log})");
}

/// `n` answers of `audience` through one-time codes, `yes` of them 满意 on both questions.
pub(crate) async fn answers(
    db: &Db,
    f: &Fixture,
    campaign: &str,
    audience: Audience,
    n: u32,
    yes: u32,
) {
    let codes = crate::survey::codes(db, f, campaign, audience, n).await;
    for (i, code) in codes.iter().enumerate() {
        let choice = if (i as u32) < yes { 0 } else { 2 };
        let s = Submission {
            id: v7(),
            campaign_id: campaign.to_owned(),
            version: 1,
            credential: Credential::Code(code.clone()),
            audience: None,
            choices: [("org".to_owned(), choice), ("secretary".to_owned(), choice)]
                .into_iter()
                .collect(),
            comment: None,
        };
        assert_eq!(submit(db, &s, now_ms()).await.unwrap(), Outcome::Accepted);
    }
}

async fn a_closed_campaign_of_the_year_decides_the_satisfaction_criteria(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let year = year_of(now);
    let today = app::domain::time::date_of(now).unwrap();
    let mut definition = Definition::seed("第一党支部");
    definition.min_group = 10;
    let new = app::survey::NewCampaign {
        org_id: f.branch1.clone(),
        title: "年度满意度测评".into(),
        period: format!("{year}年度"),
        opens_on: (today - chrono::Days::new(1)).to_string(),
        closes_on: (today + chrono::Days::new(1)).to_string(),
        definition: definition.clone(),
        open_link: false,
        rating_year: None,
    };
    let id = create_campaign(db, &f.sec1, &new, now).await.unwrap();
    answers(db, &f, &id, Audience::Members, 9, 9).await;
    answers(db, &f, &id, Audience::Staff, 10, 10).await;
    answers(db, &f, &id, Audience::Parents, 10, 9).await;
    // Open: pending, whatever the answers say.
    let v = rating(db, &f.sec1, &f).await;
    assert_eq!(state_of(&v, "masses_satisfaction"), State::Pending);
    crate::survey::close_campaign(db, &id).await;
    let v = rating(db, &f.sec1, &f).await;
    // Masses 19 of 20 = 95.0 %: both bars met; members 9 < the minimum group of 10.
    assert_eq!(state_of(&v, "masses_satisfaction"), State::Met);
    assert_eq!(state_of(&v, "masses_satisfaction_red"), State::Met);
    assert_eq!(state_of(&v, "secretary_satisfaction"), State::Met);
    let members = v
        .report
        .rating
        .criteria()
        .find(|c| c.key == "members_satisfaction")
        .unwrap();
    assert_eq!(members.state, State::NotMet);
    assert!(
        members.figure.contains("少于最少人数 10"),
        "{}",
        members.figure
    );
    assert_eq!(members.campaign_id.as_deref(), Some(id.as_str()));
    let red = v
        .report
        .rating
        .criteria()
        .find(|c| c.key == "masses_satisfaction_red")
        .unwrap();
    assert!(red.figure.contains("95.0%"), "{}", red.figure);
    assert!(red.detail.contains("有效票 20"), "{}", red.detail);
    // The 总支 lowers the minimum group: a revision of the counting only, so the answers
    // already given count under it (nothing is set aside).
    let mut lower = definition.clone();
    lower.min_group = 5;
    app::survey::server::revise_campaign(db, &f.admin, &id, &lower, now)
        .await
        .unwrap();
    let v = rating(db, &f.sec1, &f).await;
    assert_eq!(
        state_of(&v, "members_satisfaction"),
        State::Met,
        "9 of 9 members, min group 5"
    );
    assert_eq!(state_of(&v, "masses_satisfaction_red"), State::Met);
}

async fn the_json_api_reads_like_the_page(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let year = year_of(now_ms());
    let url = format!("{base}/api/v1/orgs/{}/rating?year={year}", f.branch1);
    let res = common::client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    for who in ["sec1", "admin", "m1a"] {
        let res = sign_in(&base, who).await.get(&url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{who}");
        let json: serde_json::Value = res.json().await.unwrap();
        assert_eq!(json["year"], year);
        assert!(json["rating"]["level"].is_string(), "{json}");
        assert_eq!(json["rating"]["indicators"].as_array().unwrap().len(), 5);
    }
    let res = sign_in(&base, "m2a").await.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let sec = sign_in(&base, "sec1").await;
    let res = sec
        .get(format!("{base}/api/v1/orgs/{}/rating?year=1900", f.branch1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = sec
        .get(format!("{base}/api/v1/orgs/nope/rating"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The page reads without JavaScript: the server renders the stars and each criterion.
    let html = sec
        .get(format!("{base}/branch/{}/rating", f.branch1))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("班子建设优") && html.contains("党员参与率"),
        "{html}"
    );
    assert!(html.contains("★") || html.contains("☆"));
    let overview = sign_in(&base, "admin")
        .await
        .get(format!("{base}/rating"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        overview.contains("第一党支部") && overview.contains("第二党支部"),
        "{overview}"
    );
}

async fn a_closed_years_rating_reads_the_same_after_later_changes(db: &Db) {
    let f = fixture(db).await;
    let now = now_ms();
    let last = year_of(now) - 1;
    let config = RuntimeConfig::default();
    let read = async || {
        let v = view(db, &f.sec1, &config, &f.branch1, Some(last), now_ms())
            .await
            .unwrap();
        state_of(&v, "young_recruit")
    };
    assert_eq!(read().await, State::NotMet);
    app::branch::closing::close_year(
        db,
        &f.admin,
        &app::domain::cadence::DEFAULT_RULES,
        last,
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        read().await,
        State::NotMet,
        "the closed year's rating is kept"
    );
    // A roster change after the closing (a young teacher's 入党日期 corrected to last year)
    // leaves the closed year alone…
    sqlx::query("UPDATE users SET join_date = $1, birth_date = $2, staff = 1 WHERE id = $3")
        .bind(format!("{last}-06-01"))
        .bind(format!("{}-01-01", last - 25))
        .bind(&f.m1a.id)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(read().await, State::NotMet);
    // …until the 总支 reopens the year.
    app::branch::closing::reopen_year(db, &f.admin, last, "更正入党日期", now)
        .await
        .unwrap();
    assert_eq!(read().await, State::Met);
}

async fn evidence_files_are_checked_and_read_by_the_ratings_readers(db: &Db) {
    let f = fixture(db).await;
    let dir = tempfile::tempdir().unwrap();
    let base = common::serve_with_data(db, dir.path()).await;
    let year = year_of(now_ms());
    let url = format!(
        "{base}/branch/{}/rating/{year}/evidence/funding/files",
        f.branch1
    );
    let upload = async |who: &str, name: &str, bytes: &[u8]| {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
        sign_in(&base, who)
            .await
            .post(&url)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap()
    };
    let outcome = |res: &reqwest::Response| {
        res.headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let res = upload("sec1", "../预算表.pdf", b"%PDF-1.4 budget").await;
    assert!(outcome(&res).contains("file=saved"), "{}", outcome(&res));
    // Judged by its bytes: an HTML page named .pdf is refused.
    let res = upload("sec1", "x.pdf", b"<html><script>").await;
    assert!(
        outcome(&res).contains("file=wrong_type"),
        "{}",
        outcome(&res)
    );
    let res = upload("m1a", "a.pdf", b"%PDF-1.4").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let v = rating(db, &f.m1a, &f).await;
    let files = &v
        .evidence
        .iter()
        .find(|e| e.criterion == "funding")
        .unwrap()
        .files;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "预算表.pdf", "the path is cut off the name");
    let file_url = format!("{base}/evidence-files/{}", files[0].id);
    let res = sign_in(&base, "m1a")
        .await
        .get(&file_url)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(&res.bytes().await.unwrap()[..], b"%PDF-1.4 budget");
    let res = sign_in(&base, "m2a")
        .await
        .get(&file_url)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Submitted evidence takes no more files.
    write::save_evidence(
        db,
        &f.sec1,
        &RuntimeConfig::default(),
        &evidence(&f, year, "funding", true),
        now_ms(),
    )
    .await
    .unwrap();
    let res = upload("sec1", "b.pdf", b"%PDF-1.4 more").await;
    assert!(outcome(&res).contains("file=refused"), "{}", outcome(&res));
}

on_both_backends!(
    evidence_files_are_checked_and_read_by_the_ratings_readers,
    a_closed_years_rating_reads_the_same_after_later_changes,
    evidence_is_submitted_returned_and_approved_with_its_trail,
    the_registers_decide_their_criteria_and_violations_stay_private,
    a_closed_campaign_of_the_year_decides_the_satisfaction_criteria,
    the_json_api_reads_like_the_page,
);
