//! The masses' satisfaction with the Party organisation (群众对党组织满意率) per school for the
//! bureau's roll-up: every campaign of the school and its branches that counts for the year and
//! is over, pooled — votes for a "satisfied" option under the campaign's own rate convention
//! over valid votes (不了解 apart), from the kept counts (`survey_counts`), only the versions
//! whose answers count under the current one (`same_ballot`). A campaign scored by weights has
//! no rate to pool and is left out (counted apart, so the page can say so).

use crate::db::Db;
use crate::domain::ballot::{Audience, Definition};
use crate::domain::rating::Question;
use crate::domain::survey::{Convention, Tally};
use crate::domain::time::{date_of, year_named};
use crate::error::AppError;
use crate::survey::server::results::same_ballot;
use std::collections::HashMap;

/// A school's pooled votes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pooled {
    pub satisfied: u32,
    pub valid: u32,
    pub dont_know: u32,
    /// Campaigns pooled, and those left out for being scored by weights.
    pub campaigns: u32,
    pub weighted: u32,
}

impl Pooled {
    /// As a two-option tally under a rate of its first option (for `domain::survey::figure`).
    pub fn tally(&self) -> (Tally, Convention) {
        (
            Tally {
                counts: vec![self.satisfied, self.valid - self.satisfied],
                dont_know: self.dont_know,
            },
            Convention::Rate { satisfied: vec![0] },
        )
    }
}

/// A campaign that counts: its school, its current definition, every version's.
type Counting = (String, Option<Definition>, Vec<(i64, Definition)>);

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: String,
    school: String,
    period: String,
    closes_on: String,
    rating_year: Option<i32>,
    current: i64,
    version: i64,
    definition: String,
}

/// The pooled votes of each school of `bureau` for `year`, as of `now`.
pub async fn pooled(
    db: &Db,
    bureau: &str,
    year: i32,
    now: i64,
) -> Result<HashMap<String, Pooled>, AppError> {
    // Campaigns that may count for the year: chosen for it, or closing in it or the next one
    // (a "2025年度" campaign may close in January 2026); each version a row.
    let (from, to) = (format!("{year}-01-01"), format!("{}-01-01", year + 2));
    let rows: Vec<CampaignRow> = sqlx::query_as(
        "SELECT c.id, s.id AS school, c.period, c.closes_on, c.rating_year, \
           c.version AS current, v.version, v.definition \
         FROM survey_campaigns c JOIN survey_versions v ON v.campaign_id = c.id \
         JOIN organisations o ON o.id = c.org_id \
         JOIN organisations s ON s.id = CASE WHEN o.kind = 'school' THEN o.id ELSE o.parent_id END \
         WHERE s.parent_id = $1 AND s.kind = 'school' AND (c.rating_year = $4 \
           OR (c.rating_year IS NULL AND c.closes_on >= $2 AND c.closes_on < $3))",
    )
    .bind(bureau)
    .bind(&from)
    .bind(&to)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let today = date_of(now).map(|d| d.to_string()).unwrap_or_default();
    // Per campaign: its school, current definition, and every version's.
    let mut campaigns: HashMap<String, Counting> = HashMap::new();
    for r in rows {
        let counts = r
            .rating_year
            .or_else(|| year_named(&r.period, &r.closes_on))
            == Some(year)
            && today.as_str() > r.closes_on.as_str();
        let Ok(definition) = serde_json::from_str::<Definition>(&r.definition) else {
            continue;
        };
        if !counts {
            continue;
        }
        let entry = campaigns
            .entry(r.id)
            .or_insert((r.school, None, Vec::new()));
        if r.version == r.current {
            entry.1 = Some(definition.clone());
        }
        entry.2.push((r.version, definition));
    }
    let question = Question::Org.key();
    // Only the campaigns that count, their masses' votes on the question.
    let ids: Vec<&str> = campaigns.keys().map(String::as_str).collect();
    let mut votes: Vec<(String, i64, String, i64, i64)> = Vec::new();
    for chunk in ids.chunks(500) {
        // Every value bound in order (the question last): see `Db::value_marks`.
        let mut marks = db.value_marks(chunk.len() + 1);
        let question_mark = marks.pop().unwrap_or_default();
        let sql = format!(
            "SELECT campaign_id, version, audience, choice, votes FROM survey_counts \
             WHERE campaign_id IN ({}) AND audience <> 'members' AND question = {question_mark}",
            marks.join(", ")
        );
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        query = query.bind(question);
        votes.extend(query.fetch_all(db.pool()).await?);
    }
    let mut by_campaign: HashMap<&str, Vec<(i64, &str, i64, i64)>> = HashMap::new();
    for (campaign, version, audience, choice, n) in &votes {
        by_campaign.entry(campaign.as_str()).or_default().push((
            *version,
            audience.as_str(),
            *choice,
            *n,
        ));
    }
    let mut out: HashMap<String, Pooled> = HashMap::new();
    for (id, (school, current, versions)) in &campaigns {
        let Some(now_def) = current else { continue };
        if !now_def.questions.iter().any(|q| q.key == question)
            || !now_def.audiences.iter().any(|a| a.is_masses())
        {
            continue;
        }
        let pooled = out.entry(school.clone()).or_default();
        let Convention::Rate { satisfied } = &now_def.convention else {
            pooled.weighted += 1;
            continue;
        };
        pooled.campaigns += 1;
        let counted: Vec<i64> = versions
            .iter()
            .filter(|(_, d)| same_ballot(d, now_def))
            .map(|(v, _)| *v)
            .collect();
        let options = now_def.scale.len();
        let campaign_votes = by_campaign.get(id.as_str()).map_or(&[][..], Vec::as_slice);
        for (version, audience, choice, n) in campaign_votes {
            if !counted.contains(version)
                || !Audience::parse(audience).is_some_and(Audience::is_masses)
            {
                continue;
            }
            let n = u32::try_from(*n).unwrap_or(0);
            match usize::try_from(*choice) {
                Ok(c) if c < options => {
                    pooled.valid += n;
                    if satisfied.iter().any(|s| usize::from(*s) == c) {
                        pooled.satisfied += n;
                    }
                }
                _ => pooled.dont_know += n,
            }
        }
    }
    Ok(out)
}
