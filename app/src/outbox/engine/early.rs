//! Taps on 签到 made before the page was ready: the page's script (`OFFLINE_SCRIPT` in
//! `lib.rs`) keeps each in `localStorage` (and on `window`, where storage is refused); once the
//! phone's store is read they are saved as check-ins, with the time of the tap, and sent.

use super::queue::check_in_at;
use super::send::sync;
use crate::domain::proof::{Proof, normalise_typed_code};
use crate::outbox::Outbox;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::JsValue;

const KEY: &str = "xingqi-early-taps";
const WINDOW_KEY: &str = "__xingqiTaps";

#[derive(Deserialize)]
struct EarlyTap {
    activity: Option<String>,
    member: Option<String>,
    label: Option<String>,
    code: Option<String>,
    at: Option<f64>,
}

/// The kept taps, as JSON values (in the order they were made).
fn read() -> Vec<serde_json::Value> {
    let storage = window().local_storage().ok().flatten();
    let stored = storage
        .as_ref()
        .and_then(|s| s.get_item(KEY).ok().flatten());
    let text = stored.or_else(|| {
        js_sys::Reflect::get(&window(), &JsValue::from_str(WINDOW_KEY))
            .ok()
            .filter(|v| !v.is_undefined())
            .and_then(|v| js_sys::JSON::stringify(&v).ok())
            .and_then(|v| v.as_string())
    });
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Forgets the first `done` taps — those taken up; any made meanwhile stay.
fn forget(done: usize) {
    let rest: Vec<_> = read().into_iter().skip(done).collect();
    let text = serde_json::to_string(&rest).unwrap_or_else(|_| "[]".into());
    if let Some(s) = window().local_storage().ok().flatten() {
        let _ = if rest.is_empty() {
            s.remove_item(KEY)
        } else {
            s.set_item(KEY, &text)
        };
    }
    let value = js_sys::JSON::parse(&text).unwrap_or(JsValue::UNDEFINED);
    let _ = js_sys::Reflect::set(&window(), &JsValue::from_str(WINDOW_KEY), &value);
}

thread_local! {
    static BUSY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Saves the kept taps, forgets each batch once it is in the store, and sends them. One run at
/// a time; taps made during a run are taken by its next round.
pub fn take_up(outbox: Outbox) {
    if read().is_empty() || BUSY.with(|b| b.replace(true)) {
        return;
    }
    spawn_local(async move {
        loop {
            let taps = read();
            if taps.is_empty() {
                break;
            }
            let mut all_saved = true;
            for tap in &taps {
                all_saved &= save(outbox, tap).await;
            }
            if !all_saved {
                break;
            }
            forget(taps.len());
        }
        BUSY.with(|b| b.set(false));
        sync(outbox).await;
    });
}

/// One tap saved as a check-in; `false` if the store refused it (then it is kept).
async fn save(outbox: Outbox, tap: &serde_json::Value) -> bool {
    let Ok(tap) = serde_json::from_value::<EarlyTap>(tap.clone()) else {
        return true;
    };
    let (Some(activity), Some(member)) = (tap.activity, tap.member) else {
        return true;
    };
    let typed = tap.code.unwrap_or_default();
    let Some(code) = normalise_typed_code(&typed) else {
        outbox.problem.set(Some(format!(
            "页面准备好之前输入的签到码“{typed}”不是 6 位数字，请重新输入。"
        )));
        return true;
    };
    let at = tap.at.unwrap_or_else(js_sys::Date::now) as i64;
    let label = tap.label.unwrap_or_default();
    check_in_at(outbox, activity, member, label, Proof::Code { code }, at).await
}
