//! `/me`: the member's activities of today and the days ahead, from the server and from
//! what the phone pulled.

use super::card::ActivityCard;
use super::scan::ScannedCheckin;
use super::status::{RefusedRecords, SyncBanner};
use crate::checkin::{MemberActivity, MyActivities, load_my_activities};
use crate::outbox::use_outbox;
use crate::ui::{ErrorPanel, Loading, TopBar};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MyActivitiesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_my_activities());
    let outbox = use_outbox();
    // Effects run only in the browser: ask the service worker to keep this page for offline use.
    Effect::new(move |_| outbox.keep_offline("/me"));
    view! {
        <Title text="我的活动 · 星旗"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <MyActivitiesView data=d/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An activity pulled after this page was rendered (offline, from a cached page) as a card.
fn from_pulled(p: &crate::sync::protocol::PulledActivity) -> MemberActivity {
    MemberActivity {
        id: p.id.clone(),
        kind: p.kind,
        topic: p.topic.clone(),
        starts_at: p.starts_at,
        ends_at: p.ends_at,
        place: p.place.clone(),
        checked_in: p.checked_in,
        checkin_review: p.checkin_review,
        leave: p.leave,
        record_note: None,
    }
}

#[component]
fn MyActivitiesView(data: MyActivities) -> impl IntoView {
    let MyActivities {
        member,
        today,
        upcoming,
    } = data;
    let outbox = use_outbox();
    let member_id = member.id.clone();
    {
        let member_id = member_id.clone();
        Effect::new(move |_| outbox.signed_in(member_id.clone()));
    }
    let known: Vec<String> = today
        .iter()
        .chain(&upcoming)
        .map(|a| a.id.clone())
        .collect();
    // Today's activities this page did not know of when it was rendered, learned by pull.
    let extra_today = {
        let known = known.clone();
        move || {
            let (day_start, day_end) = local_day();
            outbox.pulled.with(|p| {
                p.iter()
                    .filter(|a| a.expected && a.status == "scheduled" && !known.contains(&a.id))
                    .filter(|a| a.starts_at >= day_start && a.starts_at < day_end)
                    .map(from_pulled)
                    .collect::<Vec<_>>()
            })
        }
    };
    let today_empty = today.is_empty();
    let upcoming_empty = upcoming.is_empty();
    let today_cards = today
        .into_iter()
        .map(|a| view! { <ActivityCard activity=a member_id=member_id.clone() today=true/> })
        .collect_view();
    let upcoming_cards = upcoming
        .into_iter()
        .map(|a| view! { <ActivityCard activity=a member_id=member_id.clone() today=false/> })
        .collect_view();
    let member_for_extra = member_id.clone();
    let extra_for_cards = extra_today.clone();
    let extra_cards = move || {
        extra_for_cards()
            .into_iter()
            .map(|a| view! { <ActivityCard activity=a member_id=member_for_extra.clone() today=true/> })
            .collect_view()
    };
    let no_today = {
        let extra = extra_today.clone();
        move || today_empty && extra().is_empty()
    };
    view! {
        <TopBar user=member/>
        <main class="page">
            <h1>"我的活动"</h1>
            <SyncBanner/>
            <ScannedCheckin member_id=member_id.clone()/>
            <section aria-labelledby="today-h">
                <h2 id="today-h">"今天"</h2>
                <Show when=no_today>
                    <p class="empty">"今天没有需要您参加的活动。"</p>
                </Show>
                <div class="cards">{today_cards}{extra_cards}</div>
            </section>
            <section aria-labelledby="upcoming-h">
                <h2 id="upcoming-h">"即将开始"</h2>
                <Show when=move || upcoming_empty>
                    <p class="empty">"近期没有安排活动。"</p>
                </Show>
                <div class="cards">{upcoming_cards}</div>
            </section>
            <RefusedRecords/>
            <p class="rule-note">"签到需要现场的签到码：扫描组织者出示的二维码，或输入屏幕上的六位数字。请假需经支部书记批准，请假不计入出席。"</p>
        </main>
    }
}

/// [start, end) of today by this device's clock, in China time.
fn local_day() -> (i64, i64) {
    #[cfg(feature = "hydrate")]
    let now = js_sys::Date::now() as i64;
    #[cfg(not(feature = "hydrate"))]
    let now = crate::db::now_ms();
    crate::domain::time::day_bounds_ms(now)
}
