//! `/survey`: the respondent types the code from a paper slip.

use leptos::prelude::*;
use leptos_meta::Title;

/// `/survey`: type the code from a paper slip.
#[component]
pub fn SurveyCodePage() -> impl IntoView {
    view! {
        <Title text="输入邀请码 · 星旗"/>
        <main class="page survey">
            <h1>"满意度测评"</h1>
            <form method="get" action="/survey/go" class="card form">
                <label class="field"><span>"纸条上的邀请码"</span><input name="code" autocapitalize="characters" autocomplete="off" required placeholder="如 ABCD-EFGH"/></label>
                <button type="submit" class="btn btn-primary btn-block">"开始作答"</button>
            </form>
        </main>
    }
}
