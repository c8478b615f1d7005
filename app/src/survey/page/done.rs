//! `/survey/done`: the respondent's thanks.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/survey/done`: thanks, and nothing else to do.
#[component]
pub fn SurveyDonePage() -> impl IntoView {
    let query = use_query_map();
    let again = move || query.read().get("again").is_some();
    view! {
        <Title text="提交成功 · 星旗"/>
        <main class="page survey">
            <h1>"感谢您的参与"</h1>
            <p class="alert alert-success" role="status">
                {move || if again() { "这份答卷之前已经收到，不会重复计入。" } else { "您的答卷已收到。" }}
            </p>
            <p class="hint-left">"本测评匿名进行，答卷不与您的身份关联。"</p>
        </main>
    }
}
