//! `/surveys/new`: the form that starts a campaign.

use super::definition::DefinitionFields;
use crate::survey::{CreateCampaign, load_surveys};
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/surveys/new`
#[component]
pub fn NewCampaignPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_surveys());
    view! {
        <Title text="发起测评 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! {
                        <TopBar user=list.viewer/>
                        <main class="page">
                            <p class="crumbs"><a href="/surveys">"‹ 满意度测评"</a></p>
                            <h1>"发起满意度测评"</h1>
                            <NewCampaignForm orgs=list.orgs/>
                        </main>
                    }.into_any(),
                    Err(e) => view! { <main class="page"><ErrorPanel error=e/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewCampaignForm(orgs: Vec<(String, String)>) -> impl IntoView {
    let action = ServerAction::<CreateCampaign>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    let options = orgs
        .into_iter()
        .map(|(id, name)| view! { <option value=id>{name}</option> })
        .collect_view();
    view! {
        <ActionForm action=action attr:class="card form">
            {move || error().map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })}
            <label class="field"><span>"组织"</span><select name="form[org_id]">{options}</select></label>
            <label class="field"><span>"测评名称"</span><input name="form[title]" required maxlength="60" value="党组织和书记满意度测评"/></label>
            <label class="field"><span>"测评期间"</span><input name="form[period]" required maxlength="30" placeholder="如：2026年度"/></label>
            <label class="field"><span>"计入评定年度"</span><input type="number" inputmode="numeric" name="form[rating_year]" min="2000" max="2100" placeholder="留空：按测评期间中的年份，否则按结束日期"/></label>
            <div class="field-row">
                <label class="field"><span>"开始日期"</span><input type="date" name="form[opens_on]" required/></label>
                <label class="field"><span>"结束日期"</span><input type="date" name="form[closes_on]" required/></label>
            </div>
            <DefinitionFields def=crate::domain::ballot::Definition::seed("")/>
            <label class="check"><input type="checkbox" name="form[open_link]" value="on" checked/>"开放链接：可发到微信群，每部手机限答一次"</label>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "正在创建…" } else { "创建测评" }}
            </button>
        </ActionForm>
    }
}
