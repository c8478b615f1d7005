//! Which code a page loads. A phone on a weak signal must not download every organiser's page
//! to check in or to answer a survey, so the browser code is built as three bundles
//! (`scripts/build.sh`), each the same app with a different set of routes:
//!
//! - `xingqi-member` (feature `member`): 我的活动 (check-in, leave), the invite, the home page;
//! - `xingqi-answer` (feature `answer`): answering a survey (code, open link, done);
//! - `xingqi`: every page (the organisers'), as before.
//!
//! The sign-in page is a plain form and loads no wasm at all. The service worker keeps all
//! three bundles, so the member's offline check-in and the organiser's offline code screen
//! still open without a network. A small bundle's router knows its own routes only
//! (`AppRoutes` in `lib.rs`); any other page renders [`FullPage`], which has the server render
//! it (and with it the right bundle) when a link leads there.

use leptos::prelude::*;

/// The code a page hydrates with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// No wasm: the page works as plain HTML (sign-in, public pages).
    None,
    Member,
    Answer,
    Full,
}

impl Bundle {
    /// The bundle's file stem and the hash file written beside the server binary.
    pub fn files(self) -> Option<(&'static str, &'static str)> {
        match self {
            Bundle::None | Bundle::Full => None,
            Bundle::Member => Some(("xingqi-member", "hash-member.txt")),
            Bundle::Answer => Some(("xingqi-answer", "hash-answer.txt")),
        }
    }
}

/// The small bundles, as `scripts/build.sh` builds them.
pub const SMALL: [Bundle; 2] = [Bundle::Member, Bundle::Answer];

/// The bundle the page at `path` hydrates with. Must agree with the routes of each small
/// bundle's `AppRoutes` (`lib.rs`).
pub fn bundle_of(path: &str) -> Bundle {
    match path {
        "/login" => Bundle::None,
        "/" | "/me" | "/invite" => Bundle::Member,
        "/survey" => Bundle::Answer,
        p if p.starts_with("/survey/") => Bundle::Answer,
        p if p.starts_with("/public/") => Bundle::None,
        _ => Bundle::Full,
    }
}

/// Stands in for a page of another bundle: a link led here in the browser, so the server
/// renders it (with its own bundle).
#[component]
pub fn FullPage() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    view! {
        <main class="page"><crate::ui::Loading/></main>
    }
}

/// The settings the page's hydration scripts are rendered with: its small bundle's when that
/// was built, the full bundle's otherwise.
#[cfg(feature = "ssr")]
pub fn scripts_options(
    options: &leptos::config::LeptosOptions,
    path: &str,
) -> leptos::config::LeptosOptions {
    let mut chosen = options.clone();
    if let Some((stem, hash_file)) = bundle_of(path).files()
        && built(options, stem, hash_file)
    {
        chosen.output_name = stem.into();
        chosen.hash_file = hash_file.into();
    }
    chosen
}

/// Whether a small bundle exists: its hash file beside the binary (hashed builds), else its
/// script in the site's package folder. Checked once per bundle.
#[cfg(feature = "ssr")]
fn built(options: &leptos::config::LeptosOptions, stem: &str, hash_file: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashMap<String, bool>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
    *seen.entry(stem.to_owned()).or_insert_with(|| {
        if options.hash_files {
            std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(|d| d.join(hash_file)))
                .is_some_and(|f| f.is_file())
        } else {
            std::path::Path::new(options.site_root.as_ref())
                .join(options.site_pkg_dir.as_ref())
                .join(format!("{stem}.js"))
                .is_file()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_loads_the_code_it_needs_and_no_more() {
        for (path, bundle) in [
            ("/login", Bundle::None),
            ("/public/letter/abc", Bundle::None),
            ("/", Bundle::Member),
            ("/me", Bundle::Member),
            ("/invite", Bundle::Member),
            ("/survey", Bundle::Answer),
            ("/survey/123456", Bundle::Answer),
            ("/survey/done", Bundle::Answer),
            ("/survey/open/abc", Bundle::Answer),
            ("/surveys", Bundle::Full),
            ("/surveys/1", Bundle::Full),
            ("/branch", Bundle::Full),
            ("/activity/1/qr", Bundle::Full),
            ("/meeting", Bundle::Full),
            ("/login2", Bundle::Full),
        ] {
            assert_eq!(bundle_of(path), bundle, "{path}");
        }
        assert!(SMALL.iter().all(|b| b.files().is_some()));
    }
}
