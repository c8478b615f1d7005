//! Invite codes: the slips shown once to the secretary, and the public page where an
//! invited member sets a first password.

use crate::domain::time::format_full;
use crate::roster::{CreateInvites, Invite};
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Fresh invite codes, shown once, laid out to print and cut into slips.
#[component]
pub(super) fn InviteSlips(invites: ServerAction<CreateInvites>) -> impl IntoView {
    view! {
        {move || invites.value().get().map(|result| match result {
            Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            Ok(list) if list.is_empty() => view! { <p class="alert alert-info">"没有需要邀请码的党员。"</p> }.into_any(),
            Ok(list) => view! {
                <section class="invites" aria-label="邀请码">
                    <p class="alert alert-success no-print">
                        {format!("已生成 {} 个邀请码（只显示这一次，可打印后剪开分发）。", list.len())}
                        <button type="button" class="btn btn-small" on:click=|_| crate::ui::print_page()>"打印"</button>
                    </p>
                    <div class="slips">
                        {list.into_iter().enumerate().map(|(n, i): (usize, Invite)| {
                            // Each slip is named by its member, and its code by the label before it.
                            let (name_id, code_id) = (format!("invite-{n}-name"), format!("invite-{n}-code"));
                            view! {
                                <article class="slip" aria-labelledby=name_id.clone()>
                                    <p class="slip-name" id=name_id.clone()>{i.name.clone()}</p>
                                    <p>"用户名："<strong>{i.username.clone()}</strong></p>
                                    <p>
                                        <label for=code_id.clone()>"邀请码："</label>
                                        <output id=code_id.clone()><strong class="slip-code">{i.code.clone()}</strong></output>
                                    </p>
                                    <p class="slip-note">{format!("请在 {} 前打开 星旗 → “用邀请码设置密码”", format_full(i.expires_at))}</p>
                                </article>
                            }
                        }).collect_view()}
                    </div>
                </section>
            }.into_any(),
        })}
    }
}

fn invite_error(code: &str) -> Option<&'static str> {
    if let Some(w) = crate::domain::password::Weakness::from_code(code) {
        return Some(w.message());
    }
    match code {
        "mismatch" => Some("两次输入的密码不一致。"),
        "invalid" => Some("邀请码无效、已用过或已过期；请向支部书记重新索取。"),
        _ => None,
    }
}

/// `/invite`: a plain form, so it works in any browser.
#[component]
pub fn InvitePage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").and_then(|c| invite_error(&c));
    view! {
        <Title text="用邀请码设置密码 · 星旗"/>
        <div class="login">
            <header class="login-brand">
                <span class="logo" aria-hidden="true">"★"</span>
                <h1>"设置密码"</h1>
                <p class="tagline">"用支部书记给您的邀请码设置登录密码"</p>
            </header>
            {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <form method="post" action="/auth/invite" class="card form">
                <label class="field"><span>"用户名或手机号"</span><input name="username" autocomplete="username" autocapitalize="off" required/></label>
                <label class="field"><span>"邀请码"</span><input name="code" autocapitalize="characters" autocomplete="one-time-code" required/></label>
                <label class="field"><span>"新密码（至少 8 位）"</span><input type="password" name="password" autocomplete="new-password" minlength="8" required/></label>
                <label class="field"><span>"再输入一次"</span><input type="password" name="confirm" autocomplete="new-password" minlength="8" required/></label>
                <p class="hint-left">"密码不能包含用户名或手机号，不能是同一个字符重复或常见密码；只用数字时至少 10 位。"</p>
                <button type="submit" class="btn btn-primary btn-block">"设置密码"</button>
            </form>
            <p class="hint"><a href="/login">"已有密码？去登录"</a></p>
        </div>
    }
}
