//! Activity photos over HTTP: a multipart upload from the record page (a plain form, so it
//! works without JavaScript) and serving them to the branch's organisers.

use app::activity::server::{MAX_PHOTO_BYTES, add_photo, photo};
use app::auth::server::Viewer;
use app::error::AppError;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderValue, header};

/// The body limit of an upload: one photo and its caption.
pub const UPLOAD_LIMIT: usize = MAX_PHOTO_BYTES + 64 * 1024;

/// `POST /activity/{id}/photos` (multipart: `photo`, `caption`).
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Viewer(viewer): Viewer,
    mut form: Multipart,
) -> Response {
    let back =
        |code: &str| Redirect::to(&format!("/activity/{id}?photo={code}#photos")).into_response();
    let mut bytes = Vec::new();
    let mut caption = String::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("photo") => match field.bytes().await {
                    Ok(b) => bytes = b.to_vec(),
                    Err(_) => return back("too_big"),
                },
                Some("caption") => caption = field.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return back("too_big"),
        }
    }
    match add_photo(
        &state.db,
        &state.config.data_dir.join("photos"),
        &viewer,
        &id,
        &bytes,
        &caption,
    )
    .await
    {
        Ok(_) => back("saved"),
        Err(AppError::Invalid(message)) => {
            let code = if message.contains("5 MB") {
                "too_big"
            } else if message.contains("格式") {
                "wrong_type"
            } else {
                "empty"
            };
            back(code)
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /photos/{id}`
pub async fn serve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Viewer(viewer): Viewer,
) -> Response {
    let (content_type, path) = match photo(
        &state.db,
        &state.config.data_dir.join("photos"),
        &viewer,
        &id,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let mut res = Body::from(bytes).into_response();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                res.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=86400, immutable"),
            );
            res
        }
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "a photo's file is missing");
            AppError::NotFound.into_response()
        }
    }
}
