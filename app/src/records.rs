//! The record kinds of the sync protocol, each handed to the feature that stores it: the one
//! place where the protocol (`crate::sync`) meets the features above it.

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::AppError;
use crate::guard::Counts;
use crate::sync::protocol::{DeviceRef, PushResponse, PushResult, Record, RecordBody, RejectCode};
use crate::sync::server::{Pusher, Received, RecordStore, Sender, push_with};
use sqlx::AnyConnection;

/// Every feature that takes records from phones.
pub struct Features;

/// The one instance the pushes use.
static FEATURES: Features = Features;

impl RecordStore for Features {
    async fn store_many<'a>(
        &'a self,
        conn: &'a mut AnyConnection,
        batches: &'a [(&'a [Record], &'a Sender)],
    ) -> Result<Vec<Vec<PushResult>>, AppError> {
        let mut results: Vec<Vec<Option<PushResult>>> = batches
            .iter()
            .map(|(records, _)| (0..records.len()).map(|_| None).collect())
            .collect();
        // Every batch's check-ins, stored together after every batch's leave requests:
        // (batch, place in it, check-in). That order is one the batches could have come in only
        // because neither kind's rules read the other's rows (a leave request reads no
        // check-in, a check-in's rules no leave request); a rule that did would have to be
        // judged batch by batch.
        let mut checkins = Vec::new();
        for (b, (records, sender)) in batches.iter().enumerate() {
            for (at, record) in records.iter().enumerate() {
                let refused = |code, why: &str| {
                    Some(PushResult::rejected(Some(record.id.to_string()), code, why))
                };
                match (&record.body, &sender.member) {
                    // Answers never enter a batch's transaction: `push_as` takes them out first.
                    (RecordBody::SurveyAnswer(_), _) => {
                        results[b][at] = refused(RejectCode::Malformed, "答卷须单独提交");
                    }
                    (_, None) => {
                        results[b][at] = refused(
                            RejectCode::SignInRequired,
                            "请先登录：签到和请假需要登录后提交",
                        );
                    }
                    (RecordBody::Checkin(body), Some(_)) => {
                        let item = crate::checkin::store::Item {
                            id: record.id,
                            seq: record.seq,
                            body,
                        };
                        checkins.push((b, at, item));
                    }
                    (RecordBody::LeaveRequest(body), Some(member)) => {
                        let received = Received {
                            member,
                            device: sender.device.clone(),
                            seq: record.seq,
                            at: sender.at,
                            receipt_key: &sender.receipt_key,
                        };
                        results[b][at] = Some(
                            crate::leave::server::store_request(conn, &received, record.id, body)
                                .await?,
                        );
                    }
                }
            }
        }
        let mut parts = Vec::new();
        for (b, (_, sender)) in batches.iter().enumerate() {
            let Some(member) = &sender.member else {
                continue;
            };
            let (places, items): (Vec<usize>, Vec<_>) = checkins
                .extract_if(.., |(of, ..)| *of == b)
                .map(|(_, at, item)| (at, item))
                .unzip();
            if items.is_empty() {
                continue;
            }
            let received = Received {
                member,
                device: sender.device.clone(),
                seq: None,
                at: sender.at,
                receipt_key: &sender.receipt_key,
            };
            parts.push((b, places, received, items));
        }
        let batch_parts: Vec<(&Received, &[crate::checkin::store::Item])> = parts
            .iter()
            .map(|(_, _, received, items)| (received, items.as_slice()))
            .collect();
        let stored = crate::checkin::store::store_checkins(conn, &batch_parts).await?;
        for ((b, places, ..), stored) in parts.iter().zip(stored) {
            for (at, result) in places.iter().zip(stored) {
                results[*b][*at] = Some(result);
            }
        }
        results
            .into_iter()
            .map(|batch| {
                batch
                    .into_iter()
                    .map(|r| r.ok_or(AppError::Internal))
                    .collect()
            })
            .collect()
    }
}

/// Stores a pushed batch for `member` in one transaction and answers one result per record,
/// in order. Returns only after the commit, so every `accepted` is durable.
pub async fn push(
    db: &Db,
    member: &CurrentUser,
    device: Option<DeviceRef>,
    records: Vec<serde_json::Value>,
) -> Result<PushResponse, AppError> {
    push_as(db, Some(member), device, records).await
}

/// [`push`] for a signed-in member or for nobody. Survey answers are taken out of the batch
/// and stored each in a transaction of its own, with no session, member or device — so no
/// row about a person is written in a transaction that stores an answer, and no stored device
/// row or time points at one; they are let in by their code or open-link mark alone. The rest
/// of the batch (a member's records; rejected with `sign_in_required` without a member) is
/// stored in one transaction. Results come back in the order the records were sent.
pub async fn push_as(
    db: &Db,
    member: Option<&CurrentUser>,
    device: Option<DeviceRef>,
    records: Vec<serde_json::Value>,
) -> Result<PushResponse, AppError> {
    push_counted(db, Pusher::Known(member.cloned()), device, records, None).await
}

/// [`push_as`] counting the request's rate limits (`counts`) in the batch's own transaction:
/// refused with `TooMany`, storing nothing, when over. Only for a batch without survey answers
/// (refused `Invalid` otherwise: no counter row may share a transaction with an answer); a
/// batch with no records counts them in a write of their own. A [`Pusher::Session`] is looked
/// up in that transaction — so give it only with records to store: without, nothing looks it
/// up, and its account's counter (known only from it) is not counted.
pub async fn push_counted(
    db: &Db,
    pusher: Pusher,
    device: Option<DeviceRef>,
    records: Vec<serde_json::Value>,
    counts: Option<Counts>,
) -> Result<PushResponse, AppError> {
    let (answers, rest): (Vec<_>, Vec<_>) = records
        .into_iter()
        .enumerate()
        .partition(|(_, raw)| crate::sync::protocol::is_survey_answer(raw));
    let (rest_at, rest): (Vec<usize>, Vec<_>) = rest.into_iter().unzip();
    if let (Some(counts), false) = (&counts, answers.is_empty()) {
        // Counted all the same (every request counts), then refused: a caller's mistake.
        counts.clone().count_alone(db).await?;
        return Err(AppError::Invalid(
            "含答卷的推送不能与限流计数同在一个事务中".into(),
        ));
    }
    let mut response = if rest.is_empty() {
        if let Some(counts) = counts {
            counts.count_alone(db).await?;
        }
        PushResponse {
            results: Vec::new(),
            device: None,
        }
    } else {
        push_with(db, &FEATURES, pusher, device, rest, counts).await?
    };
    let mut results: Vec<(usize, PushResult)> = rest_at
        .into_iter()
        .zip(std::mem::take(&mut response.results))
        .collect();
    let now = crate::db::now_ms();
    for (at, raw) in answers {
        let result = match Record::parse(raw) {
            Err(rejected) => rejected,
            Ok(Record {
                id,
                body: RecordBody::SurveyAnswer(body),
                ..
            }) => crate::survey::server::store_pushed(db, id, &body, now).await?,
            Ok(record) => PushResult::rejected(
                Some(record.id.to_string()),
                RejectCode::Malformed,
                "记录类型与内容不符",
            ),
        };
        results.push((at, result));
    }
    results.sort_by_key(|(at, _)| *at);
    response.results = results.into_iter().map(|(_, r)| r).collect();
    Ok(response)
}
