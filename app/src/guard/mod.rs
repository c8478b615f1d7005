//! What stands between the public and the features, shared by every server process through the
//! database: the server's own secrets ([`secret`]), rate limits ([`limit`]) and who is asking
//! from where ([`client`]). Server only.

pub mod client;
pub mod limit;
pub mod secret;

pub use client::ClientAddr;
pub use limit::{Counts, check, count, count_by, count_many, too_many_page};
pub use secret::{keyed_hash, server_secret};
