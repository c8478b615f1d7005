//! Logging: `RUST_LOG` filters; by default the server's own info and everyone's warnings.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    // A second init (in tests) is harmless; ignore its error.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
