//! A campaign's votes per (version, audience, question, choice) kept beside its answers
//! (`survey_counts`): the answer path adds one per question in the answer's own transaction
//! ([`super::answer`]); [`recount_counts`] counts them again from `survey_choices` and compares
//! — at start-up when answers have no counts yet (older data, a bulk load), and in
//! `xingqi recount [--check]`.

use crate::db::{Backend, Db};
use crate::error::AppError;
use std::collections::BTreeMap;

/// (campaign, version, audience, question, choice).
pub type CountKey = (String, i64, String, String, i64);

/// Counts that differ from the answers: the key, the stored votes, the votes the answers give.
pub type Differing = Vec<(CountKey, Option<i64>, Option<i64>)>;

const FROM_ANSWERS: &str = "SELECT a.campaign_id, a.version, a.audience, c.question, c.choice, \
       COUNT(*) FROM survey_answers a JOIN survey_choices c ON c.answer_id = a.id_hash \
     GROUP BY a.campaign_id, a.version, a.audience, c.question, c.choice";
const STORED: &str =
    "SELECT campaign_id, version, audience, question, choice, votes FROM survey_counts";

async fn read(
    conn: &mut sqlx::AnyConnection,
    sql: &'static str,
) -> Result<BTreeMap<CountKey, i64>, AppError> {
    let rows: Vec<(String, i64, String, String, i64, i64)> =
        sqlx::query_as(sql).fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|(c, v, a, q, ch, n)| ((c, v, a, q, ch), n))
        .collect())
}

/// Whether some campaign has answers but no counts (start-up asks before recounting).
pub async fn counts_missing(db: &Db) -> Result<bool, AppError> {
    let missing: Option<String> = sqlx::query_scalar(
        "SELECT c.id FROM survey_campaigns c \
         WHERE EXISTS (SELECT 1 FROM survey_answers a WHERE a.campaign_id = c.id) \
         AND NOT EXISTS (SELECT 1 FROM survey_counts k WHERE k.campaign_id = c.id) LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(missing.is_some())
}

/// Counts every campaign's votes from the answers and compares them with the stored counts;
/// when `write`, puts the stored ones right, in one write transaction that answers wait for
/// (on PostgreSQL the table is locked first, so no answer is stored between the count and
/// the write).
pub async fn recount_counts(db: &Db, write: bool) -> Result<Differing, AppError> {
    let differing = |fresh: &BTreeMap<CountKey, i64>, stored: &BTreeMap<CountKey, i64>| {
        let mut keys: Vec<&CountKey> = fresh.keys().chain(stored.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| fresh.get(*k) != stored.get(*k))
            .map(|k| ((*k).clone(), stored.get(k).copied(), fresh.get(k).copied()))
            .collect::<Differing>()
    };
    if !write {
        let mut conn = db.pool().acquire().await?;
        let fresh = read(&mut conn, FROM_ANSWERS).await?;
        let stored = read(&mut conn, STORED).await?;
        return Ok(differing(&fresh, &stored));
    }
    let mut tx = db.begin_write().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("LOCK TABLE survey_counts IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
    }
    let fresh = read(&mut tx, FROM_ANSWERS).await?;
    let stored = read(&mut tx, STORED).await?;
    let found = differing(&fresh, &stored);
    for ((campaign, version, audience, question, choice), _, votes) in &found {
        sqlx::query(
            "DELETE FROM survey_counts WHERE campaign_id = $1 AND version = $2 \
             AND audience = $3 AND question = $4 AND choice = $5",
        )
        .bind(campaign)
        .bind(version)
        .bind(audience)
        .bind(question)
        .bind(choice)
        .execute(&mut *tx)
        .await?;
        if let Some(votes) = votes {
            sqlx::query(
                "INSERT INTO survey_counts \
                   (campaign_id, version, audience, question, choice, votes) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(campaign)
            .bind(version)
            .bind(audience)
            .bind(question)
            .bind(choice)
            .bind(votes)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(found)
}
