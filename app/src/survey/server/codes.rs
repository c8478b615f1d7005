//! The survey's secrets as values: one-time codes and open-link tokens, how they are made,
//! typed and stored (as a hash). No storage here, so every part of the survey may use it.

use super::sha256_hex;
use rand::Rng;

/// A code as typed on a slip: case, spaces and dashes don't matter.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The key a code is stored and looked up under.
pub(super) fn code_hash(code: &str) -> String {
    sha256_hex(normalise_code(code).as_bytes())
}

const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A new slip code: 8 characters from 32 (40 bits), shown as `ABCD-EFGH`.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..8)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// A new open-link token: 22 characters (≈ 110 bits).
pub fn new_token() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..22)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect::<String>()
        .to_ascii_lowercase()
}
