//! What the server builds once at start-up and hands to every request: no global statics, so a
//! test can run many apps side by side.

use crate::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: RuntimeConfig,
}

/// Settings the app reads while serving.
#[derive(Clone, Debug)]
pub struct RuntimeConfig {
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// How long a sign-in lasts, in milliseconds.
    pub session_ttl_ms: i64,
    /// How long a sign-in may sit unused before it ends, in milliseconds.
    pub session_idle_ms: i64,
    /// Where uploaded files (activity photos) are kept.
    pub data_dir: std::path::PathBuf,
    /// The minimum frequency of each kind of activity.
    pub cadence: Vec<crate::domain::cadence::Rule>,
    /// How many requests of each kind one address or account may make.
    pub limits: crate::domain::limits::Limits,
    /// Proxies whose `X-Forwarded-For` names the client (`crate::guard::client`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How many years the audit log keeps its entries.
    pub audit_years: u32,
    /// Where people reach xingqi, when the deployment says (`XINGQI_PUBLIC_URL`).
    pub public_url: Option<crate::domain::public_url::PublicUrl>,
    /// The rating's scheme (`XINGQI_RATING_RULES`): the seed's by default.
    pub rating_rules: std::sync::Arc<crate::domain::rating::RuleSet>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_ttl_ms: 30 * 24 * 3_600_000,
            session_idle_ms: 14 * 24 * 3_600_000,
            data_dir: "xingqi-data".into(),
            cadence: crate::domain::cadence::DEFAULT_RULES.to_vec(),
            limits: crate::domain::limits::Limits::default(),
            trusted_proxies: Vec::new(),
            public_url: None,
            audit_years: 5,
            rating_rules: std::sync::Arc::new(crate::domain::rating::RuleSet::seed()),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state, from inside a server function or a component rendered on the server.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        crate::error::AppError::Internal
    })
}
