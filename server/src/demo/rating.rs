//! The demo school's rating: last year's (the year being rated) satisfaction campaigns,
//! evidence, registers, baselines and the seed's targets, entered through the same functions
//! the pages use. Last year the first branch is 红旗-eligible, the fourth misses one condition
//! (the masses' 95 %), the third awaits the 总支's approval of two pieces of evidence, and the
//! second is far from its target. The 总支's own rating awaits the bureau's approval of two
//! pieces of evidence and misses one.

use super::plan::Lcg;
use app::auth::CurrentUser;
use app::db::Db;
use app::domain::ballot::{Audience, Definition};
use app::domain::rating::{CriterionKind, RuleSet};
use app::domain::role::Role;
use app::domain::time::{start_of_day_ms, year_of};
use app::rating::server::{registers, write};
use app::state::RuntimeConfig;
use app::survey::server::{
    Credential, Submission, create_campaign, create_invites, invite_slips, submit,
};
use chrono::NaiveDate;
use uuid::Uuid;

pub(super) async fn account(db: &Db, username: &str, role: Role) -> anyhow::Result<CurrentUser> {
    let (id, display_name, org_id, org_name): (String, String, String, String) = sqlx::query_as(
        "SELECT u.id, u.display_name, u.org_id, o.name FROM users u \
         JOIN organisations o ON o.id = u.org_id WHERE u.username = $1",
    )
    .bind(username)
    .fetch_one(db.pool())
    .await?;
    Ok(CurrentUser {
        id,
        username: username.to_owned(),
        display_name,
        role,
        org_id,
        org_name,
    })
}

/// A closed campaign of `year` for the secretary's branch: per audience, (answers, satisfied).
async fn campaign(
    db: &Db,
    sec: &CurrentUser,
    year: i32,
    answers: [(Audience, u32, u32); 3],
) -> anyhow::Result<()> {
    let then = start_of_day_ms(NaiveDate::from_ymd_opt(year, 12, 10).unwrap_or_default());
    let new = app::survey::NewCampaign {
        org_id: sec.org_id.clone(),
        title: format!("{year}年度党组织和支部书记满意度测评"),
        period: format!("{year}年度"),
        opens_on: format!("{year}-12-01"),
        closes_on: format!("{year}-12-20"),
        definition: Definition::seed(&sec.org_name),
        open_link: false,
        rating_year: Some(year),
    };
    let id = create_campaign(db, sec, &new, then).await?;
    let mut rng = Lcg(year as u64);
    for (audience, n, satisfied) in answers {
        create_invites(db, sec, &id, audience, n).await?;
        let (_, slips) = invite_slips(db, sec, &id).await?;
        for (i, slip) in slips
            .into_iter()
            .filter(|s| s.audience == audience)
            .enumerate()
        {
            // 满意 or 基本满意 for the satisfied, 不满意 for the rest; the secretary's question
            // the same way.
            let choice = if (i as u32) < satisfied {
                (rng.next() % 2) as u8
            } else {
                2
            };
            let answer = Submission {
                id: Uuid::now_v7(),
                campaign_id: id.clone(),
                version: 1,
                credential: Credential::Code(slip.code),
                audience: None,
                choices: [("org".to_owned(), choice), ("secretary".to_owned(), choice)]
                    .into_iter()
                    .collect(),
                comment: None,
            };
            submit(db, &answer, then).await?;
        }
    }
    Ok(())
}

/// One branch's rating year: its campaign's answers per audience (answers, satisfied), how
/// much evidence is approved and how much awaits approval, the 班子测评, an honour's level, and
/// the baseline two years ago.
struct Plan {
    branch_no: usize,
    answers: [(Audience, u32, u32); 3],
    approved: usize,
    waiting: usize,
    evaluation: &'static str,
    honour: Option<&'static str>,
    baseline: &'static str,
}

/// The attested criteria of the seed's scheme.
fn attested() -> Vec<String> {
    RuleSet::seed()
        .criteria()
        .filter(|(_, c)| matches!(c.kind, CriterionKind::Attested { .. }))
        .map(|(_, c)| c.key.clone())
        .collect()
}

pub(super) async fn seed_rating(db: &Db, now: i64) -> anyhow::Result<()> {
    let year = year_of(now) - 1;
    let admin = account(db, "admin", Role::Admin).await?;
    let config = RuntimeConfig::default();
    let keys = attested();
    use Audience::{Members, Parents, Staff};
    // Per branch: the campaign's answers, how much evidence is approved / awaiting approval,
    // the 班子测评, an honour's level, the baseline two years ago.
    let plans = [
        Plan {
            branch_no: 1,
            answers: [(Members, 10, 10), (Staff, 30, 29), (Parents, 50, 48)],
            approved: keys.len(),
            waiting: 0,
            evaluation: "excellent",
            honour: Some("county"),
            baseline: "先进",
        },
        Plan {
            branch_no: 2,
            answers: [(Members, 9, 7), (Staff, 25, 21), (Parents, 40, 33)],
            approved: 4,
            waiting: 0,
            evaluation: "good",
            honour: None,
            baseline: "一般",
        },
        Plan {
            branch_no: 3,
            answers: [(Members, 11, 11), (Staff, 30, 29), (Parents, 45, 43)],
            approved: keys.len() - 2,
            waiting: 2,
            evaluation: "excellent",
            honour: Some("school"),
            baseline: "一般",
        },
        Plan {
            branch_no: 4,
            answers: [(Members, 12, 12), (Staff, 35, 33), (Parents, 45, 41)],
            approved: keys.len(),
            waiting: 0,
            evaluation: "excellent",
            honour: Some("city"),
            baseline: "先进",
        },
    ];
    for Plan {
        branch_no,
        answers,
        approved,
        waiting,
        evaluation,
        honour,
        baseline,
    } in plans
    {
        let sec = account(db, &format!("sec{branch_no}"), Role::Secretary).await?;
        let branch = sec.org_id.clone();
        campaign(db, &sec, year, answers).await?;
        for (i, key) in keys.iter().enumerate().take(approved + waiting) {
            let body = format!("{year}年度{}：见附件与活动记录。", sec.org_name);
            let e = write::NewEvidence {
                org_id: &branch,
                year,
                criterion: key,
                body: &body,
                links: "",
                submit: true,
            };
            write::save_evidence(db, &sec, &config, &e, now).await?;
            if i < approved {
                write::decide_evidence(db, &admin, &branch, year, key, true, "", now).await?;
            }
        }
        registers::set_evaluation(db, &admin, &branch, year, evaluation, now).await?;
        let committee: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM users WHERE org_id = $1 AND committee_role IS NOT NULL ORDER BY id",
        )
        .bind(&branch)
        .fetch_all(db.pool())
        .await?;
        for (i, member) in committee.iter().enumerate() {
            let grade = if branch_no == 2 && i == 2 {
                "basically_competent"
            } else {
                "competent"
            };
            registers::set_assessment(db, &admin, member, year, grade, now).await?;
        }
        if let Some(level) = honour {
            let on = format!("{year}-09-10");
            let h = registers::NewHonour {
                org_id: &branch,
                awarded_on: &on,
                level,
                title: "先进基层党组织",
                issuer: if level == "school" {
                    "县第一中学党总支"
                } else {
                    "县教育局党委"
                },
                evidence: "表彰文件",
            };
            registers::add_honour(db, &admin, &h, now).await?;
        }
        registers::set_baseline(db, &admin, &branch, year - 1, baseline, now).await?;
        // The seed's targets: branches 2 and 3 先进 within one year and 红旗 within two;
        // branches 1 and 4 红旗 within one year.
        let this_year = year + 1;
        let targets: &[(&str, i32)] = if matches!(branch_no, 2 | 3) {
            &[("advanced", this_year), ("red_flag", this_year + 1)]
        } else {
            &[("red_flag", this_year)]
        };
        for (level, by) in targets {
            app::rating::server::targets::set_target(
                db,
                &admin,
                &branch,
                level,
                &format!("{by}-12-31"),
                now,
            )
            .await?;
        }
    }
    general(db, year, now).await
}

/// The 总支's own rating of `year`: its admin's evidence for every criterion but the last,
/// approved by the bureau's admin but for the two before it.
async fn general(db: &Db, year: i32, now: i64) -> anyhow::Result<()> {
    let admin = account(db, "admin", Role::Admin).await?;
    let bureau = account(db, "bureau", Role::BureauAdmin).await?;
    let config = RuntimeConfig::default();
    let keys: Vec<String> = RuleSet::seed()
        .attested()
        .criteria()
        .map(|(_, c)| c.key.clone())
        .collect();
    let body = format!("{year}年度{}：见附件与各支部评定。", admin.org_name);
    for (i, key) in keys.iter().enumerate().take(keys.len() - 1) {
        let e = write::NewEvidence {
            org_id: &admin.org_id,
            year,
            criterion: key,
            body: &body,
            links: "",
            submit: true,
        };
        write::save_evidence(db, &admin, &config, &e, now).await?;
        if i + 3 < keys.len() {
            write::decide_evidence(db, &bureau, &admin.org_id, year, key, true, "", now).await?;
        }
    }
    Ok(())
}
