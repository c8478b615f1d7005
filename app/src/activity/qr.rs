//! The organiser's screen: a QR code and a six-digit code that change every 30 seconds,
//! computed on this device from the activity's secret and its clock — so it keeps working after
//! the network is gone.

use super::{ProofScreen, load_proof_screen};
use crate::domain::proof::{STEP_MS, WINDOW_TOLERANCE_MS, code, qr_path, step_of};
use crate::domain::time::{format_full, format_time};
use crate::outbox::use_outbox;
use crate::ui::{ErrorPanel, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// `/activity/:id/qr`
#[component]
pub fn ActivityQrPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, load_proof_screen);
    view! {
        <Title text="签到码 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(s) => view! { <QrView screen=s/> }.into_any(),
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

pub(crate) fn qr_svg(url: &str) -> String {
    qr_svg_sized(url, 260)
}

/// A QR code of `url` as an SVG at least `size` pixels square; empty if the URL is too long.
pub(crate) fn qr_svg_sized(url: &str, size: u32) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(qr) => qr
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(size, size)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// "123 456": easier to read out and type.
fn spaced(code: &str) -> String {
    format!("{} {}", &code[..3], &code[3..])
}

#[component]
fn QrView(screen: ProofScreen) -> impl IntoView {
    // The device's clock, ticking once a second; `None` until the page runs in the browser.
    let now = RwSignal::new(None::<i64>);
    let origin = RwSignal::new(String::new());
    let outbox = use_outbox();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let tick = move || now.set(Some(js_sys::Date::now() as i64));
            tick();
            origin.set(window().location().origin().unwrap_or_default());
            if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
                on_cleanup(move || handle.clear());
            }
            let path = window().location().pathname().unwrap_or_default();
            outbox.keep_offline(&path);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (now, origin, outbox);
    });
    let secret = hex::decode(&screen.secret).unwrap_or_default();
    let id = screen.activity_id.clone();
    let step = Memo::new(move |_| now.get().map(step_of));
    let current = Memo::new(move |_| step.get().map(|s| (s, code(&secret, &id, s))));
    let id = screen.activity_id.clone();
    let url = Memo::new(move |_| {
        current
            .get()
            .map(|(s, c)| format!("{}{}", origin.get(), qr_path(&id, s, &c)))
    });
    let svg = Memo::new(move |_| url.get().map(|u| qr_svg(&u)));
    let remaining = move || {
        now.get()
            .map(|t| (STEP_MS - t.rem_euclid(STEP_MS)) / 1000 + 1)
    };
    let clock = move || now.get().map(format_time_s);
    let back = format!("/activity/{}", screen.activity_id);
    let (opens, closes) = (
        screen.starts_at - WINDOW_TOLERANCE_MS,
        screen.ends_at + WINDOW_TOLERANCE_MS,
    );
    let outside = move || {
        now.get().and_then(|t| {
            if t < opens {
                Some("活动尚未开始：开始前 30 分钟起签到码才有效。")
            } else if t > closes {
                Some("活动已结束超过 30 分钟：现在的签到码不会被接受，请在活动记录里手动标记出席。")
            } else {
                None
            }
        })
    };
    view! {
        <main class="qr-screen">
            <p class="crumbs"><A href=back>"‹ 返回活动记录"</A></p>
            <h1>{screen.topic.clone()}</h1>
            <p class="meta">{format!("{} · {} – {}", screen.branch_name, format_full(screen.starts_at), format_time(screen.ends_at))}</p>
            {move || outside().map(|w| view! { <p class="alert alert-warn" role="alert">{w}</p> })}
            {move || match current.get() {
                None => view! {
                    <p class="loading">"正在生成签到码…（需要开启 JavaScript）"</p>
                }.into_any(),
                Some((_, c)) => view! {
                    <div class="qr" role="img" aria-label="签到二维码" data-url=move || url.get().unwrap_or_default()
                        inner_html=move || svg.get().unwrap_or_default()></div>
                    <p class="proof-code" data-testid="proof-code" aria-label="签到码">{spaced(&c)}</p>
                    <p class="countdown" aria-live="off">{move || remaining().map(|r| format!("{r} 秒后更新"))}</p>
                }.into_any(),
            }}
            <p class="hint">"请党员用手机相机或微信“扫一扫”扫描二维码，或在“我的活动”里输入六位签到码。本页加载后断网也能继续使用。"</p>
            <p class="device-clock">{move || clock().map(|c| format!("本机时间 {c}（与手机时间相差较大时签到会失败）"))}</p>
        </main>
    }
}

fn format_time_s(ms: i64) -> String {
    let secs = (ms / 1000).rem_euclid(60);
    format!("{}:{secs:02}", format_time(ms))
}
