//! A check-in by the organiser's QR code, scanned with the phone's camera.

use crate::domain::proof::{Proof, parse_qr_param};
use crate::outbox::{LocalStatus, use_outbox};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A QR code scanned with the phone's camera opens `/me?checkin=…&p=…`. The link only fills in
/// the check-in: nothing is recorded (and no wrong code counts against the member) until the
/// member taps 签到 — a link sent in a message cannot check anyone in, or lock them out.
#[component]
pub(super) fn ScannedCheckin(member_id: String) -> impl IntoView {
    let outbox = use_outbox();
    let query = use_query_map();
    let message = RwSignal::new(None::<(bool, String)>);
    // The scanned activity and proof, waiting for the member's tap.
    let scanned = RwSignal::new(None::<(String, i64, String)>);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !outbox.loaded.get() {
            return done.unwrap_or(false);
        }
        let q = query.get_untracked();
        let (Some(activity), Some(p)) = (q.get("checkin"), q.get("p")) else {
            return true;
        };
        match parse_qr_param(&p) {
            Some(_)
                if matches!(
                    outbox.status_of(&activity),
                    Some(LocalStatus::Pending | LocalStatus::Synced | LocalStatus::Held)
                ) =>
            {
                message.set(Some((true, "您已签到过本次活动。".into())));
            }
            Some((step, code)) => scanned.set(Some((activity, step, code))),
            None => message.set(Some((
                false,
                "二维码内容不完整，请重新扫描或输入签到码。".into(),
            ))),
        }
        true
    });
    let confirm = move |_| {
        if let Some((activity, step, code)) = scanned.get_untracked() {
            outbox.check_in(
                activity,
                member_id.clone(),
                "扫码签到".into(),
                Proof::Qr { step, code },
            );
            scanned.set(None);
            message.set(Some((true, "已扫码签到，记录已保存在手机上。".into())));
        }
    };
    view! {
        {move || scanned.get().map(|_| view! {
            <section class="card scanned" aria-label="扫码签到">
                <p>"已扫描签到二维码。确认是本人在活动现场后，点“签到”。"</p>
                <p class="actions">
                    <button type="button" class="btn btn-primary btn-checkin" on:click=confirm.clone()>"签到"</button>
                    <button type="button" class="btn" on:click=move |_| scanned.set(None)>"取消"</button>
                </p>
            </section>
        })}
        {move || message.get().map(|(ok, text)| {
            let class = if ok { "alert alert-success" } else { "alert alert-error" };
            view! { <p class=class role="status">{text}</p> }
        })}
    }
}
