//! Sign-in: username and password, argon2 hashes, server-side sessions in the database, an
//! HttpOnly SameSite cookie. The form posts to a plain handler, so it works without JavaScript.

mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use page::{LoginPage, SignOutButton};

use crate::domain::role::Role;
use serde::{Deserialize, Serialize};

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
        // "//host" and "/\host" would leave the site.
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\") => {
            p.to_owned()
        }
        _ if role.runs_branches() => "/branch".to_owned(),
        _ => "/me".to_owned(),
    }
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
        assert_eq!(landing_path(None, Role::Secretary), "/branch");
        assert_eq!(landing_path(None, Role::Admin), "/branch");
    }
}
