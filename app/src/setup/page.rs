//! `/setup`: the first-run form, a plain form so it works in any browser.

use super::setup_state;
use crate::domain::password::Weakness;
use crate::domain::setup::SetupError;
use crate::ui::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn setup_error(code: &str) -> Option<&'static str> {
    if let Some(e) = SetupError::from_code(code) {
        return Some(e.message());
    }
    if let Some(w) = Weakness::from_code(code) {
        return Some(w.message());
    }
    match code {
        "mismatch" => Some("两次输入的密码不一致。"),
        "token" => Some("设置链接无效或已用过：请使用服务器启动时日志里打印的最新链接。"),
        "taken" => Some("该用户名已被使用，请换一个。"),
        _ => None,
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let error = move || query.read().get("error").and_then(|c| setup_error(&c));
    let state = Resource::new(|| (), |()| setup_state());
    view! {
        <Title text="设置学校 · 星旗"/>
        <div class="login">
            <header class="login-brand">
                <span class="logo" aria-hidden="true">"★"</span>
                <h1>"设置学校"</h1>
                <p class="tagline">"第一次使用星旗：填写学校、党组织和管理员账号"</p>
            </header>
            <Suspense fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || state.get().map(|r| match r {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(false) => view! {
                        <p class="alert alert-info" role="status">"学校已经设置好了。"</p>
                        <p class="hint"><a href="/login">"去登录"</a></p>
                    }.into_any(),
                    Ok(true) if token().is_empty() => view! {
                        <p class="alert alert-info" role="status">
                            "请使用服务器启动时在日志中打印的设置链接（含一次性令牌）打开本页；也可以在服务器上运行 xingqi setup。"
                        </p>
                    }.into_any(),
                    Ok(true) => view! { <SetupForm token=token() error=error()/> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn SetupForm(token: String, error: Option<&'static str>) -> impl IntoView {
    view! {
        {error.map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
        <form method="post" action="/auth/setup" class="card form">
            <input type="hidden" name="token" value=token/>
            <label class="field"><span>"学校名称"</span><input name="school_name" maxlength="60" required placeholder="如：城关第一中学"/></label>
            <label class="field"><span>"党组织名称（可不填）"</span><input name="committee_name" maxlength="60" placeholder="不填则为 学校名称+党总支"/></label>
            <label class="check">
                <input type="checkbox" name="bureau" value="1"/>
                " 这是教育局（县级部署：上面填教育局名称，设置后由教育局添加下属学校）"
            </label>
            <fieldset class="field-group">
                <legend>"总支管理员（第一个账号）"</legend>
                <label class="field"><span>"姓名"</span><input name="admin_name" maxlength="60" autocomplete="name" required/></label>
                <label class="field"><span>"用户名（3–32 位字母、数字或 . _ -）"</span><input name="username" autocomplete="username" autocapitalize="off" spellcheck="false" required/></label>
                <label class="field"><span>"密码（至少 8 位）"</span><input type="password" name="password" autocomplete="new-password" minlength="8" required/></label>
                <label class="field"><span>"再输入一次"</span><input type="password" name="confirm" autocomplete="new-password" minlength="8" required/></label>
            </fieldset>
            <button type="submit" class="btn btn-primary btn-block">"完成设置并登录"</button>
        </form>
    }
}
