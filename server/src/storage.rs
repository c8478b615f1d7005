//! Opening the database: connect, then apply the embedded migrations. A failure here stops the
//! process with the reason, never a half-migrated server.

use app::db::Db;
use sqlx::migrate::Migrator;

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// Connects to `url` and brings its schema up to date.
pub async fn open(url: &str) -> Result<Db, OpenError> {
    let db = Db::connect(url).await.map_err(OpenError::Connect)?;
    MIGRATOR.run(db.pool()).await.map_err(OpenError::Migrate)?;
    Ok(db)
}
