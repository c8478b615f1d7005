//! The browser's sync engine: writes new records to IndexedDB, pushes the outbox when it can,
//! settles each record by the server's answer, retries with backoff, and pulls reference data.
//! Runs only in the browser.

use super::idb::{self, DeviceOpened};
use super::retry::Backoff;
use super::{Connection, KIND_CHECKIN, KIND_LEAVE, KIND_SURVEY, OfflinePage, Outbox, OutboxEntry};
use crate::domain::proof::Proof;
use crate::sync::protocol::{
    CheckinBody, LeaveRequestBody, PULL_PATH, PUSH_PATH, PullResponse, PushResponse, Record,
    RecordBody, SurveyAnswerBody,
};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// Set when a sync is asked for while one runs, so the running one goes round again.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    static BACKOFF: Cell<Backoff> = const { Cell::new(Backoff::new()) };
    static RETRY: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    static DEVICE: RefCell<Option<String>> = const { RefCell::new(None) };
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

/// Starts the engine once the page is hydrated: reads the store, learns the device, syncs,
/// and listens for the moments worth syncing at.
pub fn start(outbox: Outbox) {
    let online = window().navigator().on_line();
    outbox.connection.set(if online {
        Connection::Online
    } else {
        Connection::Offline
    });
    watch_offline_page(outbox);
    request_persistence();
    spawn_local(async move {
        match idb::device(|| new_v7().to_string()).await {
            Ok(opened) => {
                let device = match opened {
                    DeviceOpened::Known(d) | DeviceOpened::New(d) => d,
                    DeviceOpened::Wiped(d) => {
                        outbox.warning.set(Some(WIPED.into()));
                        d
                    }
                };
                DEVICE.with(|c| *c.borrow_mut() = Some(device.device_id.clone()));
            }
            Err(e) => outbox.problem.set(Some(format!(
                "手机上的离线存储不可用（{}），记录无法离线保存。",
                e.0
            ))),
        }
        reload(outbox).await;
        sync(outbox).await;
        pull(outbox).await;
    });
    // A member becoming known (their page loaded) lets their records go.
    Effect::new(move |_| {
        if outbox.member.get().is_some() {
            spawn_local(sync(outbox));
        }
    });
    let on_online = window_event_listener(ev::online, move |_| {
        outbox.connection.set(Connection::Online);
        BACKOFF.with(|b| b.set(Backoff::new()));
        spawn_local(async move {
            sync(outbox).await;
            pull(outbox).await;
        });
    });
    let on_offline = window_event_listener(ev::offline, move |_| {
        outbox.connection.set(Connection::Offline);
    });
    let on_visible = window_event_listener(ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            spawn_local(async move {
                sync(outbox).await;
                pull(outbox).await;
            });
        }
    });
    on_cleanup(move || {
        on_online.remove();
        on_offline.remove();
        on_visible.remove();
    });
}

const WIPED: &str = "这部手机上的离线数据曾被清除（例如清理了浏览器数据）。清除前尚未同步的签到或请假可能已经丢失，请向支部书记核对。";

/// Asks the browser not to evict the outbox under storage pressure.
fn request_persistence() {
    if let Ok(p) = window().navigator().storage().persist() {
        spawn_local(async move {
            let _ = JsFuture::from(p).await;
        });
    }
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
                "手机上的离线存储不可用（{}），记录无法离线保存。",
                e.0
            )));
        }
    }
    if let Ok(pulled) = idb::activities().await {
        outbox.pulled.set(pulled);
    }
}

/// Numbers and saves a record (one IndexedDB transaction), then tries to send it.
fn save(
    outbox: Outbox,
    kind: &'static str,
    activity_id: String,
    member_id: String,
    label: String,
    body: RecordBody,
) {
    save_as(outbox, new_v7(), kind, activity_id, member_id, label, body);
}

/// [`save`] with the record's id given. Survey answers go unnumbered: they are anonymous and
/// must not count towards the device's high-water mark.
fn save_as(
    outbox: Outbox,
    id: Uuid,
    kind: &'static str,
    activity_id: String,
    member_id: String,
    label: String,
    body: RecordBody,
) {
    spawn_local(async move {
        let numbered = !matches!(body, RecordBody::SurveyAnswer(_));
        let saved = idb::add(|device| {
            let record = Record {
                id,
                seq: numbered.then_some(device.next_seq),
                body,
            };
            OutboxEntry {
                id: id.to_string(),
                record: serde_json::to_string(&record).expect("a record serialises"),
                kind: kind.to_owned(),
                activity_id,
                member_id,
                seq: device.next_seq,
                label,
                created_at: now_ms(),
                rejected: None,
            }
        })
        .await;
        match saved {
            Ok(entry) => {
                outbox.entries.update(|v| v.push(entry));
                sync(outbox).await;
            }
            Err(e) => outbox
                .problem
                .set(Some(format!("没能保存在手机上：{}。请重试。", e.0))),
        }
    });
}

fn ids(activity_id: &str, member_id: &str) -> Option<(Uuid, Uuid)> {
    Some((
        Uuid::parse_str(activity_id).ok()?,
        Uuid::parse_str(member_id).ok()?,
    ))
}

pub fn check_in(
    outbox: Outbox,
    activity_id: String,
    member_id: String,
    label: String,
    proof: Proof,
) {
    let Some((activity, member)) = ids(&activity_id, &member_id) else {
        outbox
            .problem
            .set(Some("活动或党员编号无效，无法签到。".into()));
        return;
    };
    let body = RecordBody::Checkin(CheckinBody {
        activity_id: activity,
        member_id: member,
        device_time: now_ms(),
        proof,
    });
    save(outbox, KIND_CHECKIN, activity_id, member_id, label, body);
}

pub fn ask_leave(
    outbox: Outbox,
    activity_id: String,
    member_id: String,
    label: String,
    reason: String,
) {
    let Some((activity, member)) = ids(&activity_id, &member_id) else {
        outbox
            .problem
            .set(Some("活动或党员编号无效，无法请假。".into()));
        return;
    };
    let body = RecordBody::LeaveRequest(LeaveRequestBody {
        activity_id: activity,
        member_id: member,
        reason,
        device_time: now_ms(),
    });
    save(outbox, KIND_LEAVE, activity_id, member_id, label, body);
}

pub fn answer_survey(outbox: Outbox, record_id: String, label: String, body: SurveyAnswerBody) {
    let Ok(id) = Uuid::parse_str(&record_id) else {
        outbox
            .problem
            .set(Some("表单已失效，请刷新页面后重新作答。".into()));
        return;
    };
    let body = RecordBody::SurveyAnswer(body);
    // Anonymous: no member on the entry, so it is sent whoever is (or isn't) signed in.
    save_as(
        outbox,
        id,
        KIND_SURVEY,
        String::new(),
        String::new(),
        label,
        body,
    );
}

pub fn dismiss(outbox: Outbox, id: String) {
    spawn_local(async move {
        match idb::dismiss(&id).await {
            Ok(()) => reload(outbox).await,
            Err(e) => outbox.problem.set(Some(format!("操作失败：{}", e.0))),
        }
    });
}

enum NetError {
    /// No answer: offline, or the connection dropped. Nothing is lost; try later.
    Network,
    /// The session ended; the records wait for the member to sign in again.
    SignedOut,
    Server(String),
}

async fn fetch_text(method: &str, url: &str, body: Option<String>) -> Result<String, NetError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
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

/// Pushes the member's waiting records, a batch at a time in the order they were made, until
/// none wait or the network fails. Only one runs at a time; a call during a run makes the run
/// go round again. A failure schedules a retry with backoff.
pub async fn sync(outbox: Outbox) {
    if outbox.syncing.get_untracked() {
        AGAIN.with(|a| a.set(true));
        return;
    }
    outbox.syncing.set(true);
    cancel_retry(outbox);
    let device = DEVICE.with(|d| d.borrow().clone());
    let mut failed = false;
    loop {
        AGAIN.with(|a| a.set(false));
        // Read each round: the member may become known while a round runs. Without a member
        // on this page only anonymous records (survey answers) go.
        let member = outbox.member.get_untracked().unwrap_or_default();
        let waiting = match idb::outbox().await {
            Ok(all) => super::next_batch(all, &member),
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
        let body = super::push_body(device.as_deref(), &waiting);
        match fetch_text("POST", PUSH_PATH, Some(body)).await {
            Ok(text) => {
                let response: PushResponse = match serde_json::from_str(&text) {
                    Ok(r) => r,
                    Err(e) => {
                        outbox
                            .problem
                            .set(Some(format!("服务器的回复无法读取：{e}")));
                        failed = true;
                        break;
                    }
                };
                outbox.connection.set(Connection::Online);
                outbox.problem.set(None);
                BACKOFF.with(|b| {
                    let mut v = b.get();
                    v.succeed();
                    b.set(v);
                });
                if let Some(d) = &response.device {
                    if d.reset_detected {
                        outbox.warning.set(Some(WIPED.into()));
                    }
                    let _ = idb::skip_past(d.high_water).await;
                }
                let outcomes = super::settle_plan(waiting, &response.results, now_ms());
                if let Err(e) = idb::settle(outcomes).await {
                    outbox
                        .problem
                        .set(Some(format!("保存同步结果失败：{}", e.0)));
                    failed = true;
                    break;
                }
                reload(outbox).await;
            }
            Err(NetError::Network) => {
                outbox.connection.set(if window().navigator().on_line() {
                    Connection::Online
                } else {
                    Connection::Offline
                });
                failed = true;
                break;
            }
            Err(NetError::SignedOut) => {
                outbox.problem.set(Some(
                    "登录已过期：记录仍保存在手机上，重新登录后会自动同步。".into(),
                ));
                break;
            }
            Err(NetError::Server(message)) => {
                outbox.problem.set(Some(format!(
                    "同步暂时失败：{message}。记录仍保存在手机上，稍后自动重试。"
                )));
                failed = true;
                break;
            }
        }
    }
    outbox.syncing.set(false);
    if failed && outbox.pending() > 0 {
        schedule_retry(outbox);
    }
}

fn cancel_retry(outbox: Outbox) {
    RETRY.with(|r| {
        if let Some(h) = r.borrow_mut().take() {
            h.clear();
        }
    });
    outbox.next_retry.set(None);
}

fn schedule_retry(outbox: Outbox) {
    let wait = BACKOFF.with(|b| {
        let mut v = b.get();
        let wait = v.fail(js_sys::Math::random());
        b.set(v);
        wait
    });
    outbox.next_retry.set(Some(now_ms() + wait as i64));
    let handle = set_timeout_with_handle(
        move || {
            RETRY.with(|r| r.borrow_mut().take());
            spawn_local(sync(outbox));
        },
        std::time::Duration::from_millis(wait),
    );
    if let Ok(h) = handle {
        RETRY.with(|r| *r.borrow_mut() = Some(h));
    }
}

/// Fetches reference data changed since the last pull and keeps it.
async fn pull(outbox: Outbox) {
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
    let Ok(text) = fetch_text("GET", &url, None).await else {
        return;
    };
    let Ok(response) = serde_json::from_str::<PullResponse>(&text) else {
        return;
    };
    if idb::save_pulled(&response.activities, response.cursor)
        .await
        .is_ok()
        && let Ok(all) = idb::activities().await
    {
        outbox.pulled.set(all);
    }
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
pub fn keep_offline(path: &str) {
    let warm = js_sys::Reflect::get(&window(), &JsValue::from_str("xingqiWarm")).ok();
    if let Some(f) = warm.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = f.call1(&JsValue::NULL, &JsValue::from_str(path));
    }
}
