//! Storing pushed check-ins, each once and with its proof checked, in a number of queries that
//! does not grow with the batch — nor with the number of batches stored together (every push
//! of the moment): one for the ids stored already, one for the activities named
//! (per activity and member, with the years closed for 年度封存 and the member's wrong-code
//! counters), one per activity and member with a wrong code (the counter locked, then written
//! back), and one insert for every new row.
//! The rules are those of one record at a time, batch after batch in order — a wrong code
//! counts before the next record is judged, and a record sent twice is stored once.
//!
//! Batches whose codes are all right — nearly every one — run four statements: the stored
//! ids, the activities (with their year's closure and the members' wrong codes), the insert,
//! and the tally of an activity a member had not attended yet.

use super::insert::{CONTENT_COLUMNS, NewRow, insert_all, raced};
use super::server::MAX_WRONG_CODES;
use crate::activity::server::{
    Claim, Target, check_claim, closed_refusal, judge_target, load_targets,
};
use crate::db::{content_hash, seen_against, stored_hashes};
use crate::domain::proof::{ProofError, Window, verify};
use crate::domain::replay::{self, read_receipt};
use crate::error::AppError;
use crate::sync::protocol::{CheckinBody, PushResult, PushStatus, RejectCode};
use crate::sync::server::{Received, seen_result};
use sqlx::AnyConnection;
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// One check-in of a batch: its id, the phone's number for it, and its content.
pub struct Item<'a> {
    pub id: Uuid,
    pub seq: Option<i64>,
    pub body: &'a CheckinBody,
}

/// Where a record's answer comes from: decided already, or its row's insert.
enum Slot {
    Done(PushResult),
    Insert(usize),
}

/// A member's wrong-code counter for one activity: as read, and what this batch added.
struct Counter {
    failures: i64,
    added: i64,
    /// Whether `failures` was read under the row's lock (taken at the batch's first wrong
    /// code for the activity).
    locked: bool,
}

/// An activity and a member: the key of what the rules read about both.
type Pair = (String, String);

/// Stores the check-ins of several batches (each `items` from its `ctx.member`; `ctx.seq` is
/// ignored, each item has its own) in the caller's transaction and answers one result per
/// item, per batch, in order: as if each batch were stored alone, one after the other. The
/// statements are those of one batch, each reading or writing for all of them at once.
pub async fn store_checkins(
    conn: &mut AnyConnection,
    batches: &[(&Received<'_>, &[Item<'_>])],
) -> Result<Vec<Vec<PushResult>>, AppError> {
    let all: Vec<(usize, &Received, &Item)> = batches
        .iter()
        .enumerate()
        .flat_map(|(b, (ctx, items))| items.iter().map(move |item| (b, *ctx, item)))
        .collect();
    let ids: Vec<String> = all.iter().map(|(.., i)| i.id.to_string()).collect();
    let hashes: Vec<String> = all.iter().map(|(.., i)| hash_of(i.body)).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let stored = stored_hashes(conn, "checkins", "id", CONTENT_COLUMNS, &id_refs).await?;
    let wanted: BTreeSet<(String, &str)> = all
        .iter()
        .zip(&ids)
        .filter(|(_, id)| !stored.contains_key(*id))
        .map(|((_, ctx, i), _)| (i.body.activity_id.to_string(), ctx.member.id.as_str()))
        .collect();
    let wanted: Vec<(&str, &str)> = wanted.iter().map(|(a, m)| (a.as_str(), *m)).collect();
    let mut judge = Judge {
        targets: load_targets(conn, &wanted).await?,
        counters: HashMap::new(),
    };
    let mut rows: Vec<NewRow> = Vec::new();
    let mut pending: HashMap<&str, usize> = HashMap::new();
    let mut slots = Vec::with_capacity(all.len());
    for (k, (b, ctx, item)) in all.iter().enumerate() {
        let (id_text, hash) = (&ids[k], &hashes[k]);
        if let Some(before) = stored.get(id_text) {
            slots.push(Slot::Done(seen_result(item.id, seen_against(before, hash))));
        } else if let Some(&row) = pending.get(id_text.as_str()) {
            let seen = seen_against(&rows[row].content_hash, hash);
            slots.push(Slot::Done(seen_result(item.id, seen)));
        } else {
            match judge.judge(conn, ctx, item, hash).await? {
                Ok(row) => {
                    pending.insert(id_text.as_str(), rows.len());
                    slots.push(Slot::Insert(rows.len()));
                    rows.push(NewRow { batch: *b, ..row });
                }
                Err((code, reason)) => slots.push(Slot::Done(PushResult::rejected(
                    Some(id_text.clone()),
                    code,
                    reason,
                ))),
            }
        }
    }
    judge.write_counters(conn).await?;
    let senders: Vec<&Received> = batches.iter().map(|(ctx, _)| *ctx).collect();
    let inserted = insert_all(conn, &senders, &rows).await?;
    // A held check-in (待确认) counts only once confirmed: its review rewrites the tally then.
    // A member who had a counting check-in already changes nothing by sending another (and the
    // rewrite would read every check-in of the activity again, on every such push).
    let counted: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.held.is_none() && inserted.contains(&r.id_text))
        .filter(|r| {
            let member = senders[r.batch].member.id.clone();
            judge
                .targets
                .get(&(r.activity_id.clone(), member))
                .is_none_or(|t| !t.attended())
        })
        .map(|r| r.activity_id.as_str())
        .collect();
    let counted: Vec<&str> = counted.into_iter().collect();
    crate::activity::server::retally(conn, &counted).await?;
    let mut results: Vec<Vec<PushResult>> = batches
        .iter()
        .map(|(_, items)| Vec::with_capacity(items.len()))
        .collect();
    for ((b, ..), slot) in all.iter().zip(slots) {
        results[*b].push(match slot {
            Slot::Done(result) => result,
            Slot::Insert(k) => {
                let row = &rows[k];
                if inserted.contains(&row.id_text) {
                    match row.held {
                        None => PushResult::stored(row.id, PushStatus::Accepted),
                        Some(why) => PushResult::held(row.id, why.reason()),
                    }
                } else {
                    // Another transaction stored the same id since the first query (PostgreSQL
                    // lets both through until the first commits): its row decides.
                    raced(conn, row).await?
                }
            }
        });
    }
    Ok(results)
}

/// The content hash of a check-in: the text of its content columns, as stored.
fn hash_of(body: &CheckinBody) -> String {
    content_hash(&[
        &body.activity_id.to_string(),
        &body.member_id.to_string(),
        &body.device_time.to_string(),
        body.proof.method(),
    ])
}

/// What the rules need across the batches, each read once.
struct Judge {
    targets: HashMap<Pair, Target>,
    /// Each member's wrong-code counter per activity.
    counters: HashMap<Pair, Counter>,
}

type Refusal = (RejectCode, String);

impl Judge {
    /// The rules of one check-in not stored yet: the row to insert, or why it is refused.
    async fn judge(
        &mut self,
        conn: &mut AnyConnection,
        ctx: &Received<'_>,
        item: &Item<'_>,
        hash: &str,
    ) -> Result<Result<NewRow, Refusal>, AppError> {
        let body = item.body;
        let claim = Claim {
            member_id: body.member_id,
            activity_id: body.activity_id,
            device_time: body.device_time,
            not_yours: "只能为自己签到",
        };
        if let Err((code, why)) = check_claim(ctx, &claim) {
            return Ok(Err((code, why.into_owned())));
        }
        let pair = (body.activity_id.to_string(), ctx.member.id.clone());
        let target = match judge_target(self.targets.get(&pair).cloned()) {
            Ok(t) => t,
            Err((code, why)) => return Ok(Err((code, why.into()))),
        };
        if let Some(year) = target.closed_year() {
            let (code, why) = closed_refusal(year);
            return Ok(Err((code, why.into_owned())));
        }
        let secret = hex::decode(&target.proof_secret).unwrap_or_default();
        if secret.is_empty() {
            return Ok(Err((
                RejectCode::ProofWrong,
                "本次活动没有启用签到码，请联系支部书记补录".into(),
            )));
        }
        if !self.counters.contains_key(&pair) {
            // A member who has typed a wrong code before is judged on the counter read under
            // its lock; one who never has needs none until their first (below).
            let (failures, locked) = match target.failures {
                0 => (0, false),
                _ => (lock_counter(conn, &target.id, &ctx.member.id).await?, true),
            };
            let counter = Counter {
                failures,
                added: 0,
                locked,
            };
            self.counters.insert(pair.clone(), counter);
        }
        let counter = self.counters.get_mut(&pair).ok_or(AppError::Internal)?;
        if counter.failures >= MAX_WRONG_CODES {
            return Ok(Err(too_many_wrong_codes()));
        }
        let window = Window {
            activity_id: &target.id,
            secret: &secret,
            starts_at: target.starts_at,
            ends_at: target.ends_at,
        };
        let step = match verify(&window, body.device_time, &body.proof) {
            Ok(step) => step,
            Err(e) => {
                // Every failed code counts — wrong, expired or outside the activity — kept in
                // the batch's transaction even though the record is not stored.
                if !counter.locked {
                    // The first wrong code: the counter as it is now, under its lock — another
                    // batch may have counted codes since it was read.
                    counter.failures = lock_counter(conn, &target.id, &ctx.member.id).await?;
                    counter.locked = true;
                    if counter.failures >= MAX_WRONG_CODES {
                        return Ok(Err(too_many_wrong_codes()));
                    }
                }
                counter.failures += 1;
                counter.added += 1;
                let code = match e {
                    ProofError::WrongCode => RejectCode::ProofWrong,
                    ProofError::OutsideWindow => RejectCode::ProofOutsideWindow,
                    ProofError::Expired => RejectCode::ProofExpired,
                };
                return Ok(Err((code, e.reason().into())));
            }
        };
        // A late check-in the phone cannot show was made offline is stored but held
        // (`domain::replay`): it counts once the secretary confirms it.
        let receipt_at = body
            .synced
            .as_deref()
            .and_then(|r| read_receipt(ctx.receipt_key, &ctx.member.id, r));
        Ok(Ok(NewRow {
            id: item.id,
            id_text: item.id.to_string(),
            batch: 0,
            activity_id: target.id,
            device_time: body.device_time,
            method: body.proof.method(),
            step,
            seq: item.seq,
            content_hash: hash.to_owned(),
            held: replay::held(body.device_time, ctx.at, receipt_at),
        }))
    }

    /// Writes back the failures the batches added.
    async fn write_counters(&self, conn: &mut AnyConnection) -> Result<(), AppError> {
        for ((activity_id, member_id), c) in self.counters.iter().filter(|(_, c)| c.added > 0) {
            sqlx::query(
                "UPDATE proof_failures SET failures = failures + $3 \
                 WHERE activity_id = $1 AND user_id = $2",
            )
            .bind(activity_id)
            .bind(member_id)
            .bind(c.added)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

/// Why a check-in is refused once its member typed too many wrong codes.
fn too_many_wrong_codes() -> Refusal {
    (
        RejectCode::TooManyWrongCodes,
        "签到码错误次数过多，本次活动不能再用签到码签到，请支部书记手动标记出席".into(),
    )
}

/// The member's wrong-code counter for an activity, read under its row's lock, so two batches
/// sent at once cannot both read nine and both try a tenth and eleventh code (PostgreSQL; on
/// SQLite the write lock is held already). Taken when the counter read with the activities is
/// not zero, or at the batch's first wrong code. A member who never typed a wrong code and
/// sends right ones needs no lock: their batch adds nothing, and is judged as if it ran just
/// before any batch counting codes beside it.
async fn lock_counter(
    conn: &mut AnyConnection,
    activity_id: &str,
    member_id: &str,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO proof_failures (activity_id, user_id, failures) VALUES ($1, $2, 0) \
         ON CONFLICT (activity_id, user_id) DO UPDATE SET failures = proof_failures.failures \
         RETURNING failures",
    )
    .bind(activity_id)
    .bind(member_id)
    .fetch_one(&mut *conn)
    .await?)
}
