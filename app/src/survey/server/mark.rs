//! The open link's one-answer-per-phone mark, issued and signed by the server. A phone opening
//! an open link gets a random nonce with the server's signature, kept in a cookie (so the same
//! phone is shown the same mark again) and written into the form; the answer carries it in its
//! body. A mark the server did not sign is refused, and each mark answers a campaign once —
//! stored as a keyed hash of campaign and nonce, so the stored use says nothing across
//! campaigns and cannot be recomputed from a cookie without the server's key.
//!
//! What this cannot prevent: a person who clears cookies (or uses several browsers) is given a
//! new mark each time, as with any link-based survey; the per-address limit on new marks
//! (`mark_address`) and on answers (`answer_address`) bounds how far a script gets, and open-link
//! answers are shown apart from code answers wherever figures are shown.

use crate::db::Db;
use crate::error::AppError;
use crate::guard::{keyed_hash, server_secret};
use rand::RngCore;

/// The name of the key that signs marks, in `server_secrets`.
const MARK_KEY: &str = "open-link-mark";

/// A new signed mark: `nonce.signature`, both hex.
pub async fn issue_mark(db: &Db) -> Result<String, AppError> {
    let key = server_secret(db, MARK_KEY).await?;
    let mut nonce = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let nonce = hex::encode(nonce);
    let signature = signature(&key, &nonce);
    Ok(format!("{nonce}.{signature}"))
}

fn signature(key: &[u8], nonce: &str) -> String {
    keyed_hash(key, format!("mark:{nonce}").as_bytes())[..32].to_owned()
}

/// The nonce of `mark` if the server signed it.
fn verified_nonce<'a>(key: &[u8], mark: &'a str) -> Option<&'a str> {
    let (nonce, sig) = mark.trim().split_once('.')?;
    let well_formed = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !well_formed(nonce) || !well_formed(sig) {
        return None;
    }
    let expected = signature(key, nonce);
    // Compared in constant time: the signature must not leak a byte at a time.
    let same = expected
        .bytes()
        .zip(sig.to_ascii_lowercase().bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    (same == 0).then_some(nonce)
}

/// The mark a phone was given before, from its cookie (only the open link's page reads it).
pub fn mark_cookie(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == crate::survey::DEVICE_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// The `Set-Cookie` value that keeps `mark` on the phone for a year.
pub fn mark_set_cookie(mark: &str, secure: bool) -> String {
    format!(
        "{}={mark}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
        crate::survey::DEVICE_COOKIE,
        if secure { "; Secure" } else { "" }
    )
}

/// Whether `mark` is one the server signed (a cookie worth keeping).
pub async fn is_valid_mark(db: &Db, mark: &str) -> Result<bool, AppError> {
    let key = server_secret(db, MARK_KEY).await?;
    Ok(verified_nonce(&key, mark).is_some())
}

/// What the use of `mark` for `campaign` is stored as, or `None` if the server did not sign
/// it. Worked out before the answer's transaction begins.
pub async fn mark_use(db: &Db, campaign: &str, mark: &str) -> Result<Option<String>, AppError> {
    let key = server_secret(db, MARK_KEY).await?;
    Ok(verified_nonce(&key, mark)
        .map(|nonce| keyed_hash(&key, format!("use:{campaign}:{nonce}").as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_signed_marks_verify() {
        let key = b"0123456789abcdef0123456789abcdef";
        let nonce = "00112233445566778899aabbccddeeff";
        let mark = format!("{nonce}.{}", signature(key, nonce));
        assert_eq!(verified_nonce(key, &mark), Some(nonce));
        assert_eq!(
            verified_nonce(key, &mark.to_uppercase()),
            None,
            "the nonce is as issued"
        );
        assert_eq!(verified_nonce(b"another key", &mark), None);
        let forged = format!("{nonce}.{}", "0".repeat(32));
        assert_eq!(verified_nonce(key, &forged), None);
        let other_nonce = format!("ffeeddccbbaa99887766554433221100.{}", signature(key, nonce));
        assert_eq!(verified_nonce(key, &other_nonce), None);
        for junk in [
            "",
            ".",
            "abc",
            &format!("{nonce}."),
            &format!("{mark}0"),
            "x.y",
        ] {
            assert_eq!(verified_nonce(key, junk), None, "{junk}");
        }
    }
}
