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

    /// Rate limits over the defaults, as `name=N/window,…` (e.g. `sign_in_account=5/15m`), or
    /// `xN` to multiply every limit (the fuzzer and the benchmarks use `x1000`). Names:
    /// sign_in_address, sign_in_account, invite_address, answer_address, mark_address,
    /// code_address, push_address, push_account.
    #[arg(
        long,
        env = "XINGQI_RATE_LIMITS",
        default_value = "",
        value_parser = app::domain::limits::parse_limits
    )]
    pub rate_limits: app::domain::limits::Limits,

    /// Where people reach xingqi (`https://xingqi.example.cn`): decides the cross-site check,
    /// whether cookies are `Secure` and every absolute link the server prints. Without it,
    /// each request's own `Host` is used.
    #[arg(long, env = "XINGQI_PUBLIC_URL", value_parser = app::domain::public_url::PublicUrl::parse)]
    pub public_url: Option<app::domain::public_url::PublicUrl>,

    /// Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` names the
    /// client; without one, the connection's own address is the client's.
    #[arg(
        long,
        env = "XINGQI_TRUSTED_PROXIES",
        default_value = "",
        value_parser = parse_proxies
    )]
    pub trusted_proxies: Proxies,

    /// How many years the audit log keeps its entries.
    #[arg(long, env = "XINGQI_AUDIT_YEARS", default_value_t = 5)]
    pub audit_years: u32,

    /// The rating's scheme: `seed` (the seed school's five indicators, the default), `points`
    /// (points per indicator, stars from point bands, capped when satisfaction is low), or
    /// the path of a JSON file written like `domain/rules/seed.json`.
    #[arg(long, env = "XINGQI_RATING_RULES", default_value = "seed", value_parser = parse_rating_rules)]
    pub rating_rules: std::sync::Arc<app::domain::rating::RuleSet>,

    /// How long a sign-in lasts, in days.
    #[arg(long, env = "XINGQI_SESSION_DAYS", default_value_t = 30)]
    pub session_days: u32,

    /// A sign-in unused for this many hours ends before its time (the idle timeout).
    #[arg(long, env = "XINGQI_SESSION_IDLE_HOURS", default_value_t = 14 * 24)]
    pub session_idle_hours: u32,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the binary does instead of serving.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Sets up the school in an empty database (for scripted installs) and prints its first
    /// admin's invite code, then exits.
    Setup(SetupArgs),
    /// Copies the database and the data folder into a new folder while the server keeps
    /// serving (SQLite: VACUUM INTO; PostgreSQL: pg_dump), then exits.
    Backup(BackupArgs),
    /// Puts a backup into an empty database and data folder, then exits.
    Restore(RestoreArgs),
    /// Computes every activity's counts (activity_tallies) from the raw records again and
    /// rewrites those that differ (or, with --check, only reports them), then exits.
    Recount(RecountArgs),
}

/// `xingqi recount` (`crate::recount`).
#[derive(Debug, clap::Args)]
pub struct RecountArgs {
    /// Report the tallies that differ from the raw records without changing them; exits with
    /// an error if any does.
    #[arg(long)]
    pub check: bool,
}

/// `xingqi backup` (`crate::backup`).
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The folder to write (it must not exist yet).
    #[arg(long)]
    pub to: std::path::PathBuf,
}

/// `xingqi restore` (`crate::backup`).
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A folder written by `xingqi backup`.
    #[arg(long)]
    pub from: std::path::PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct SetupArgs {
    /// The school's name (学校名称).
    #[arg(long)]
    pub school: String,
    /// The name of its 党总支 (default: the school's name + 党总支).
    #[arg(long, default_value = "")]
    pub committee: String,
    /// The first admin's name (姓名).
    #[arg(long)]
    pub admin_name: String,
    /// The first admin's username.
    #[arg(long)]
    pub admin: String,
    /// Set up an education bureau (教育局, a county deployment) instead: `--school` is then the
    /// bureau's name, and its admin adds the schools.
    #[arg(long)]
    pub bureau: bool,
}

/// The trusted proxies, as one value for clap.
#[derive(Clone, Debug, Default)]
pub struct Proxies(pub Vec<std::net::IpAddr>);

fn parse_proxies(s: &str) -> Result<Proxies, String> {
    app::guard::client::parse_proxies(s).map(Proxies)
}

/// A built-in scheme by name, or a scheme file.
fn parse_rating_rules(s: &str) -> Result<std::sync::Arc<app::domain::rating::RuleSet>, String> {
    if let Some(set) = app::domain::rating::RuleSet::builtin(s) {
        return Ok(std::sync::Arc::new(set));
    }
    let json = std::fs::read_to_string(s)
        .map_err(|e| format!("rating rules: neither `seed`, `points` nor a readable file ({e})"))?;
    app::domain::rating::RuleSet::parse(&json).map(std::sync::Arc::new)
}
