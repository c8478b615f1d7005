//! The answer path, where the anonymity rule is enforced: [`submit`] consumes the code (or the
//! open-link mark's use) and stores the answer in one transaction — shared on SQLite with
//! other answers only (`crate::db::Lane::Anonymous`) — and writes
//! nothing that joins the two — the answer row has no code, person, device, address or time,
//! and its key is a hash of the phone's record id. Nothing about a person (a session, a device
//! row, a member's record) is ever written in an answer's transaction: the answer path reads
//! no session or device cookie, and a pushed batch's answers are stored apart from the rest of
//! the batch ([`store_pushed`]).

use super::codes::code_hash;
use super::entry::{Refusal, open_on, today};
use super::mark::mark_use;
use super::sha256_hex;
use super::store::campaign_row_on;
use crate::db::{Db, Lane, Once, Seen};
use crate::domain::ballot::{Audience, Ballot, Definition};
use crate::error::AppError;
use std::collections::BTreeMap;
use uuid::Uuid;

/// How a respondent is let in: a one-time code, or the open link with the server-signed mark
/// the form was given ([`super::mark`]).
#[derive(Clone, Debug)]
pub enum Credential {
    Code(String),
    Open { token: String, mark: String },
}

/// An answer as it arrives, from the form or through sync.
#[derive(Clone, Debug)]
pub struct Submission {
    /// The record id the phone (or the rendered form) made.
    pub id: Uuid,
    pub campaign_id: String,
    pub version: i64,
    pub credential: Credential,
    /// The respondent's group; for a code it comes from the code and this is ignored.
    pub audience: Option<Audience>,
    pub choices: BTreeMap<String, u8>,
    pub comment: Option<String>,
}

/// What happened to a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// The same id with the same content was stored before: a success.
    Duplicate,
    /// The same id with other content: nothing overwritten.
    Conflict,
    Rejected(Refusal),
}

/// Stores a pushed survey answer in a transaction of its own — never the batch's, which may
/// move a member's device row: the protocol's view of [`submit`].
pub async fn store_pushed(
    db: &Db,
    id: Uuid,
    body: &crate::sync::protocol::SurveyAnswerBody,
    now: i64,
) -> Result<crate::sync::protocol::PushResult, AppError> {
    use crate::sync::protocol::{PushResult, PushStatus, RejectCode};
    let credential = match (&body.code, &body.open_token) {
        (Some(code), None) => Credential::Code(code.clone()),
        (None, Some(token)) => Credential::Open {
            token: token.clone(),
            mark: body.mark.clone().unwrap_or_default(),
        },
        _ => {
            return Ok(PushResult::rejected(
                Some(id.to_string()),
                RejectCode::Malformed,
                "答卷须带邀请码或开放链接之一",
            ));
        }
    };
    let submission = Submission {
        id,
        campaign_id: body.campaign_id.clone(),
        version: body.version,
        credential,
        audience: body.audience,
        choices: body.choices.clone(),
        comment: body.comment.clone(),
    };
    Ok(match submit(db, &submission, now).await? {
        Outcome::Accepted => PushResult::stored(id, PushStatus::Accepted),
        Outcome::Duplicate => PushResult::stored(id, PushStatus::Duplicate),
        Outcome::Conflict => PushResult::conflict(id),
        Outcome::Rejected(r) => {
            PushResult::rejected(Some(id.to_string()), r.reject_code(), r.to_string())
        }
    })
}

/// The key an answer is stored under: a hash of the record id, which (a UUIDv7) carries the
/// moment it was made.
pub fn answer_key(id: &Uuid) -> String {
    sha256_hex(format!("survey-answer:{id}").as_bytes())
}

/// Whether an answer is stored under `key` already (a retry), before its content is known.
async fn is_stored(conn: &mut sqlx::AnyConnection, key: &str) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM survey_answers WHERE id_hash = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// An answer's key seen before: the same content is a duplicate, other content a conflict.
fn seen_before(seen: Seen) -> Outcome {
    match seen {
        Seen::Duplicate => Outcome::Duplicate,
        Seen::Conflict => Outcome::Conflict,
    }
}

/// The answer as a record stored once under the hash of its id (`crate::db::Once`).
fn once<'a>(key: &'a str, content: &'a str) -> Once<'a> {
    Once {
        table: "survey_answers",
        key_column: "id_hash",
        legacy_columns: &[],
        key,
        content_hash: content.to_owned(),
    }
}

fn content_hash(campaign: &str, version: i64, ballot: &Ballot) -> String {
    let canonical = serde_json::json!({
        "campaign": campaign,
        "version": version,
        "audience": ballot.audience.key(),
        "choices": ballot.choices,
        "comment": ballot.comment,
    });
    sha256_hex(canonical.to_string().as_bytes())
}

/// The definition of one version of a campaign, if that version exists.
async fn definition_of(
    conn: &mut sqlx::AnyConnection,
    campaign: &str,
    version: i64,
) -> Result<Option<Definition>, AppError> {
    let definition: Option<String> = sqlx::query_scalar(
        "SELECT definition FROM survey_versions WHERE campaign_id = $1 AND version = $2",
    )
    .bind(campaign)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(definition.and_then(|d| serde_json::from_str(&d).ok()))
}

/// Stores an answer exactly once. The credential is consumed and the answer written in one
/// transaction, with nothing stored that joins them.
pub async fn submit(db: &Db, s: &Submission, now: i64) -> Result<Outcome, AppError> {
    // The mark's stored use needs the server's key, read before the write transaction begins.
    let open_use = match &s.credential {
        Credential::Open { mark, .. } => mark_use(db, &s.campaign_id, mark).await?,
        Credential::Code(_) => None,
    };
    // On SQLite the answer may share its transaction with other answers (group commit), never
    // with a row about a person: the anonymous lane holds answers only.
    let submission = s.clone();
    let outcome = db
        .write(Lane::Anonymous, move |conn| {
            Box::pin(async move { submit_alone(conn, &submission, open_use.as_deref(), now).await })
        })
        .await?;
    if outcome == Outcome::Accepted {
        // The answer is stored; a failure here is logged and the next answer's pass covers it.
        let _ = restamp(db, std::slice::from_ref(&s.campaign_id)).await;
    }
    Ok(outcome)
}

/// [`submit_in`] inside a savepoint of its own, undone unless the answer was stored: a code
/// consumed for an answer that then turned out to be a duplicate is given back.
async fn submit_alone(
    conn: &mut sqlx::AnyConnection,
    s: &Submission,
    open_use: Option<&str>,
    now: i64,
) -> Result<Outcome, AppError> {
    sqlx::query("SAVEPOINT answer").execute(&mut *conn).await?;
    let outcome = submit_in(conn, s, open_use, now).await?;
    if outcome != Outcome::Accepted {
        sqlx::query("ROLLBACK TO answer")
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("RELEASE answer").execute(&mut *conn).await?;
    Ok(outcome)
}

/// Blurs the one trace the database itself keeps of which rows a transaction wrote. On
/// PostgreSQL every row carries the id of the transaction that wrote it (`xmin`): the answer
/// and the code or device row spent with it would share one. Rewriting every spent code and
/// device row of the campaign in a later transaction gives them all that transaction's id, so
/// none shares an id with any answer. (Superseded row versions linger until VACUUM, readable
/// only with page-inspection rights.) SQLite keeps no such column; nothing to do there.
pub async fn restamp(db: &Db, campaigns: &[String]) -> Result<(), AppError> {
    if db.backend() != crate::db::Backend::Postgres || campaigns.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    for campaign in campaigns {
        sqlx::query("UPDATE survey_invites SET used = used WHERE campaign_id = $1 AND used = 1")
            .bind(campaign)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE survey_open_uses SET device_hash = device_hash WHERE campaign_id = $1")
            .bind(campaign)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    audience: String,
    campaign_id: String,
}

/// [`submit`] inside its transaction, with the open-link mark's stored use (`None`: no mark
/// the server signed). Anything it writes for an outcome other than `Accepted` (a code consumed
/// before the answer turned out to be a duplicate) must be undone: [`submit_alone`] does.
pub async fn submit_in(
    tx: &mut sqlx::AnyConnection,
    s: &Submission,
    open_use: Option<&str>,
    now: i64,
) -> Result<Outcome, AppError> {
    let key = answer_key(&s.id);
    let Some(row) = campaign_row_on(tx, &s.campaign_id).await? else {
        return Ok(Outcome::Rejected(Refusal::UnknownCampaign));
    };
    let info = row.info;
    // A retry is recognised before anything else: it succeeds even after the code was used
    // (by this very answer) or the campaign closed.
    let earlier = is_stored(tx, &key).await?;
    // The audience a code carries, looked up without consuming it yet.
    let audience = match &s.credential {
        Credential::Code(code) => {
            let row: Option<CodeRow> = sqlx::query_as(
                "SELECT audience, campaign_id FROM survey_invites WHERE code_hash = $1",
            )
            .bind(code_hash(code))
            .fetch_optional(&mut *tx)
            .await?;
            match row {
                Some(r) if r.campaign_id == info.id => Audience::parse(&r.audience),
                _ if earlier => s.audience,
                _ => return Ok(Outcome::Rejected(Refusal::UnknownCode)),
            }
        }
        Credential::Open { .. } => s.audience,
    };
    let Some(audience) = audience else {
        return Ok(Outcome::Rejected(Refusal::NoAudience));
    };
    // A new answer must be given under the current version. A retry is read under the
    // version it was given under, so an answer stored before a revision is still its own
    // duplicate after it.
    if !earlier && s.version != info.version {
        return Ok(Outcome::Rejected(Refusal::WrongVersion {
            current: info.version,
        }));
    }
    let definition = if s.version == info.version {
        Some(info.definition.clone())
    } else {
        definition_of(tx, &info.id, s.version).await?
    };
    let Some(definition) = definition else {
        return Ok(Outcome::Conflict);
    };
    let ballot = match Ballot::parse(&definition, audience, s.choices.clone(), s.comment.clone()) {
        Ok(b) => b,
        Err(e) if !earlier => return Ok(Outcome::Rejected(Refusal::Ballot(e))),
        Err(_) => return Ok(Outcome::Conflict),
    };
    let content = content_hash(&info.id, s.version, &ballot);
    let once = once(&key, &content);
    if earlier && let Some(seen) = once.seen(tx).await? {
        return Ok(seen_before(seen));
    }
    if let Err(r) = open_on(&info, &today(now)) {
        return Ok(Outcome::Rejected(r));
    }
    let consumed = match &s.credential {
        Credential::Code(code) => sqlx::query(
            "UPDATE survey_invites SET used = 1 \
             WHERE code_hash = $1 AND campaign_id = $2 AND used = 0",
        )
        .bind(code_hash(code))
        .bind(&info.id)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        Credential::Open { token, .. } => {
            if info.open_token.as_deref() != Some(token.as_str()) {
                return Ok(Outcome::Rejected(Refusal::UnknownCampaign));
            }
            let Some(open_use) = open_use else {
                return Ok(Outcome::Rejected(Refusal::NoDevice));
            };
            sqlx::query(
                "INSERT INTO survey_open_uses (campaign_id, device_hash) VALUES ($1, $2) \
                 ON CONFLICT (campaign_id, device_hash) DO NOTHING",
            )
            .bind(&info.id)
            .bind(open_use)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }
    };
    if consumed != 1 {
        // The same answer sent twice at once (PostgreSQL lets both in until the code's row is
        // locked): the first one's commit is visible now, and this one is its duplicate.
        if let Some(seen) = once.seen(tx).await? {
            return Ok(seen_before(seen));
        }
        return Ok(Outcome::Rejected(match s.credential {
            Credential::Code(_) => Refusal::UsedCode,
            Credential::Open { .. } => Refusal::DeviceUsed,
        }));
    }
    let insert = sqlx::query(
        "INSERT INTO survey_answers \
           (id_hash, campaign_id, version, audience, comment, content_hash, via) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id_hash) DO NOTHING",
    )
    .bind(&key)
    .bind(&info.id)
    .bind(s.version)
    .bind(ballot.audience.key())
    .bind(ballot.comment.as_deref())
    .bind(&content)
    .bind(match s.credential {
        Credential::Code(_) => "code",
        Credential::Open { .. } => "open",
    });
    if let Some(seen) = once.insert(tx, insert).await? {
        // The same record id stored by a concurrent push with another credential.
        return Ok(seen_before(seen));
    }
    for (question, choice) in &ballot.choices {
        sqlx::query("INSERT INTO survey_choices (answer_id, question, choice) VALUES ($1, $2, $3)")
            .bind(&key)
            .bind(question)
            .bind(i64::from(*choice))
            .execute(&mut *tx)
            .await?;
        // The campaign's counts (`counts`), in the same transaction: an increment, so answers
        // stored at once on PostgreSQL each add theirs.
        sqlx::query(
            "INSERT INTO survey_counts (campaign_id, version, audience, question, choice, votes) \
             VALUES ($1, $2, $3, $4, $5, 1) \
             ON CONFLICT (campaign_id, version, audience, question, choice) \
             DO UPDATE SET votes = survey_counts.votes + 1",
        )
        .bind(&info.id)
        .bind(s.version)
        .bind(ballot.audience.key())
        .bind(question)
        .bind(i64::from(*choice))
        .execute(&mut *tx)
        .await?;
    }
    Ok(Outcome::Accepted)
}
