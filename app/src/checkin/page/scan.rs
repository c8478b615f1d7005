//! A check-in by the organiser's QR code, scanned with the phone's camera.

use crate::domain::proof::{Proof, parse_qr_param};
use crate::outbox::{LocalStatus, use_outbox};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A QR code scanned with the phone's camera opens `/me?checkin=…&p=…`: record that check-in.
#[component]
pub(super) fn ScannedCheckin(member_id: String) -> impl IntoView {
    let outbox = use_outbox();
    let query = use_query_map();
    let message = RwSignal::new(None::<(bool, String)>);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !outbox.loaded.get() {
            return done.unwrap_or(false);
        }
        let q = query.get_untracked();
        let (Some(activity), Some(p)) = (q.get("checkin"), q.get("p")) else {
            return true;
        };
        match parse_qr_param(&p) {
            Some((step, code)) => {
                if matches!(
                    outbox.status_of(&activity),
                    Some(LocalStatus::Pending | LocalStatus::Synced)
                ) {
                    message.set(Some((true, "您已签到过本次活动。".into())));
                } else {
                    outbox.check_in(
                        activity,
                        member_id.clone(),
                        "扫码签到".into(),
                        Proof::Qr { step, code },
                    );
                    message.set(Some((true, "已扫码签到，记录已保存在手机上。".into())));
                }
            }
            None => message.set(Some((
                false,
                "二维码内容不完整，请重新扫描或输入签到码。".into(),
            ))),
        }
        true
    });
    view! {
        {move || message.get().map(|(ok, text)| {
            let class = if ok { "alert alert-success" } else { "alert alert-error" };
            view! { <p class=class role="status">{text}</p> }
        })}
    }
}
