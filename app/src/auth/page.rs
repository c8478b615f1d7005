//! The sign-in page and the sign-out button: plain HTML forms that post to `/auth/*`, so they
//! work before the wasm has loaded and with JavaScript off.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn error_text(code: &str) -> Option<&'static str> {
    match code {
        "credentials" => Some("用户名或密码不正确，请重新输入。"),
        "empty" => Some("请输入用户名和密码。"),
        "server" => Some("服务器暂时无法登录，请稍后再试。"),
        "expired" => Some("登录已过期，请重新登录。"),
        "school" => Some("这个用户名在不止一所学校使用，请选择您所在的学校后再登录。"),
        _ => None,
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").and_then(|c| error_text(&c));
    let signed_out = move || query.read().get("signed_out").is_some();
    let activated = move || query.read().get("activated").is_some();
    let next = move || query.read().get("next").unwrap_or_default();
    // Only when the username and password fit accounts in several schools does the form ask
    // for the school (and only then is the list read).
    let choose_school = move || query.read().get("error").as_deref() == Some("school");
    let schools = Resource::new(choose_school, |ask| async move {
        if ask {
            super::sign_in_schools().await.unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    view! {
        <Title text="登录 · 星旗"/>
        <main class="login">
            <header class="login-brand">
                <span class="logo" aria-hidden="true">"★"</span>
                <h1>"星旗"</h1>
                <p class="tagline">"创五星、争红旗 · 党组织晋位升级"</p>
            </header>
            {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <Show when=signed_out>
                <p class="alert alert-info" role="status">"您已退出登录。"</p>
            </Show>
            <Show when=activated>
                <p class="alert alert-success" role="status">"密码已设置，请用新密码登录。"</p>
            </Show>
            <form method="post" action="/auth/login" class="card form">
                <input type="hidden" name="next" value=next/>
                <label class="field">
                    <span>"用户名"</span>
                    <input name="username" autocomplete="username" autocapitalize="off"
                        spellcheck="false" required/>
                </label>
                <label class="field">
                    <span>"密码"</span>
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                <Show when=choose_school>
                    <label class="field">
                        <span>"学校"</span>
                        <Suspense fallback=|| view! { <span class="hint">"正在读取学校名单…"</span> }>
                            <select name="school" required>
                                <option value="">"请选择"</option>
                                {move || {
                                    schools
                                        .get()
                                        .unwrap_or_default()
                                        .into_iter()
                                        .map(|(id, name)| view! { <option value=id>{name}</option> })
                                        .collect_view()
                                }}
                            </select>
                        </Suspense>
                    </label>
                </Show>
                <button type="submit" class="btn btn-primary btn-block">"登录"</button>
            </form>
            <p class="hint">
                "账号由支部书记或总支管理员开通。第一次使用？"<a href="/invite">"用邀请码设置密码"</a>
            </p>
        </main>
    }
}

/// How many of the signed-in member's records wait unsent on this phone: provided by the
/// outbox (a layer above), read by the sign-out button to warn before it signs out.
#[derive(Clone, Copy)]
pub struct UnsentRecords(pub Signal<usize>);

/// The warning before signing out with records still unsent.
pub fn unsent_warning(n: usize) -> String {
    format!(
        "这部手机上还有 {n} 条记录没有提交到服务器。\n退出后它们仍保存在这部手机上，您再次登录后会自动提交；         但在那之前请不要清除浏览器数据，否则记录会丢失。\n确定现在退出吗？"
    )
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let unsent = use_context::<UnsentRecords>();
    // With records still on the phone, ask first (the plain form signs out at once without
    // JavaScript, when there is no outbox either).
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        let n = unsent.map_or(0, |u| u.0.get_untracked());
        #[cfg(feature = "hydrate")]
        if n > 0
            && !window()
                .confirm_with_message(&unsent_warning(n))
                .unwrap_or(false)
        {
            ev.prevent_default();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, n);
    };
    let title = move || {
        unsent
            .map(|u| u.0.get())
            .filter(|n| *n > 0)
            .map(|n| format!("还有 {n} 条记录未提交"))
    };
    view! {
        <form method="post" action="/auth/logout" class="inline-form" on:submit=confirm>
            <button type="submit" class="btn btn-link" title=title>"退出"</button>
        </form>
    }
}
