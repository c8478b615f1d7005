//! Exactly once, for every kind of record a phone sends: a record is a fact with its own id,
//! stored once. The same id with the same content again is a duplicate (a success); the same
//! id with other content is a conflict, never an overwrite.
//!
//! Each table keeps, beside the id, a SHA-256 of the record's content (`content_hash`). Rows
//! stored before the hash was kept have none: their content is read from the columns named in
//! [`Once::legacy_columns`], so a retry sent before an upgrade still answers `duplicate`.

use sha2::{Digest, Sha256};
use sqlx::any::AnyArguments;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Row};

/// A record id the table holds already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Stored with the same content: the sender's retry.
    Duplicate,
    /// Stored with other content: refused, and the stored row stays as it was.
    Conflict,
}

/// The SHA-256 (hex) of a record's content, given as its parts in a fixed order.
pub fn content_hash(parts: &[&str]) -> String {
    let canonical = serde_json::to_string(parts).unwrap_or_default();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// One record, about to be stored once in `table` under `key`.
pub struct Once<'a> {
    /// The table, e.g. `checkins`; a constant, never user input.
    pub table: &'static str,
    /// Its key column, e.g. `id`.
    pub key_column: &'static str,
    /// The columns whose text (in order) is the content of a row stored without a content
    /// hash; empty where every row has one.
    pub legacy_columns: &'static [&'static str],
    pub key: &'a str,
    /// [`content_hash`] of this record's content (the legacy columns' values, in order).
    pub content_hash: String,
}

impl<'a> Once<'a> {
    /// A record of `table` keyed by its `id`, whose content is `values`: the text of
    /// `columns`, in order, as they are stored.
    pub fn by_id(
        table: &'static str,
        key: &'a str,
        columns: &'static [&'static str],
        values: &[&str],
    ) -> Self {
        Once {
            table,
            key_column: "id",
            legacy_columns: columns,
            key,
            content_hash: content_hash(values),
        }
    }

    /// Whether the key is stored already, and with which content. Read first, so that a retry
    /// of an accepted record stays a success even when its rules would refuse it today (the
    /// activity cancelled since, the code expired).
    pub async fn seen(&self, conn: &mut AnyConnection) -> Result<Option<Seen>, sqlx::Error> {
        let legacy: String = self
            .legacy_columns
            .iter()
            .map(|c| format!(", CAST({c} AS TEXT)"))
            .collect();
        let sql = format!(
            "SELECT content_hash{legacy} FROM {} WHERE {} = $1",
            self.table, self.key_column
        );
        let Some(row) = sqlx::query(AssertSqlSafe(sql))
            .bind(self.key)
            .fetch_optional(conn)
            .await?
        else {
            return Ok(None);
        };
        let stored: Option<String> = row.try_get(0)?;
        let stored = match stored {
            Some(hash) => hash,
            None => {
                let parts = (1..=self.legacy_columns.len())
                    .map(|i| row.try_get::<Option<String>, _>(i))
                    .collect::<Result<Vec<_>, _>>()?;
                let parts: Vec<&str> = parts.iter().map(|p| p.as_deref().unwrap_or("")).collect();
                content_hash(&parts)
            }
        };
        Ok(Some(if stored == *self.content_hash {
            Seen::Duplicate
        } else {
            Seen::Conflict
        }))
    }

    /// Runs `insert` — an `INSERT … ON CONFLICT (key) DO NOTHING` that writes this record with
    /// its `content_hash` — and checks that it wrote the row. `None`: stored now. Otherwise
    /// another transaction stored the same key between [`Once::seen`] and here (PostgreSQL lets
    /// both through until the first commits), and the answer is read from what it stored.
    pub async fn insert(
        &self,
        conn: &mut AnyConnection,
        insert: sqlx::query::Query<'_, Any, AnyArguments>,
    ) -> Result<Option<Seen>, sqlx::Error> {
        if insert.execute(&mut *conn).await?.rows_affected() == 1 {
            return Ok(None);
        }
        match self.seen(conn).await? {
            Some(seen) => Ok(Some(seen)),
            None => Err(sqlx::Error::Protocol(format!(
                "{}: an insert that stored nothing left no row with its key",
                self.table
            ))),
        }
    }
}

/// The stored content hash of each of `keys` that `table` holds, with one query: what
/// [`Once::seen`] reads for one record, for a whole batch. Rows stored before the hash was
/// kept answer the hash of their `legacy_columns`.
pub async fn stored_hashes(
    conn: &mut AnyConnection,
    table: &'static str,
    key_column: &'static str,
    legacy_columns: &'static [&'static str],
    keys: &[&str],
) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
    let mut found = std::collections::HashMap::new();
    if keys.is_empty() {
        return Ok(found);
    }
    let legacy: String = legacy_columns
        .iter()
        .map(|c| format!(", CAST({c} AS TEXT)"))
        .collect();
    let placeholders = super::value_marks(conn, keys.len());
    let sql = format!(
        "SELECT CAST({key_column} AS TEXT), content_hash{legacy} FROM {table} \
         WHERE {key_column} IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for key in keys {
        query = query.bind(*key);
    }
    for row in query.fetch_all(conn).await? {
        let key: String = row.try_get(0)?;
        let hash = match row.try_get::<Option<String>, _>(1)? {
            Some(hash) => hash,
            None => {
                let parts = (2..2 + legacy_columns.len())
                    .map(|i| row.try_get::<Option<String>, _>(i))
                    .collect::<Result<Vec<_>, _>>()?;
                let parts: Vec<&str> = parts.iter().map(|p| p.as_deref().unwrap_or("")).collect();
                content_hash(&parts)
            }
        };
        found.insert(key, hash);
    }
    Ok(found)
}

/// A record's answer against the hash stored under its key.
pub fn seen_against(stored: &str, content_hash: &str) -> Seen {
    if stored == content_hash {
        Seen::Duplicate
    } else {
        Seen::Conflict
    }
}

#[cfg(test)]
mod tests {
    use super::content_hash;

    #[test]
    fn content_hashes_tell_parts_apart() {
        assert_eq!(content_hash(&["a", "b"]), content_hash(&["a", "b"]));
        assert_ne!(content_hash(&["a", "b"]), content_hash(&["ab", ""]));
        assert_ne!(content_hash(&["a|b", "c"]), content_hash(&["a", "b|c"]));
        assert_eq!(content_hash(&["x"]).len(), 64);
    }
}
