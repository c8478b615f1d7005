//! Opening the database: connect, then apply the embedded migrations. A failure here stops the
//! process with the reason, never a half-migrated server.

use app::db::{Backend, Db};
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
    if db.backend() == Backend::Sqlite {
        answers_without_rowid(&db)
            .await
            .map_err(OpenError::Connect)?;
    }
    Ok(db)
}

/// On SQLite, the answer tables keep no insertion order: an ordinary table numbers its rows as
/// they come (the implicit `rowid`), which would let anyone with the file line answers up with
/// the order codes were spent. `WITHOUT ROWID` tables are ordered by their key alone (a hash).
/// The migrations are shared with PostgreSQL, which has no such clause, so the tables are
/// rebuilt here, once, in one transaction; later opens find them done.
async fn answers_without_rowid(db: &Db) -> Result<(), sqlx::Error> {
    let sql: Option<String> = sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'survey_answers'",
    )
    .fetch_optional(db.pool())
    .await?;
    if sql.is_some_and(|s| s.to_uppercase().contains("WITHOUT ROWID")) {
        return Ok(());
    }
    let mut conn = db.pool().acquire().await?;
    // Foreign keys are switched off around the rebuild (the choices reference the answers),
    // which SQLite allows only outside a transaction.
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let rebuilt = async {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        for statement in REBUILD {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        tx.commit().await
    }
    .await;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    rebuilt
}

const REBUILD: [&str; 9] = [
    "CREATE TABLE survey_answers_new (
        id_hash TEXT PRIMARY KEY, campaign_id TEXT NOT NULL REFERENCES survey_campaigns (id),
        version INTEGER NOT NULL, audience TEXT NOT NULL, comment TEXT,
        content_hash TEXT NOT NULL, via TEXT) WITHOUT ROWID",
    "INSERT INTO survey_answers_new (id_hash, campaign_id, version, audience, comment, content_hash, via)
        SELECT id_hash, campaign_id, version, audience, comment, content_hash, via FROM survey_answers",
    "CREATE TABLE survey_choices_new (
        answer_id TEXT NOT NULL REFERENCES survey_answers (id_hash), question TEXT NOT NULL,
        choice INTEGER NOT NULL, PRIMARY KEY (answer_id, question)) WITHOUT ROWID",
    "INSERT INTO survey_choices_new (answer_id, question, choice)
        SELECT answer_id, question, choice FROM survey_choices",
    "DROP TABLE survey_choices",
    "DROP TABLE survey_answers",
    "ALTER TABLE survey_answers_new RENAME TO survey_answers",
    "ALTER TABLE survey_choices_new RENAME TO survey_choices",
    "CREATE INDEX survey_answers_campaign ON survey_answers (campaign_id, version, audience)",
];
