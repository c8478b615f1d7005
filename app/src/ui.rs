//! Pieces every page uses: the top bar, loading and error states.

use crate::auth::{CurrentUser, SignOutButton};
use crate::error::{AppError, FieldError};
use leptos::prelude::*;

/// The top bar: who is signed in and where they can go.
#[component]
pub fn TopBar(user: CurrentUser) -> impl IntoView {
    let runs = user.role.runs_branches();
    let audits = user.role == crate::domain::role::Role::Admin;
    let bureau = user.role.is_bureau();
    let reads = user.role.reads_branches();
    // A member reads their own branch's rating.
    let member_rating = (user.role == crate::domain::role::Role::Member)
        .then(|| format!("/branch/{}/rating", user.org_id));
    view! {
        <header class="topbar">
            <a class="brand" href="/">"★ 星旗"</a>
            <nav class="nav">
                <a href="/me">"我的活动"</a>
                <Show when=move || runs>
                    <a href="/branch">"支部"</a>
                    <a href="/surveys">"测评"</a>
                </Show>
                <Show when=move || bureau>
                    <a href="/bureau">"学校"</a>
                    <a href="/branch">"各校支部"</a>
                </Show>
                <Show when=move || reads>
                    <a href="/rating">"评定"</a>
                </Show>
                {member_rating.map(|href| view! { <a href=href>"支部评定"</a> })}
                <Show when=move || audits>
                    <a href="/school">"组织"</a>
                    <a href="/audit">"审计"</a>
                </Show>
            </nav>
            <div class="who">
                <span class="who-name" role="group" aria-label="当前用户">{user.display_name.clone()}</span>
                <span class="who-role">{user.role.label()}</span>
                <SignOutButton/>
            </div>
        </header>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status" aria-live="polite">"正在加载…"</p> }
}

/// An error as the user should read it, with the way forward.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let signed_out = matches!(error, AppError::Unauthorized);
    view! {
        <div class="alert alert-error" role="alert">
            <p>{error.to_string()}</p>
            <Show when=move || signed_out>
                <p><a class="btn btn-primary" href="/login">"去登录"</a></p>
            </Show>
        </div>
    }
}

/// How a page's data is read again after a form on it changed something (with JavaScript on;
/// without it, the form post returns to the page, which renders afresh).
#[derive(Clone, Copy)]
pub struct Reload(Callback<()>);

impl Reload {
    pub fn run(&self) {
        self.0.run(());
    }
}

/// Makes `reload` what forms on this page call after they succeed.
pub fn provide_reload(reload: impl Fn() + Send + Sync + 'static) {
    provide_context(Reload(Callback::new(move |()| reload())));
}

/// Reads the page's data again each time `succeeded` turns true (an action's value is `Ok`).
pub fn reload_after(succeeded: impl Fn() -> bool + Send + Sync + 'static) {
    if let Some(reload) = use_context::<Reload>() {
        Effect::new(move |_| {
            if succeeded() {
                reload.run();
            }
        });
    }
}

/// The field errors a form's server action came back with (none before it has run): what a
/// form shows beside its fields.
pub fn field_errors<S>(action: ServerAction<S>) -> impl Fn() -> Vec<FieldError> + Copy
where
    S: leptos::server_fn::ServerFn<Output = Vec<FieldError>> + Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    move || {
        action
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    }
}

/// Opens the browser's print dialog (a button's action; the policy allows no inline handler).
pub fn print_page() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

/// The latest refusal of `action`: its value while the page runs with JavaScript, else the
/// one the server put in the address after a plain form post (leptos_axum sends a refused
/// no-JS post back to its page with `?__path=<the function>&__err=<the error>`, which
/// `ActionForm` itself does not read).
pub fn refusal<S>(action: ServerAction<S>) -> impl Fn() -> Option<AppError> + Copy + Send + Sync
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let query = leptos_router::hooks::use_query_map();
    let from_address = query.with_untracked(|q| {
        q.get("__err")
            .filter(|_| q.get("__path").as_deref() == Some(S::PATH))
            .map(|e| leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(&e))
    });
    let from_address = StoredValue::new(from_address);
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| from_address.get_value())
    }
}
