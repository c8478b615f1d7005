//! The browser's sync engine: writes new records to IndexedDB, pushes the outbox when online,
//! and settles each record by the server's answer. Runs only in the browser.

use super::idb::{self, Outcome};
use super::{Connection, OfflinePage, Outbox, OutboxEntry, Rejection};
use crate::sync::protocol::{CheckinBody, PUSH_PATH, PushResponse, Record, RecordBody};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The most records one push carries (the server takes up to 100).
const BATCH: usize = 100;
/// While records wait, try again this often even without an `online` event.
const RETRY_MS: u32 = 20_000;

thread_local! {
    /// Set when a sync is asked for while one runs, so the running one goes round again.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A UUIDv7 from the phone's clock and the browser's cryptographic randomness.
fn new_v7() -> Uuid {
    let mut random = [0u8; 10];
    let filled = window()
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut random))
        .is_ok();
    if !filled {
        // Old WebViews without crypto: weaker randomness still keeps ids made in the same
        // millisecond apart.
        for b in &mut random {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid::Builder::from_unix_timestamp_millis(now_ms() as u64, &random).into_uuid()
}

/// Starts the engine once the page is hydrated: reads the store, syncs, and listens for the
/// moments worth syncing at (back online, page visible again, a timer while records wait).
pub fn start(outbox: Outbox) {
    let online = window().navigator().on_line();
    outbox.connection.set(if online {
        Connection::Online
    } else {
        Connection::Offline
    });
    watch_offline_page(outbox);
    spawn_local(async move {
        reload(outbox).await;
        sync(outbox).await;
    });
    let on_online = window_event_listener(ev::online, move |_| {
        outbox.connection.set(Connection::Online);
        spawn_local(sync(outbox));
    });
    let on_offline = window_event_listener(ev::offline, move |_| {
        outbox.connection.set(Connection::Offline);
    });
    let on_visible = window_event_listener(ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            spawn_local(sync(outbox));
        }
    });
    let timer = set_interval_with_handle(
        move || {
            if outbox.pending() > 0 && !outbox.syncing.get_untracked() {
                spawn_local(sync(outbox));
            }
        },
        std::time::Duration::from_millis(u64::from(RETRY_MS)),
    );
    on_cleanup(move || {
        on_online.remove();
        on_offline.remove();
        on_visible.remove();
        if let Ok(t) = timer {
            t.clear();
        }
    });
}

/// Re-reads the phone's store into the page's signals.
async fn reload(outbox: Outbox) {
    match (idb::outbox().await, idb::sent().await) {
        (Ok(entries), Ok(sent)) => {
            outbox.entries.set(entries);
            outbox.sent.set(sent);
            outbox.loaded.set(true);
        }
        (Err(e), _) | (_, Err(e)) => {
            outbox.problem.set(Some(format!(
                "手机上的离线存储不可用（{}），签到无法离线保存。",
                e.0
            )));
        }
    }
}

/// Saves a check-in in the outbox (one IndexedDB transaction), then tries to send it.
pub fn check_in(outbox: Outbox, activity_id: String, member_id: String, label: String) {
    spawn_local(async move {
        let (Ok(activity), Ok(member)) =
            (Uuid::parse_str(&activity_id), Uuid::parse_str(&member_id))
        else {
            outbox
                .problem
                .set(Some("活动或党员编号无效，无法签到。".into()));
            return;
        };
        let record = Record {
            id: new_v7(),
            body: RecordBody::Checkin(CheckinBody {
                activity_id: activity,
                member_id: member,
                device_time: now_ms(),
            }),
        };
        let entry = OutboxEntry {
            id: record.id.to_string(),
            record: serde_json::to_string(&record).expect("a record serialises"),
            activity_id,
            label,
            created_at: now_ms(),
            rejected: None,
        };
        if let Err(e) = idb::add(&entry).await {
            outbox
                .problem
                .set(Some(format!("签到没能保存在手机上：{}。请重试。", e.0)));
            return;
        }
        outbox.entries.update(|v| v.push(entry));
        sync(outbox).await;
    });
}

enum PushError {
    /// No answer: offline, or the connection dropped. Nothing is lost; try later.
    Network,
    /// The session ended; the records wait for the member to sign in again.
    SignedOut,
    Server(String),
}

async fn post(body: String) -> Result<PushResponse, PushError> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(|_| PushError::Network)?;
    let _ = headers.set("Content-Type", "application/json");
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(PUSH_PATH, &init)
        .map_err(|_| PushError::Network)?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(|_| PushError::Network)?
        .unchecked_into();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .map_err(|_| PushError::Network)?
            .as_string()
            .unwrap_or_default(),
        Err(_) => return Err(PushError::Network),
    };
    match response.status() {
        200 => serde_json::from_str(&text)
            .map_err(|e| PushError::Server(format!("服务器的回复无法读取：{e}"))),
        401 => Err(PushError::SignedOut),
        status => {
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("message")?.as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("HTTP {status}"));
            Err(PushError::Server(message))
        }
    }
}

/// Pushes everything waiting, a batch at a time, until the outbox is empty or the network
/// fails. Only one runs at a time; a call during a run makes the run go round again.
pub async fn sync(outbox: Outbox) {
    if outbox.syncing.get_untracked() {
        AGAIN.with(|a| a.set(true));
        return;
    }
    outbox.syncing.set(true);
    loop {
        AGAIN.with(|a| a.set(false));
        let waiting: Vec<OutboxEntry> = match idb::outbox().await {
            Ok(all) => all
                .into_iter()
                .filter(|e| e.rejected.is_none())
                .take(BATCH)
                .collect(),
            Err(e) => {
                outbox
                    .problem
                    .set(Some(format!("读取手机存储失败：{}", e.0)));
                break;
            }
        };
        if waiting.is_empty() {
            if AGAIN.with(Cell::get) {
                continue;
            }
            break;
        }
        let body = format!(
            "{{\"records\":[{}]}}",
            waiting
                .iter()
                .map(|e| e.record.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        match post(body).await {
            Ok(response) => {
                outbox.connection.set(Connection::Online);
                outbox.problem.set(None);
                let acked_at = now_ms();
                let outcomes: Vec<_> = waiting
                    .into_iter()
                    .filter_map(|entry| {
                        let result = response
                            .results
                            .iter()
                            .find(|r| r.id.as_deref() == Some(entry.id.as_str()))?;
                        let outcome = if result.status.is_stored() {
                            Outcome::Stored { acked_at }
                        } else {
                            Outcome::Rejected(Rejection {
                                code: result
                                    .code
                                    .and_then(|c| serde_json::to_value(c).ok())
                                    .and_then(|v| v.as_str().map(str::to_owned))
                                    .unwrap_or_default(),
                                reason: result
                                    .reason
                                    .clone()
                                    .unwrap_or_else(|| "未说明原因".into()),
                            })
                        };
                        Some((entry, outcome))
                    })
                    .collect();
                if let Err(e) = idb::settle(outcomes).await {
                    outbox
                        .problem
                        .set(Some(format!("保存同步结果失败：{}", e.0)));
                    break;
                }
                reload(outbox).await;
            }
            Err(PushError::Network) => {
                outbox.connection.set(if window().navigator().on_line() {
                    Connection::Online
                } else {
                    Connection::Offline
                });
                break;
            }
            Err(PushError::SignedOut) => {
                outbox.problem.set(Some(
                    "登录已过期：记录仍保存在手机上，重新登录后会自动同步。".into(),
                ));
                break;
            }
            Err(PushError::Server(message)) => {
                outbox.problem.set(Some(format!(
                    "同步暂时失败：{message}。记录仍保存在手机上，稍后自动重试。"
                )));
                break;
            }
        }
    }
    outbox.syncing.set(false);
}

/// Follows the service worker's readiness, which the page's inline script reports on `window`
/// (`__xingqiOffline`) and with the `xingqi-offline` event.
fn watch_offline_page(outbox: Outbox) {
    let read = move || {
        let state = js_sys::Reflect::get(&window(), &JsValue::from_str("__xingqiOffline"))
            .ok()
            .and_then(|v| v.as_string());
        match state.as_deref() {
            Some("ready") => outbox.offline_page.set(OfflinePage::Ready),
            Some("unsupported") => outbox.offline_page.set(OfflinePage::Unsupported),
            _ => {}
        }
    };
    read();
    let handle = window_event_listener_untyped("xingqi-offline", move |_| read());
    on_cleanup(move || handle.remove());
}

/// Asks the service worker (through the inline script's `xingqiWarm`) to cache `path`.
pub fn keep_offline(_outbox: Outbox, path: &str) {
    let warm = js_sys::Reflect::get(&window(), &JsValue::from_str("xingqiWarm")).ok();
    if let Some(f) = warm.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = f.call1(&JsValue::NULL, &JsValue::from_str(path));
    }
}
