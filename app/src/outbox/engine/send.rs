//! The push loop: the member's waiting records go a batch at a time, each settled by the
//! server's answer; a failure schedules a retry with backoff.

use super::net::{NetError, fetch_text};
use super::{WIPED, idb, now_ms, reload};
use crate::outbox::retry::Backoff;
use crate::outbox::{Connection, Outbox, is_anonymous, next_batch, push_body, settle_plan};
use crate::sync::protocol::{PUSH_PATH, PushResponse};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};

thread_local! {
    /// Set when a sync is asked for while one runs, so the running one goes round again.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    pub(super) static BACKOFF: Cell<Backoff> = const { Cell::new(Backoff::new()) };
    static RETRY: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    pub(super) static DEVICE: RefCell<Option<String>> = const { RefCell::new(None) };
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
            Ok(all) => next_batch(all, &member),
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
        // Survey answers go on their own, without the session cookie or the device.
        let anonymous = is_anonymous(&waiting);
        let body = push_body(device.as_deref().filter(|_| !anonymous), &waiting);
        match fetch_text("POST", PUSH_PATH, Some(body), !anonymous).await {
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
                let outcomes = settle_plan(waiting, &response.results, now_ms());
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
