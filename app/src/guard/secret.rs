//! Secrets the server makes for itself — the key that signs open-link device marks, the salt
//! that hides rate-limit keys — kept in the database so that every process on it uses the same
//! ones (a restart or a second process does not invalidate a mark already handed out). Once
//! made a secret never changes, so each process reads it once and keeps it.

use crate::db::Db;
use crate::error::AppError;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The named secret (32 random bytes), made by whichever process asks first.
pub async fn server_secret(db: &Db, name: &str) -> Result<Vec<u8>, AppError> {
    if let Some(known) = db.cached_secret(name) {
        return Ok(known);
    }
    let value = read_or_make(db, name).await?;
    db.cache_secret(name, &value);
    Ok(value)
}

async fn read_or_make(db: &Db, name: &str) -> Result<Vec<u8>, AppError> {
    let read = || {
        sqlx::query_scalar::<_, String>("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name.to_owned())
            .fetch_optional(db.pool())
    };
    if let Some(hex_value) = read().await? {
        return decode(name, &hex_value);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    // Two processes making it at once: the first insert wins and both read it back.
    sqlx::query(
        "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(hex::encode(bytes))
    .bind(crate::db::now_ms())
    .execute(db.pool())
    .await?;
    match read().await? {
        Some(hex_value) => decode(name, &hex_value),
        None => {
            tracing::error!(name, "server secret vanished after it was written");
            Err(AppError::Internal)
        }
    }
}

fn decode(name: &str, hex_value: &str) -> Result<Vec<u8>, AppError> {
    hex::decode(hex_value).map_err(|e| {
        tracing::error!(name, error = %e, "server secret is not hex");
        AppError::Internal
    })
}

/// HMAC-SHA256 of `message` under `key`, as hex: a value that stands for `message` and cannot
/// be computed (or reversed by trying every address) without the key.
pub fn keyed_hash(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_hashes_depend_on_the_key_and_the_message() {
        let a = keyed_hash(b"k1", b"10.0.0.1");
        assert_eq!(a, keyed_hash(b"k1", b"10.0.0.1"));
        assert_ne!(a, keyed_hash(b"k2", b"10.0.0.1"));
        assert_ne!(a, keyed_hash(b"k1", b"10.0.0.2"));
        assert_eq!(a.len(), 64);
    }
}
