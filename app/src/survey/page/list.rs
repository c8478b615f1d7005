//! `/surveys`: the organiser's list of campaigns.

use super::period_text;
use crate::survey::load_surveys;
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/surveys`: the campaigns the organiser runs.
#[component]
pub fn SurveysPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_surveys());
    view! {
        <Title text="满意度测评 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => {
                        let empty = list.campaigns.is_empty();
                        let items = list.campaigns.into_iter().map(|c| {
                            let href = format!("/surveys/{}", c.id);
                            let meta = period_text(&c);
                            view! {
                                <li class="card">
                                    <a href=href><strong>{c.title}</strong></a>
                                    <p class="hint-left">{meta}</p>
                                </li>
                            }
                        }).collect_view();
                        view! {
                            <TopBar user=list.viewer/>
                            <main class="page">
                                <h1>"满意度测评"</h1>
                                <p><a class="btn btn-primary" href="/surveys/new">"发起测评"</a></p>
                                <Show when=move || empty>
                                    <p class="empty">"还没有测评。发起一次测评后，可打印邀请码纸条，或把二维码发到微信群。"</p>
                                </Show>
                                <ul class="cards">{items}</ul>
                            </main>
                        }.into_any()
                    }
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}
