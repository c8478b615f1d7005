//! The counts a campaign's figures are computed from, and the results page's numbers.

use super::entry::{Refusal, open_on, today};
use super::store::campaign_for_organiser;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::domain::ballot::Audience;
use crate::domain::figures::{at_least_group, group_figures, step_down, suppress_small};
use crate::domain::survey::Tally;
use crate::error::AppError;
use crate::survey::{CampaignInfo, CampaignResults};
use std::collections::{BTreeMap, HashMap};

#[derive(sqlx::FromRow)]
struct ChoiceCount {
    version: i64,
    audience: String,
    question: String,
    choice: i64,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct AudienceCount {
    version: i64,
    audience: String,
    n: i64,
}

/// Whether answers given under `earlier` count under `now`: the same audiences asked the same
/// questions on the same scale (see [`counted_versions`]).
pub fn same_ballot(
    earlier: &crate::domain::ballot::Definition,
    now: &crate::domain::ballot::Definition,
) -> bool {
    earlier.audiences == now.audiences
        && earlier.questions == now.questions
        && earlier.scale == now.scale
}

/// The versions whose answers count under the campaign's current one: itself, and every
/// earlier version asking the same audiences the same questions on the same scale — a revision
/// that changed only the counting convention, the minimum group or the comment box recomputes
/// from the answers already given instead of setting them aside.
pub async fn counted_versions(db: &Db, info: &CampaignInfo) -> Result<Vec<i64>, AppError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT version, definition FROM survey_versions WHERE campaign_id = $1 ORDER BY version",
    )
    .bind(&info.id)
    .fetch_all(db.pool())
    .await?;
    let now = &info.definition;
    Ok(rows
        .into_iter()
        .filter(|(v, def)| {
            *v == info.version
                || serde_json::from_str::<crate::domain::ballot::Definition>(def)
                    .is_ok_and(|d| same_ballot(&d, now))
        })
        .map(|(v, _)| v)
        .collect())
}

/// The raw counts a campaign's figures rest on (the answers of [`counted_versions`]): per
/// audience and question, votes per choice; and answers per audience.
pub async fn tallies(
    db: &Db,
    info: &CampaignInfo,
) -> Result<(HashMap<(Audience, String), Tally>, BTreeMap<Audience, u32>), AppError> {
    let scale = info.definition.scale;
    let versions = counted_versions(db, info).await?;
    let rows: Vec<ChoiceCount> = sqlx::query_as(
        // The kept counts (`survey_counts`, written with each answer; `xingqi recount --check`
        // proves them equal to the answers): a few rows where the answers are thousands.
        "SELECT version, audience, question, choice, votes AS n FROM survey_counts \
         WHERE campaign_id = $1",
    )
    .bind(&info.id)
    .fetch_all(db.pool())
    .await?;
    let mut tallies: HashMap<(Audience, String), Tally> = HashMap::new();
    for r in rows.into_iter().filter(|r| versions.contains(&r.version)) {
        let Some(audience) = Audience::parse(&r.audience) else {
            continue;
        };
        let tally = tallies
            .entry((audience, r.question))
            .or_insert_with(|| Tally::empty(&scale));
        for _ in 0..r.n {
            tally.record(&scale, usize::try_from(r.choice).unwrap_or(usize::MAX));
        }
    }
    let counts: Vec<AudienceCount> = sqlx::query_as(
        "SELECT version, audience, COUNT(*) AS n FROM survey_answers \
         WHERE campaign_id = $1 GROUP BY version, audience",
    )
    .bind(&info.id)
    .fetch_all(db.pool())
    .await?;
    let mut responses = BTreeMap::new();
    for r in counts.into_iter().filter(|r| versions.contains(&r.version)) {
        if let Some(a) = Audience::parse(&r.audience) {
            *responses.entry(a).or_insert(0) += u32::try_from(r.n).unwrap_or(u32::MAX);
        }
    }
    Ok((tallies, responses))
}

#[derive(sqlx::FromRow)]
struct InviteCounts {
    issued: i64,
    used: i64,
}

/// The campaign's counts and figures as the organiser reads them.
pub async fn results(
    db: &Db,
    viewer: &CurrentUser,
    campaign_id: &str,
    now: i64,
) -> Result<CampaignResults, AppError> {
    let info = campaign_for_organiser(db, viewer, campaign_id).await?;
    let (tallies, responses) = tallies(db, &info).await?;
    let invites: InviteCounts = sqlx::query_as(
        "SELECT COUNT(*) AS issued, COALESCE(SUM(used), 0) AS used \
         FROM survey_invites WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_one(db.pool())
    .await?;
    let open_state = match open_on(&info, &today(now)) {
        Ok(()) => "进行中".to_owned(),
        Err(r @ Refusal::NotYetOpen(_)) | Err(r @ Refusal::Closed(_)) => r.to_string(),
        Err(r) => r.to_string(),
    };
    // Until the campaign closes, nothing that moves with one answer is shown (see
    // `CampaignResults::withheld`): the secretary being rated cannot time a person's answer.
    let withheld = today(now).as_str() <= info.closes_on.as_str();
    let k = info.definition.min_group;
    let mut groups = if withheld {
        Vec::new()
    } else {
        group_figures(&info.definition, &tallies)
    };
    suppress_small(&mut groups, &info.definition);
    let total: u32 = responses.values().sum();
    let shown = |n: u32| if withheld { step_down(n, k) } else { n };
    let responses = info
        .definition
        .audiences
        .iter()
        .map(|a| {
            let n = responses.get(a).copied().unwrap_or(0);
            (*a, if withheld { None } else { at_least_group(n, k) })
        })
        .collect();
    let versions = counted_versions(db, &info).await?;
    let by_version: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT version, COUNT(*) AS n, \
         COALESCE(SUM(CASE WHEN via = 'open' THEN 1 ELSE 0 END), 0) AS open_n \
         FROM survey_answers WHERE campaign_id = $1 GROUP BY version",
    )
    .bind(campaign_id)
    .fetch_all(db.pool())
    .await?;
    let (open_answers, earlier) = by_version.iter().fold((0, 0), |(open, other), (v, n, o)| {
        if versions.contains(v) {
            (open + o, other)
        } else {
            (open, other + n)
        }
    });
    let pending_revision = super::revision::pending_revision(db, campaign_id).await?;
    Ok(CampaignResults {
        pending_revision,
        earlier_versions_answers: shown(u32::try_from(earlier).unwrap_or(0)),
        open_answers: shown(u32::try_from(open_answers).unwrap_or(0)),
        viewer: viewer.clone(),
        origin: String::new(),
        withheld,
        total: shown(total),
        responses,
        invites_issued: u32::try_from(invites.issued).unwrap_or(0),
        invites_used: shown(u32::try_from(invites.used).unwrap_or(0)),
        open_state,
        groups,
        info,
    })
}
