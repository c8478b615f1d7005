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
    #[error("counting what has no tally or survey count yet failed: {0}")]
    Tallies(String),
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
    usernames_per_school(&db)
        .await
        .map_err(OpenError::Connect)?;
    // Activities from before the tallies existed (or loaded in bulk) get theirs now.
    app::activity::server::recount(&db, app::activity::server::Scope::Missing, true)
        .await
        .map_err(|e| OpenError::Tallies(e.to_string()))?;
    let counts_missing = app::survey::server::counts_missing(&db)
        .await
        .map_err(|e| OpenError::Tallies(e.to_string()))?;
    if counts_missing {
        app::survey::server::recount_counts(&db, true)
            .await
            .map_err(|e| OpenError::Tallies(e.to_string()))?;
    }
    Ok(db)
}

/// Usernames are unique within a school (migration `20261201000010`), but the first schema
/// made them unique across the deployment with an inline `UNIQUE`, which no portable
/// statement drops. PostgreSQL drops the constraint; SQLite rebuilds the table without it —
/// its own definition, as the migrations left it, minus that one word — with its indexes, in
/// one transaction. Both are done once: later opens find nothing to do.
async fn usernames_per_school(db: &Db) -> Result<(), sqlx::Error> {
    if db.backend() == Backend::Postgres {
        // Looked up first: the ALTER would lock the table at every start of every process.
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.table_constraints \
             WHERE table_schema = current_schema() AND table_name = 'users' \
             AND constraint_name = 'users_username_key'",
        )
        .fetch_one(db.pool())
        .await?;
        if left > 0 {
            sqlx::query("ALTER TABLE users DROP CONSTRAINT IF EXISTS users_username_key")
                .execute(db.pool())
                .await?;
        }
        return Ok(());
    }
    let sql: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")
            .fetch_one(db.pool())
            .await?;
    let Some(rebuilt) = without_unique_username(&sql) else {
        return Ok(());
    };
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users' \
         AND sql IS NOT NULL",
    )
    .fetch_all(db.pool())
    .await?;
    let mut conn = db.pool().acquire().await?;
    // The other tables reference users; foreign keys are off around the swap (outside any
    // transaction, as SQLite requires) and checked before it commits.
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let swapped = async {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        sqlx::query(sqlx::AssertSqlSafe(rebuilt.clone()))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO users_rebuilt SELECT * FROM users")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DROP TABLE users").execute(&mut *tx).await?;
        sqlx::query("ALTER TABLE users_rebuilt RENAME TO users")
            .execute(&mut *tx)
            .await?;
        for index in &indexes {
            sqlx::query(sqlx::AssertSqlSafe(index.clone()))
                .execute(&mut *tx)
                .await?;
        }
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&mut *tx)
                .await?;
        if !broken.is_empty() {
            tx.rollback().await?;
            return Err(sqlx::Error::Protocol(format!(
                "rebuilding users would break the references of {broken:?}"
            )));
        }
        tx.commit().await
    }
    .await;
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    swapped
}

/// The definition of a table `users_rebuilt` like `users` but without the deployment-wide
/// `UNIQUE` on its username, or `None` when `users` has none left.
fn without_unique_username(sql: &str) -> Option<String> {
    let at = sql.find("username")?;
    let line_end = at + sql[at..].find(',')?;
    let unique = at + sql[at..line_end].find(" UNIQUE")?;
    let mut rebuilt = sql.to_owned();
    rebuilt.replace_range(unique..unique + " UNIQUE".len(), "");
    Some(rebuilt.replacen("CREATE TABLE users", "CREATE TABLE users_rebuilt", 1))
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

#[cfg(test)]
mod tests {
    use super::without_unique_username;

    #[test]
    fn only_the_usernames_unique_goes() {
        let first = "CREATE TABLE users (\n    id TEXT PRIMARY KEY,\n    username       TEXT NOT NULL UNIQUE,\n    display_name TEXT NOT NULL\n, phone TEXT)";
        let rebuilt = without_unique_username(first).expect("a UNIQUE to drop");
        assert_eq!(
            rebuilt,
            "CREATE TABLE users_rebuilt (\n    id TEXT PRIMARY KEY,\n    username       TEXT NOT NULL,\n    display_name TEXT NOT NULL\n, phone TEXT)"
        );
        assert_eq!(
            without_unique_username(&rebuilt.replace("users_rebuilt", "users")),
            None
        );
    }
}
