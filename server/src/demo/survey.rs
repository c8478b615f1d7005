//! The demo school's satisfaction survey, answered through the respondents' own path.

use super::plan::Lcg;
use app::db::Db;
use uuid::Uuid;

/// A satisfaction survey of the first branch that ran this term and closed ten days ago (so its
/// results are published: an open campaign shows none), with answers given while it was open
/// through one-time codes — the same path a respondent's phone uses.
pub(super) async fn seed_survey(db: &Db, now: i64) -> anyhow::Result<()> {
    use app::domain::ballot::{Audience, Definition};
    use app::survey::server::{
        Credential, Submission, create_campaign, create_invites, invite_slips, submit,
    };
    let (id, username, display_name, org_id, org_name): (String, String, String, String, String) =
        sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.org_id, o.name FROM users u \
             JOIN organisations o ON o.id = u.org_id WHERE u.username = 'sec1'",
        )
        .fetch_one(db.pool())
        .await?;
    let secretary = app::auth::CurrentUser {
        id,
        username,
        display_name,
        role: app::domain::role::Role::Secretary,
        org_id,
        org_name,
    };
    let day = |offset: i64| {
        app::domain::time::date_of(now + offset * 86_400_000)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let campaign = app::survey::NewCampaign {
        org_id: secretary.org_id.clone(),
        title: "党组织和支部书记满意度测评".into(),
        period: format!("{}年度", app::domain::time::year_of(now)),
        opens_on: day(-40),
        closes_on: day(-10),
        definition: Definition::seed(&secretary.org_name),
        open_link: true,
        rating_year: None,
    };
    // The answers come in while it is open, three weeks ago.
    let then = now - 21 * 86_400_000;
    let id = create_campaign(db, &secretary, &campaign, then).await?;
    let mut rng = Lcg(4_095);
    for (audience, issued, answered) in [
        (Audience::Members, 12, 9),
        (Audience::Staff, 40, 26),
        (Audience::Parents, 80, 47),
    ] {
        create_invites(db, &secretary, &id, audience, issued).await?;
        let (_, slips) = invite_slips(db, &secretary, &id).await?;
        let codes = slips
            .into_iter()
            .filter(|s| s.audience == audience)
            .take(answered);
        for slip in codes {
            let pick = |rng: &mut Lcg| match rng.percent() {
                0..=71 => 0,
                72..=91 => 1,
                92..=96 => 2,
                _ => 3,
            };
            let choices = [
                ("org".to_owned(), pick(&mut rng)),
                ("secretary".to_owned(), pick(&mut rng)),
            ]
            .into_iter()
            .collect();
            let answer = Submission {
                id: Uuid::now_v7(),
                campaign_id: id.clone(),
                version: 1,
                credential: Credential::Code(slip.code),
                audience: None,
                choices,
                comment: None,
            };
            submit(db, &answer, then).await?;
        }
    }
    Ok(())
}
