//! xingqi (星旗): the Leptos app — pages, server functions, the domain rules, and the browser's
//! offline outbox. Compiled twice: with `ssr` into the server, with `hydrate` into the wasm
//! (through the small `hydrate` crate in `app/hydrate/`, the browser's entry).

// Leptos views are deeply nested types; the member page's exceeds the default limit.
#![recursion_limit = "256"]

pub mod activity;
pub mod audit;
pub mod auth;
pub mod branch;
pub mod bundle;
pub mod bureau;
pub mod checkin;
pub mod drive;
/// The rules and decoders, a crate of their own (no web framework: the fuzzers build it alone).
pub use xingqi_domain as domain;
pub mod error;
pub mod leave;
pub mod letter;
pub mod org;
pub mod outbox;
pub mod plan;
pub mod rating;
#[cfg(feature = "ssr")]
pub mod records;
pub mod roster;
pub mod school;
pub mod setup;
pub mod survey;
pub mod sync;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, StaticSegment, path};

/// Registers the service worker and lets the wasm ask it to keep pages for offline use; keeps a
/// tap on 签到 made before the page is ready (see `outbox::early`). Plain JavaScript in the
/// page, so it runs before (and without) the wasm.
const OFFLINE_SCRIPT: &str = r#"(function () {
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (!f || !f.hasAttribute || !f.hasAttribute('data-early') || f.hasAttribute('data-live')) return;
    e.preventDefault();
    e.stopPropagation();
    var input = f.querySelector('input');
    var taps = [];
    try { taps = JSON.parse(localStorage.getItem('xingqi-early-taps') || '[]'); } catch (x) {}
    taps.push({ activity: f.getAttribute('data-activity'), member: f.getAttribute('data-member'),
      label: f.getAttribute('data-label'), code: input ? input.value : '', at: Date.now() });
    window.__xingqiTaps = taps;
    try { localStorage.setItem('xingqi-early-taps', JSON.stringify(taps)); } catch (x) {}
    var note = f.querySelector('.early-note');
    if (note) note.hidden = false;
    window.dispatchEvent(new Event('xingqi-early-tap'));
  }, true);
  function report(state) {
    window.__xingqiOffline = state;
    window.dispatchEvent(new Event('xingqi-offline'));
  }
  if (!navigator.serviceWorker || !window.caches) { report('unsupported'); return; }
  if (location.search.indexOf('signed_out') >= 0) {
    caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
  }
  window.xingqiWarm = function (path) {
    navigator.serviceWorker.ready.then(function (reg) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (e) { if (e.data && e.data.ok) report('ready'); };
      reg.active.postMessage({ type: 'warm', urls: [path] }, [channel.port2]);
    });
  };
  navigator.serviceWorker.register('/sw.js').catch(function () { report('unsupported'); });
})();"#;

/// Whether this page goes out without the app's scripts: the sign-in page (a plain form), the
/// refused-answer page, and the public pages (`/public/…`: a published commitment letter and
/// its poster), which anyone opens from a QR code or a WeChat link and which need no wasm.
fn static_page() -> bool {
    #[cfg(feature = "ssr")]
    let plain = use_context::<http::request::Parts>()
        .is_some_and(|p| bundle::bundle_of(p.uri.path()) == bundle::Bundle::None);
    #[cfg(not(feature = "ssr"))]
    let plain = false;
    plain || use_context::<survey::StaticPage>().is_some()
}

/// The settings this page's hydration scripts name: a member's page its small bundle's.
fn scripts_options(options: LeptosOptions) -> LeptosOptions {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        return bundle::scripts_options(&options, parts.uri.path());
    }
    options
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    // The page's policy names this response's nonce: only scripts rendered with it run.
    #[cfg(feature = "ssr")]
    {
        let res = use_context::<leptos_axum::ResponseOptions>();
        if let (Some(nonce), Some(res)) = (&nonce, res)
            && let Ok(value) =
                http::HeaderValue::from_str(&domain::csp::page_policy(&nonce.to_string()))
        {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#c8102e"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <meta name="apple-mobile-web-app-capable" content="yes"/>
                <meta name="apple-mobile-web-app-title" content="星旗"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet id="leptos" options=options.clone()/>
                {(!static_page()).then(|| view! { <HydrationScripts options=scripts_options(options)/> })}
                <script nonce=nonce>{OFFLINE_SCRIPT}</script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    outbox::provide_outbox();
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="description" content="星旗：学校党组织“创五星、争红旗”晋位升级"/>
        <Title text="星旗"/>
        <Router>
            <drive::PhaseBanner/>
            <AppRoutes/>
        </Router>
    }
}

/// Every page's route: the full bundle's.
#[cfg(not(any(feature = "member", feature = "answer")))]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=NotFound>
            <Route path=StaticSegment("login") view=auth::LoginPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("me") view=checkin::MyActivitiesPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("audit") view=audit::AuditPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("branch") view=branch::BranchesPage ssr=SsrMode::Async/>
            <Route path=path!("/branch/:id") view=branch::BranchPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("rating") view=rating::RatingOverviewPage ssr=SsrMode::Async/>
            <Route path=path!("/branch/:id/rating") view=rating::RatingPage ssr=SsrMode::Async/>
            <Route path=path!("/branch/:id/plan") view=plan::PlanPage ssr=SsrMode::Async/>
            <Route path=path!("/branch/:id/letter") view=letter::LetterPage ssr=SsrMode::Async/>
            <Route path=path!("/public/letter/:token") view=letter::PublicLetterPage ssr=SsrMode::Async/>
            <Route path=path!("/public/letter/:token/poster") view=letter::PosterPage ssr=SsrMode::Async/>
            <Route path=path!("/branch/:id/activities/new") view=activity::ActivityNewPage ssr=SsrMode::Async/>
            <Route path=path!("/branch/:id/members") view=roster::MembersPage ssr=SsrMode::Async/>
            <Route path=path!("/branch/:id/members/new") view=roster::MemberFormPage ssr=SsrMode::Async/>
            <Route path=path!("/branch/:id/members/import/:import") view=roster::ImportPreviewPage ssr=SsrMode::Async/>
            <Route path=path!("/member/:user/edit") view=roster::MemberFormPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("invite") view=roster::InvitePage ssr=SsrMode::Async/>
            <Route path=StaticSegment("setup") view=setup::SetupPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("school") view=school::SchoolPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("bureau") view=bureau::BureauPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("drive") view=drive::DrivePage ssr=SsrMode::Async/>
            <Route path=path!("/activity/:id") view=activity::ActivityRecordPage ssr=SsrMode::Async/>
            <Route path=path!("/activity/:id/edit") view=activity::ActivityEditPage ssr=SsrMode::Async/>
            <Route path=path!("/activity/:id/qr") view=activity::ActivityQrPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("surveys") view=survey::SurveysPage ssr=SsrMode::Async/>
            <Route path=path!("/surveys/new") view=survey::NewCampaignPage ssr=SsrMode::Async/>
            <Route path=path!("/surveys/:id") view=survey::CampaignPage ssr=SsrMode::Async/>
            <Route path=path!("/surveys/:id/slips") view=survey::SlipsPage ssr=SsrMode::Async/>
            <Route path=path!("/surveys/:id/edit") view=survey::ReviseCampaignPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("survey") view=survey::SurveyCodePage ssr=SsrMode::Async/>
            <Route path=path!("/survey/done") view=survey::SurveyDonePage ssr=SsrMode::Async/>
            <Route path=path!("/survey/open/:token") view=survey::AnswerPage ssr=SsrMode::Async/>
            <Route path=path!("/survey/:code") view=survey::AnswerPage ssr=SsrMode::Async/>
            <Route path=StaticSegment("") view=Home ssr=SsrMode::Async/>
        </Routes>
    }
}

/// The member bundle's routes: check-in, the invite, home (`bundle::bundle_of` names the same);
/// any other page, reached by a link, is loaded from the server.
#[cfg(feature = "member")]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=bundle::FullPage>
            <Route path=path!("/me") view=checkin::MyActivitiesPage ssr=SsrMode::Async/>
            <Route path=path!("/invite") view=roster::InvitePage ssr=SsrMode::Async/>
            <Route path=StaticSegment("") view=Home ssr=SsrMode::Async/>
        </Routes>
    }
}

/// The answer bundle's routes: answering a survey (`bundle::bundle_of` names the same).
#[cfg(feature = "answer")]
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=bundle::FullPage>
            <Route path=StaticSegment("survey") view=survey::SurveyCodePage ssr=SsrMode::Async/>
            <Route path=path!("/survey/done") view=survey::SurveyDonePage ssr=SsrMode::Async/>
            <Route path=path!("/survey/open/:token") view=survey::AnswerPage ssr=SsrMode::Async/>
            <Route path=path!("/survey/:code") view=survey::AnswerPage ssr=SsrMode::Async/>
        </Routes>
    }
}

/// `/` sends signed-in users home and others to sign in (see the server's page guard); this
/// is what shows if that redirect is ever bypassed.
#[cfg_attr(feature = "answer", allow(dead_code))]
#[component]
fn Home() -> impl IntoView {
    view! {
        <main class="page">
            <h1>"星旗"</h1>
            <p>"学校党组织“创五星、争红旗”晋位升级。"</p>
            <p><a class="btn btn-primary" href="/login">"登录"</a></p>
        </main>
    }
}

#[cfg_attr(any(feature = "member", feature = "answer"), allow(dead_code))]
#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="page">
            <h1>"页面不存在"</h1>
            <p><a href="/">"返回首页"</a></p>
        </main>
    }
}
