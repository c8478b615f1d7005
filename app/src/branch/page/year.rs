//! The year picker of the figure pages: plain links (`?year=2025`), so it works without
//! JavaScript and a year can be bookmarked or sent; and the year's closing (年度封存).

use crate::branch::{CloseYear, ReopenYear, YearState};
use crate::domain::time::format_full;
use crate::ui::{ErrorPanel, reload_after};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The `?year=` of the page's address, if it names one (reactive: following a picker link
/// changes it without a new page).
pub(crate) fn asked_year() -> impl Fn() -> Option<i32> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get("year").and_then(|y| y.trim().parse().ok())
}

/// Links to each year that can be picked, the shown one marked as current.
#[component]
pub(crate) fn YearPicker(base: String, year: i32, years: Vec<i32>) -> impl IntoView {
    (years.len() > 1).then(|| {
        view! {
            <nav class="year-picker" aria-label="选择年度">
                {years
                    .into_iter()
                    .map(|y| {
                        let join = if base.contains('?') { '&' } else { '?' };
                        let href = format!("{base}{join}year={y}");
                        view! {
                            <a href=href aria-current=(y == year).then_some("page")>{format!("{y}年")}</a>
                        }
                    })
                    .collect_view()}
            </nav>
        }
    })
}

/// The year's closing (年度封存): whether it is closed, the 总支's close and reopen, the trail.
#[component]
pub(super) fn YearClosing(state: Option<YearState>) -> impl IntoView {
    state
        .filter(|s| s.closed_at.is_some() || s.may_close || !s.trail.is_empty())
        .map(closing_card)
}

fn closing_card(state: YearState) -> impl IntoView {
    let close = ServerAction::<CloseYear>::new();
    let reopen = ServerAction::<ReopenYear>::new();
    reload_after(move || {
        matches!(close.value().get(), Some(Ok(_))) || matches!(reopen.value().get(), Some(Ok(_)))
    });
    let year = state.year.to_string();
    let (year_close, year_reopen) = (year.clone(), year.clone());
    let may_close = state.may_close;
    let status = match (&state.closed_at, &state.closed_by) {
        (Some(at), by) => format!(
            "{}年度已于 {} 由{}封存：当年的数据以封存时为准，记录不能再更改。",
            state.year,
            format_full(*at),
            by.clone().unwrap_or_default()
        ),
        (None, _) => format!(
            "{}年度尚未封存。评定完成后由总支封存：参与率、“三会一课”等数据随即固定，当年的记录不能再更改。",
            state.year
        ),
    };
    let closed = state.closed_at.is_some();
    view! {
        <section class="card year-closing" aria-labelledby="closing-h" data-testid="year-closing">
            <h2 id="closing-h">"年度封存"</h2>
            <p>{status}</p>
            {move || close.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            {move || reopen.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
            {(may_close && !closed).then(|| view! {
                <ActionForm action=close attr:class="inline-form">
                    <input type="hidden" name="year" value=year_close.clone()/>
                    <button type="submit" class="btn btn-primary">{format!("封存{}年度", year_close)}</button>
                </ActionForm>
            })}
            {(may_close && closed).then(|| view! {
                <details>
                    <summary>"重新开启该年度"</summary>
                    <ActionForm action=reopen attr:class="form">
                        <input type="hidden" name="year" value=year_reopen.clone()/>
                        <label class="field">
                            <span>"重新开启的原因（记入年度记录）"</span>
                            <input name="reason" required maxlength="200"/>
                        </label>
                        <button type="submit" class="btn">"重新开启"</button>
                    </ActionForm>
                </details>
            })}
            {(!state.trail.is_empty()).then(|| view! {
                <ul class="mark-log">
                    {state.trail.iter().map(|t| view! {
                        <li>
                            {format!("{} {} {}", format_full(t.at), t.by_name, t.act)}
                            {(!t.reason.is_empty()).then(|| format!("，原因：{}", t.reason))}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}
