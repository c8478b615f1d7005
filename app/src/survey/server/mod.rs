//! The server side of the surveys (feature `ssr`), one concern per file:
//!
//! - [`store`]: campaigns — who may run one, creating, renaming, revising, reading back;
//! - [`codes`]: one-time codes and open-link tokens as values (made, typed, hashed);
//! - [`invites`]: a campaign's one-time codes, issued and listed;
//! - [`entry`]: what a respondent's link opens, and why an answer is refused;
//! - [`answer`]: the anonymity-critical answer path ([`submit`], [`store_pushed`], [`restamp`]);
//! - [`mark`]: the open link's server-signed, single-use mark;
//! - [`counts`]: each campaign's votes kept beside its answers, and their recount;
//! - [`results`]: the counts the figures are computed from (the figures are in
//!   [`crate::domain::figures`]);
//! - [`http`] and [`export`]: the plain HTTP routes the server mounts.
//!
//! Everything callers use is re-exported here, so `survey::server::submit` and the like keep
//! their paths.

pub mod answer;
pub mod codes;
pub mod counts;
pub mod entry;
pub mod export;
pub mod http;
pub mod invites;
pub mod mark;
pub mod results;
pub mod revision;
pub mod store;

pub use crate::domain::figures::group_figures;
pub use answer::{
    Credential, Outcome, Submission, answer_key, restamp, store_pushed, submit, submit_in,
};
pub use codes::{new_code, new_token, normalise_code};
pub use counts::{counts_missing, recount_counts};
pub use entry::{Entry, Refusal, entry_by_code, entry_by_token, open_on};
pub use invites::{MAX_INVITES_PER_BATCH, create_invites, invite_slips};
pub use mark::{is_valid_mark, issue_mark, mark_cookie, mark_set_cookie, mark_use};
pub use results::{results, tallies};
pub use revision::{Revised, decide_revision, pending_revision, revise_campaign};
pub use store::{
    campaign_for_organiser, campaigns, change_details, create_campaign, may_run, runnable_orgs,
};

use sha2::{Digest, Sha256};

/// The hex SHA-256 every stored key of the surveys is made with.
fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `scheme://host` people reach xingqi at, for absolute links in QR codes: the deployment's
/// public address when set, else the request's `Host` (behind a proxy, its
/// `X-Forwarded-Proto`).
pub fn origin_of(config: &crate::state::RuntimeConfig, headers: &::http::HeaderMap) -> String {
    if let Some(public) = &config.public_url {
        return public.origin();
    }
    let host = headers
        .get(::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:3000");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    format!("{scheme}://{host}")
}
