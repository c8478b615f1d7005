//! The HTTP face of the sync protocol (`app::sync::protocol`): push, pull, and the OpenAPI
//! description of both.

use app::auth::server::{SessionKey, Viewer, session_token, user_from_headers};
use app::domain::limits::Bucket;
use app::error::AppError;
use app::guard::ClientAddr;
use app::guard::Counts;
use app::state::AppState;
use app::sync::protocol::{
    DeviceRef, DeviceState, MAX_RECORDS, PullResponse, PulledActivity, PushBatch, PushRequest,
    PushResponse, PushResult, PushStatus, Record, RecordBody, RejectCode, RosterEntry,
    is_survey_answer,
};
use app::sync::server::Pusher;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use serde::Deserialize;
use utoipa::OpenApi;

/// Push records; one result per record, in order, sent after commit.
#[utoipa::path(
    post,
    path = "/api/v1/sync/push",
    tag = "sync",
    request_body(content = PushBatch, description = "At most 100 records and 256 KB. Each record is read on its own: a malformed one is rejected without affecting the rest."),
    responses(
        (status = 200, description = "One result per record, in order", body = PushResponse),
        (status = 401, description = "Not signed in (the session cookie is missing or expired), and the batch holds more than survey answers"),
        (status = 413, description = "The body is larger than 256 KB"),
        (status = 422, description = "Not a push batch (bad JSON, `records` not an array, more than 100 records)"),
        (status = 429, description = "Too many pushes (or survey answers) from this address or account; `Retry-After` says how many seconds to wait"),
    )
)]
pub async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientAddr,
    body: Bytes,
) -> Response {
    let (limits, now) = (&state.config.limits, app::db::now_ms());
    let request = serde_json::from_slice::<PushRequest>(&body);
    let answers = request.as_ref().map_or(0, |r| {
        r.records.iter().filter(|r| is_survey_answer(r)).count()
    });
    // A batch of records with a session cookie and without survey answers is stored by the
    // writer of merged writes (both backends), its session looked up and its limits counted
    // first thing in its own transaction, together with the other pushes' of the moment: one
    // commit per push instead of two, one statement for all their sessions, one for all their
    // counters. Anything else looks up its session first and counts its limits in a write of
    // their own — every request counts, malformed or refused ones too. (The price, on
    // PostgreSQL with several server processes: a counter row stays locked until its group
    // commits, so the phones behind one address that reach two processes take turns, group by
    // group — within one process they share the group anyway. Without that writer the counters
    // stay out of the batch's transaction, or every such phone would wait for the one before.)
    let token = session_token(&headers);
    let inside = token.is_some()
        && answers == 0
        && state.db.merges_writes()
        && request
            .as_ref()
            .is_ok_and(|r| (1..=MAX_RECORDS).contains(&r.records.len()));
    let pusher = match (&token, inside) {
        (Some(token), true) => Pusher::Session(SessionKey::of(token, state.config.session_idle_ms)),
        _ => match user_from_headers(&state, &headers).await {
            Ok(member) => Pusher::Known(Some(member)),
            Err(AppError::Unauthorized) => Pusher::Known(None),
            Err(e) => return e.into_response(),
        },
    };
    let address = [(Bucket::PushAddress, client.0.as_str())];
    let counts = match &pusher {
        Pusher::Session(_) => {
            Counts::prepare_later(&state.db, limits, &address, Bucket::PushAccount, now).await
        }
        Pusher::Known(Some(m)) => {
            let keys = [address[0], (Bucket::PushAccount, m.id.as_str())];
            Counts::prepare(&state.db, limits, &keys, now).await
        }
        Pusher::Known(None) => Counts::prepare(&state.db, limits, &address, now).await,
    };
    let counts = match counts {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let counts = if inside {
        Some(counts)
    } else {
        if let Err(e) = counts.count_alone(&state.db).await {
            return e.into_response();
        }
        None
    };
    if let Err(e) = app::guard::limit::counted(&state.db, limits, now).await {
        return e.into_response();
    }
    let request = match request {
        Ok(r) => r,
        Err(e) => {
            return AppError::Invalid(format!("请求体不是有效的推送批次：{e}")).into_response();
        }
    };
    if request.records.len() > MAX_RECORDS {
        return AppError::Invalid(format!("一次最多推送 {MAX_RECORDS} 条记录")).into_response();
    }
    // Without a session only a batch of survey answers (anonymous by design) is read.
    if matches!(pusher, Pusher::Known(None)) && answers < request.records.len() {
        return AppError::Unauthorized.into_response();
    }
    // Survey answers count against the address like answers from the form.
    if answers > 0 {
        let n = i64::try_from(answers).unwrap_or(i64::MAX);
        let counted =
            app::guard::count_by(&state.db, limits, Bucket::AnswerAddress, &client.0, n, now);
        if let Err(e) = counted.await {
            return e.into_response();
        }
    }
    let (device, records) = (request.device, request.records);
    match app::records::push_counted(&state.db, pusher, device, records, counts).await {
        Ok(response) => Json(response).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PullQuery {
    /// The `cursor` of the previous pull; omit for everything.
    pub cursor: Option<i64>,
}

/// Pull reference data changed since a cursor: the member's activities from today on, and
/// for organisers the roster of their branches.
#[utoipa::path(
    get,
    path = "/api/v1/sync/pull",
    tag = "sync",
    params(PullQuery),
    responses(
        (status = 200, description = "What changed since the cursor, and the next cursor", body = PullResponse),
        (status = 401, description = "Not signed in"),
    )
)]
pub async fn pull(
    State(state): State<AppState>,
    Viewer(member): Viewer,
    Query(query): Query<PullQuery>,
) -> Response {
    match app::sync::pull::pull(&state.db, &member, query.cursor).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "xingqi sync protocol",
        version = "1",
        description = "How a phone's outbox reaches the server (`/api/v1/sync/…`), and the server functions behind the pages (`POST /api/<endpoint>`, form-encoded arguments, JSON answers). Records are facts with client-made UUIDv7 ids; the server stores each id once. Authentication: the `xingqi_session` cookie set by `POST /auth/login`."
    ),
    paths(push, pull, crate::rating::rating),
    components(schemas(
        PushBatch,
        Record,
        RecordBody,
        app::sync::protocol::CheckinBody,
        app::sync::protocol::LeaveRequestBody,
        app::sync::protocol::SurveyAnswerBody,
        DeviceRef,
        PushResponse,
        PushResult,
        PushStatus,
        RejectCode,
        DeviceState,
        PullResponse,
        PulledActivity,
        app::sync::protocol::CheckinReview,
        RosterEntry
    ))
)]
pub struct SyncApi;

/// `GET /api/v1/openapi.json`: the sync protocol and every server function.
pub async fn openapi() -> Json<serde_json::Value> {
    let mut doc = serde_json::to_value(SyncApi::openapi()).unwrap_or_default();
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        paths.extend(crate::api_doc::server_fn_paths());
    }
    Json(doc)
}
