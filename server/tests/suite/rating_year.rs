//! A school year played through the public HTTP interface, as an outside client would (the
//! server functions and the JSON API): last year's activities scheduled, marked and recorded,
//! a satisfaction campaign ended, evidence submitted and approved, the registers kept — and
//! the stars, level and red flag the JSON API reports are the ones the rules give.

use crate::common;

use app::db::{Db, now_ms};
use app::domain::ballot::Audience;
use app::domain::time::year_of;
use app::survey::server::{Credential, Outcome, Submission, submit};
use common::{fixture, serve, sign_in, v7};
use reqwest::{Client, StatusCode};

async fn call(
    c: &Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    let res = c
        .post(format!("{base}/api/{endpoint}"))
        .form(form)
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{endpoint}: {} {}",
        res.status(),
        res.text().await.unwrap_or_default()
    );
    res
}

/// Schedules an activity of branch 1 and returns its id (from the redirect to its record).
async fn schedule(
    c: &Client,
    base: &str,
    branch: &str,
    kind: &str,
    audience: &str,
    starts: &str,
    ends: &str,
) -> String {
    let res = c
        .post(format!("{base}/api/save_activity"))
        .form(&[
            ("branch_id", branch.to_owned()),
            ("form[kind]", kind.to_owned()),
            ("form[topic]", format!("{kind} {starts}")),
            ("form[starts_at]", starts.to_owned()),
            ("form[ends_at]", ends.to_owned()),
            ("form[place]", "党员活动室".to_owned()),
            ("form[chair]", "王书记".to_owned()),
            ("form[recorder]", "李一".to_owned()),
            ("form[audience]", audience.to_owned()),
        ])
        .send()
        .await
        .unwrap();
    let location = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    let body = res.text().await.unwrap_or_default();
    let location = location.unwrap_or_else(|| panic!("scheduled {kind} {starts}: {body}"));
    location.trim_start_matches("/activity/").to_owned()
}

async fn rating_json(c: &Client, base: &str, branch: &str, year: i32) -> serde_json::Value {
    let res = c
        .get(format!("{base}/api/v1/orgs/{branch}/rating?year={year}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn state(json: &serde_json::Value, key: &str) -> String {
    json["rating"]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["criteria"].as_array().unwrap().iter())
        .chain(json["rating"]["red_flag"].as_array().unwrap().iter())
        .find(|c| c["key"] == key)
        .map(|c| c["state"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {key}"))
}

async fn a_school_year_over_http_gets_the_rules_verdict(db: &Db) {
    let f = fixture(db).await;
    let base = serve(db).await;
    let sec = sign_in(&base, "sec1").await;
    let admin = sign_in(&base, "admin").await;
    let last = year_of(now_ms()) - 1;
    let b1 = f.branch1.clone();
    let everyone = [f.sec1.id.clone(), f.m1a.id.clone(), f.m1b.id.clone()];
    let group = [f.m1a.id.clone(), f.m1b.id.clone()];
    // Last year's 主题党日 and 党小组会 every month, 党员大会 and 党课 every quarter: held (the
    // roll marked by hand) and recorded (minutes kept).
    let mut plan: Vec<(&str, String, &[String])> = Vec::new();
    for m in 1..=12u32 {
        plan.push(("theme_day", format!("{last}-{m:02}-10"), &everyone));
        plan.push(("group_meeting", format!("{last}-{m:02}-12"), &group));
        if m % 3 == 1 {
            plan.push(("branch_meeting", format!("{last}-{m:02}-20"), &everyone));
            plan.push(("party_lesson", format!("{last}-{m:02}-22"), &everyone));
        }
    }
    for (kind, day, who) in &plan {
        let audience = if *kind == "group_meeting" {
            format!("group:{}", f.group1)
        } else {
            "branch".to_owned()
        };
        let id = schedule(
            &sec,
            &base,
            &b1,
            kind,
            &audience,
            &format!("{day}T14:30"),
            &format!("{day}T16:00"),
        )
        .await;
        for user in who.iter() {
            call(
                &sec,
                &base,
                "mark_attendance",
                &[
                    ("activity_id", id.clone()),
                    ("user_id", user.clone()),
                    ("mark", "present".into()),
                    ("note", "补录".into()),
                ],
            )
            .await;
        }
        call(
            &sec,
            &base,
            "save_minutes",
            &[("id", id.clone()), ("minutes", "按议程开展".into())],
        )
        .await;
    }
    // A young teacher joined last year (the roster's dates).
    sqlx::query("UPDATE users SET join_date = $1, birth_date = $2, staff = 1 WHERE id = $3")
        .bind(format!("{last}-06-01"))
        .bind(format!("{}-01-01", last - 26))
        .bind(&f.m1b.id)
        .execute(db.pool())
        .await
        .unwrap();
    // Last year's satisfaction campaign, answered, then ended.
    let today = app::domain::time::date_of(now_ms()).unwrap();
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    call(
        &sec,
        &base,
        "survey_create",
        &[
            ("form[org_id]", b1.clone()),
            ("form[title]", format!("{last}年度满意度测评")),
            // No year in the period and closing this year: only the rating year chosen
            // makes its figures last year's.
            ("form[period]", "上学年末".into()),
            ("form[rating_year]", last.to_string()),
            ("form[opens_on]", day(-1)),
            ("form[closes_on]", day(1)),
            ("form[scale]", "three".into()),
            ("form[convention]", "rate".into()),
            ("form[audience_members]", "on".into()),
            ("form[audience_staff]", "on".into()),
            ("form[audience_parents]", "on".into()),
            ("form[satisfied_yes]", "on".into()),
            ("form[satisfied_basic]", "on".into()),
            ("form[min_group]", "10".into()),
        ],
    )
    .await;
    let campaign: String = sqlx::query_scalar("SELECT id FROM survey_campaigns WHERE org_id = $1")
        .bind(&b1)
        .fetch_one(db.pool())
        .await
        .unwrap();
    for (audience, n, satisfied) in [
        (Audience::Members, 10, 10),
        (Audience::Staff, 10, 10),
        (Audience::Parents, 10, 9),
    ] {
        call(
            &sec,
            &base,
            "survey_invites",
            &[
                ("campaign_id", campaign.clone()),
                ("audience", audience.key().into()),
                ("count", n.to_string()),
            ],
        )
        .await;
        let codes: Vec<String> = sqlx::query_scalar(
            "SELECT code FROM survey_invites WHERE campaign_id = $1 AND audience = $2 AND used = 0",
        )
        .bind(&campaign)
        .bind(audience.key())
        .fetch_all(db.pool())
        .await
        .unwrap();
        for (i, code) in codes.into_iter().enumerate() {
            let choice = if i < satisfied { 0 } else { 2 };
            let answer = Submission {
                id: v7(),
                campaign_id: campaign.clone(),
                version: 1,
                credential: Credential::Code(code),
                audience: None,
                choices: [("org".to_owned(), choice), ("secretary".to_owned(), choice)]
                    .into_iter()
                    .collect(),
                comment: None,
            };
            assert_eq!(
                submit(db, &answer, now_ms()).await.unwrap(),
                Outcome::Accepted
            );
        }
    }
    call(
        &sec,
        &base,
        "survey_details",
        &[
            ("campaign_id", campaign.clone()),
            ("details[title]", format!("{last}年度满意度测评")),
            ("details[period]", "上学年末".into()),
            ("details[rating_year]", last.to_string()),
            ("details[opens_on]", day(-2)),
            ("details[closes_on]", day(-1)),
        ],
    )
    .await;
    // Evidence for every attested criterion, submitted and approved.
    let json = rating_json(&sec, &base, &b1, last).await;
    let attested: Vec<String> = json["rating"]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["criteria"].as_array().unwrap().iter())
        .filter(|c| c["computed"] == false)
        .map(|c| c["key"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(attested.len(), 14);
    for key in &attested {
        call(
            &sec,
            &base,
            "rating_evidence_save",
            &[
                ("org_id", b1.clone()),
                ("year", last.to_string()),
                ("criterion", key.clone()),
                ("body", "见附件".into()),
                ("submit", "true".into()),
            ],
        )
        .await;
        call(
            &admin,
            &base,
            "rating_evidence_decide",
            &[
                ("org_id", b1.clone()),
                ("year", last.to_string()),
                ("criterion", key.clone()),
                ("approve", "true".into()),
                ("comment", String::new()),
            ],
        )
        .await;
    }
    // The registers: 班子测评, the committee's 考核, a county honour.
    call(
        &admin,
        &base,
        "rating_evaluation_set",
        &[
            ("org_id", b1.clone()),
            ("year", last.to_string()),
            ("grade", "excellent".into()),
        ],
    )
    .await;
    call(
        &admin,
        &base,
        "rating_assessment_set",
        &[
            ("user_id", f.sec1.id.clone()),
            ("year", last.to_string()),
            ("grade", "competent".into()),
        ],
    )
    .await;
    let before_honour = rating_json(&sec, &base, &b1, last).await;
    assert_eq!(before_honour["rating"]["stars"], 5, "{before_honour:#}");
    assert_eq!(before_honour["rating"]["level"], "advanced");
    call(
        &admin,
        &base,
        "rating_honour_add",
        &[
            ("org_id", b1.clone()),
            ("awarded_on", format!("{last}-09-10")),
            ("level", "county".into()),
            ("title", "先进基层党组织".into()),
            ("issuer", "县教育局党委".into()),
            ("evidence", String::new()),
        ],
    )
    .await;
    // Masses 19 of 20 = 95.0 %: red flag.
    let json = rating_json(&sec, &base, &b1, last).await;
    for c in [
        "participation",
        "theme_day_monthly",
        "three_meetings",
        "young_recruit",
        "masses_satisfaction_red",
    ] {
        assert_eq!(state(&json, c), "met", "{c}: {json:#}");
    }
    assert_eq!(json["rating"]["level"], "red_flag");
    assert_eq!(json["year_over"], true);
    // The campaign counts for the year chosen only, not for the year it ran in.
    let this_year = rating_json(&sec, &base, &b1, last + 1).await;
    assert_ne!(state(&this_year, "masses_satisfaction_red"), "met");
    // A member's violation last year: 作用发挥 falls, four stars, 一般.
    call(
        &admin,
        &base,
        "rating_violation_add",
        &[
            ("org_id", b1.clone()),
            ("occurred_on", format!("{last}-11-02")),
            ("user_id", f.m1a.id.clone()),
            ("note", "违反工作纪律".into()),
        ],
    )
    .await;
    let json = rating_json(&sec, &base, &b1, last).await;
    assert_eq!(state(&json, "no_violation"), "not_met");
    assert_eq!(state(&json, "committee_clean"), "met");
    assert_eq!(
        (
            json["rating"]["stars"].as_u64(),
            json["rating"]["level"].as_str()
        ),
        (Some(4), Some("average"))
    );
}

on_both_backends!(a_school_year_over_http_gets_the_rules_verdict);
