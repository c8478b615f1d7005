//! Passwords: the value that is never printed, and argon2id hashing bounded per process.

use crate::error::AppError;
use argon2::password_hash::{SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use serde::Deserialize;
use std::fmt;

/// A password on its way to be hashed or checked; never printed.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(p: impl Into<String>) -> Self {
        Self(p.into())
    }

    /// Its length in characters.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Why this password may not be chosen by an account named `names`, if it may not
    /// (`crate::domain::password`).
    pub fn weakness(&self, names: &[&str]) -> Option<crate::domain::password::Weakness> {
        crate::domain::password::weakness(&self.0, names)
    }

    pub fn same_as(&self, other: &Password) -> bool {
        self.0 == other.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// How many argon2 computations run at once. Each takes about 19 MiB and tens of
/// milliseconds; a burst of sign-ins (or bogus ones) waits in line for these instead of taking
/// the server's memory from about 100 MB to gigabytes. A bound on this process's own memory,
/// so it lives in the process (rate limits per address and account belong in the database).
const HASHING_AT_ONCE: usize = 4;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHING_AT_ONCE);

/// A turn to hash: waits while [`HASHING_AT_ONCE`] hashes run.
async fn hashing_turn() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    HASHING.acquire().await.map_err(|_| AppError::Internal)
}

/// Hashes with argon2id (the crate's defaults) off the async threads: it takes tens of ms.
pub async fn hash_password(password: Password) -> Result<String, AppError> {
    let _turn = hashing_turn().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.0.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "hashing task failed");
        AppError::Internal
    })?
    .map_err(|e| {
        tracing::error!(error = %e, "hashing failed");
        AppError::Internal
    })
}

pub(super) async fn verify_password(password: Password, hash: String) -> Result<bool, AppError> {
    let _turn = hashing_turn().await?;
    tokio::task::spawn_blocking(move || match PasswordHash::new(&hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.0.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "stored password hash is unreadable");
            false
        }
    })
    .await
    .map_err(|_| AppError::Internal)
}
