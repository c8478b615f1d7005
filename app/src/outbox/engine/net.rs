//! Talking to the server: one HTTP request, and the pull of reference data.

use super::idb::{self, DeviceOpened};
use super::new_v7;
use crate::outbox::Outbox;
use crate::sync::protocol::{PULL_PATH, PullResponse};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub(super) enum NetError {
    /// No answer: offline, or the connection dropped. Nothing is lost; try later.
    Network,
    /// The session ended; the records wait for the member to sign in again.
    SignedOut,
    Server(String),
}

/// One request; `credentials: false` sends no cookie at all (anonymous survey answers).
pub(super) async fn fetch_text(
    method: &str,
    url: &str,
    body: Option<String>,
    credentials: bool,
) -> Result<String, NetError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(if credentials {
        web_sys::RequestCredentials::SameOrigin
    } else {
        web_sys::RequestCredentials::Omit
    });
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(&body));
        let headers = web_sys::Headers::new().map_err(|_| NetError::Network)?;
        let _ = headers.set("Content-Type", "application/json");
        init.set_headers(&headers);
    }
    let request =
        web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| NetError::Network)?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(|_| NetError::Network)?
        .unchecked_into();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .map_err(|_| NetError::Network)?
            .as_string()
            .unwrap_or_default(),
        Err(_) => return Err(NetError::Network),
    };
    match response.status() {
        200 => Ok(text),
        401 => Err(NetError::SignedOut),
        status => Err(NetError::Server(
            serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("message")?.as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("HTTP {status}")),
        )),
    }
}

/// Fetches reference data changed since the last pull and keeps it.
pub(super) async fn pull(outbox: Outbox) {
    if outbox.member.get_untracked().is_none() {
        return;
    }
    let cursor = match idb::device(|| new_v7().to_string()).await {
        Ok(DeviceOpened::Known(d) | DeviceOpened::New(d) | DeviceOpened::Wiped(d)) => d.cursor,
        Err(_) => return,
    };
    let url = match cursor {
        Some(c) => format!("{PULL_PATH}?cursor={c}"),
        None => PULL_PATH.to_owned(),
    };
    let Ok(text) = fetch_text("GET", &url, None, true).await else {
        return;
    };
    let Ok(response) = serde_json::from_str::<PullResponse>(&text) else {
        return;
    };
    if idb::save_pulled(&response.activities, response.cursor, response.receipt)
        .await
        .is_ok()
        && let Ok(all) = idb::activities().await
    {
        outbox.pulled.set(all);
    }
}
