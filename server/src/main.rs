//! The `xingqi` binary: reads its configuration and serves. Everything else is in the library.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let config = server::config::Config::parse();
    server::serve(config).await
}
