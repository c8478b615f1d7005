//! The browser's sync engine: writes new records to IndexedDB, pushes the outbox when it can,
//! settles each record by the server's answer, retries with backoff, and pulls reference data.
//! Runs only in the browser.
//!
//! `wiring` starts it and listens for the moments worth syncing at; `queue` keeps the
//! member's records in the phone's store; `send` pushes them, a batch at a time, with backoff;
//! `net` is the HTTP request and the pull of reference data.

mod early;
mod net;
mod queue;
mod send;
mod wiring;

pub use queue::{answer_survey, ask_leave, check_in, dismiss};
pub use wiring::{keep_offline, start};

use super::Outbox;
use super::idb;
use leptos::prelude::*;
use uuid::Uuid;

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

const WIPED: &str = "这部手机上的离线数据曾被清除（例如清理了浏览器数据）。清除前尚未同步的签到或请假可能已经丢失，请向支部书记核对。";

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
