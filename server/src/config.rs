//! Typed configuration: defaults that run out of the box, overridable by flags and environment.

use clap::Parser;
use secrecy::SecretString;
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(name = "xingqi", about = "星旗：创五星、争红旗 — 学校党组织晋位升级")]
pub struct Config {
    /// Where the data lives: `sqlite://file.db` (created on first run) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://xingqi.db",
        hide_env_values = true
    )]
    pub database_url: SecretString,

    /// Address to listen on; defaults to the site address of the Leptos configuration
    /// (127.0.0.1:3000).
    #[arg(long, env = "XINGQI_ADDR")]
    pub addr: Option<SocketAddr>,

    /// Fill an empty database with the demo school (four branches, a year of activities).
    #[arg(long, env = "XINGQI_DEMO")]
    pub demo: bool,

    /// The password of every demo account.
    #[arg(
        long,
        env = "XINGQI_DEMO_PASSWORD",
        default_value = "xingqi2026",
        hide_env_values = true
    )]
    pub demo_password: SecretString,

    /// Cookies are `Secure` except on `localhost` and loopback addresses; this makes them
    /// `Secure` there too.
    #[arg(long, env = "XINGQI_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Where uploaded files (activity photos) are kept.
    #[arg(long, env = "XINGQI_DATA_DIR", default_value = "xingqi-data")]
    pub data_dir: std::path::PathBuf,

    /// The minimum frequency of each kind of activity, as `kind=N/month|quarter|year,…`
    /// (kinds: branch_meeting, committee, group_meeting, party_lesson, theme_day, life_meeting).
    #[arg(
        long,
        env = "XINGQI_CADENCE",
        default_value = "theme_day=1/month,committee=1/month,group_meeting=1/month,branch_meeting=1/quarter,party_lesson=1/quarter,life_meeting=1/year",
        value_parser = app::domain::cadence::parse_rules
    )]
    pub cadence: std::vec::Vec<app::domain::cadence::Rule>,

    /// How long a sign-in lasts, in days.
    #[arg(long, env = "XINGQI_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,
}
