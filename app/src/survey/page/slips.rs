//! `/surveys/:id/slips`: the print sheet of a campaign's one-time codes (used or not, so the
//! sheet does not change when someone answers).

use super::param;
use crate::survey::{SlipSheet, code_path, load_slips};
use crate::ui::{ErrorPanel, Loading};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/surveys/:id/slips`: a sheet of one-time codes to print and cut.
#[component]
pub fn SlipsPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new(id, load_slips);
    view! {
        <Title text="邀请码纸条 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(sheet) => view! { <SlipsView sheet=sheet/> }.into_any(),
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SlipsView(sheet: SlipSheet) -> impl IntoView {
    let back = format!("/surveys/{}", sheet.info.id);
    let empty = sheet.slips.is_empty();
    let title = sheet.info.title.clone();
    let slips = sheet
        .slips
        .into_iter()
        .map(|s| {
            let url = format!("{}{}", sheet.origin, code_path(&s.code));
            let svg = crate::activity::qr_svg_sized(&url, 120);
            view! {
                <li class="slip">
                    <p class="slip-name">{title.clone()}" · "{s.audience.label()}</p>
                    <div class="qr" inner_html=svg></div>
                    <p class="slip-code"><output aria-label="邀请码">{s.code.clone()}</output></p>
                    <p class="slip-link">{url.clone()}</p>
                    <p class="slip-note">"微信扫码作答，或打开 "{sheet.origin.clone()}"/survey 输入邀请码。匿名，仅可作答一次。"</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <main class="page">
            <p class="crumbs no-print"><a href=back>"‹ 返回测评"</a></p>
            <h1 id="slips-h" class="no-print">"邀请码纸条"</h1>
            <p class="hint-left no-print">"列出本次测评的全部邀请码，不标明哪些已用：为保护匿名，这里看不出谁何时作答。已用过的邀请码再次发放会提示“已使用”。"</p>
            <Show when=move || empty>
                <p class="empty">"还没有邀请码。请先在测评页面生成。"</p>
            </Show>
            <p class="no-print"><button class="btn btn-primary" on:click=|_| crate::ui::print_page()>"打印"</button></p>
            <ul class="slips" aria-labelledby="slips-h">{slips}</ul>
        </main>
    }
}
