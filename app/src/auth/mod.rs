//! Sign-in: username and password, argon2 hashes, server-side sessions in the database, an
//! HttpOnly SameSite cookie. The form posts to a plain handler, so it works without JavaScript.

mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use page::{LoginPage, SignOutButton, UnsentRecords, unsent_warning};

use crate::domain::role::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The schools a sign-in may name, as (id, name): what the sign-in form offers when a username
/// and password fit accounts in several schools. Anyone may ask (the form is for people not
/// signed in); it names schools, never accounts.
#[server(endpoint = "sign_in_schools")]
pub async fn sign_in_schools() -> Result<Vec<(String, String)>, AppError> {
    let state = expect_context::<crate::state::AppState>();
    server::sign_in_schools(&state.db)
        .await
        .map_err(AppError::respond)
}

/// The signed-in user, as pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The branch of a member or secretary; the school of an admin.
    pub org_id: String,
    pub org_name: String,
}

/// Where to go after signing in: `next` when it is a path on this site, else the user's home.
pub fn landing_path(next: Option<&str>, role: Role) -> String {
    match next {
        Some(p) if is_site_path(p) => p.to_owned(),
        _ if role.is_bureau() => "/bureau".to_owned(),
        _ if role.runs_branches() => "/branch".to_owned(),
        _ => "/me".to_owned(),
    }
}

/// A path on this site and nothing else: it starts with one `/`, and has no backslash (browsers
/// read `/\host` as `//host`), no control character (browsers drop tabs and line breaks, so
/// `/\t/host` becomes `//host`; a line break would also split the redirect's header) and no
/// space or other character a URL must escape.
fn is_site_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && p.len() <= 2048
        && p.chars().all(|c| c.is_ascii_graphic() && c != '\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(landing_path(Some("/branch/x"), Role::Member), "/branch/x");
        assert_eq!(landing_path(Some("//evil.example"), Role::Member), "/me");
        assert_eq!(landing_path(Some("/\\evil.example"), Role::Member), "/me");
        assert_eq!(
            landing_path(Some("https://evil.example"), Role::Member),
            "/me"
        );
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/%0a",
            "/a\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "/foo\\bar",
            "/\u{7f}",
            "/我的活动",
            "",
        ] {
            let expected = if sneaky == "/%0a" { "/%0a" } else { "/me" };
            assert_eq!(
                landing_path(Some(sneaky), Role::Member),
                expected,
                "{sneaky:?}"
            );
        }
        assert_eq!(
            landing_path(Some("/me?checkin=abc&x=%E6%88%91#top"), Role::Member),
            "/me?checkin=abc&x=%E6%88%91#top"
        );
        assert_eq!(landing_path(None, Role::Secretary), "/branch");
        assert_eq!(landing_path(None, Role::Admin), "/branch");
        assert_eq!(landing_path(None, Role::BureauViewer), "/bureau");
    }
}
