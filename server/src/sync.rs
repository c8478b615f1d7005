//! `POST /api/v1/sync/push`: the HTTP face of the sync protocol (`app::sync::protocol`).

use app::auth::server::user_from_headers;
use app::error::AppError;
use app::state::AppState;
use app::sync::protocol::{PushRequest, PushResponse};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;

/// The most records one push may carry.
pub const MAX_RECORDS: usize = 100;
/// The largest body one push may carry; larger gets 413 before it is read.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub async fn push(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let member = match user_from_headers(&state.db, &headers).await {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let request: PushRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return AppError::Invalid(format!("请求体不是有效的推送批次：{e}")).into_response();
        }
    };
    if request.records.len() > MAX_RECORDS {
        return AppError::Invalid(format!("一次最多推送 {MAX_RECORDS} 条记录")).into_response();
    }
    match app::checkin::server::push(&state.db, &member, request.records).await {
        Ok(results) => Json(PushResponse { results }).into_response(),
        Err(e) => e.into_response(),
    }
}
