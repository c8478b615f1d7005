//! What stands between the public and the features, shared by every server process through the
//! database: the server's own secrets ([`secret`]), rate limits ([`limit`], and the page a
//! refused form gets: [`refusal`]) and who is asking from where ([`client`]). Server only.

pub mod client;
pub mod limit;
pub mod refusal;
pub mod secret;

pub use client::ClientAddr;
pub use limit::{Counts, check, count, count_by, count_many};
pub use refusal::too_many_page;
pub use secret::{keyed_hash, server_secret};
