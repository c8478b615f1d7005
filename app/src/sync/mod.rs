//! The sync protocol between a phone's outbox and the server: the wire types, shared by the
//! browser (which sends) and the server (which stores and answers).

#[cfg(feature = "ssr")]
pub mod device;
pub mod protocol;
#[cfg(feature = "ssr")]
pub mod pull;
pub mod pulled;
pub mod results;
#[cfg(feature = "ssr")]
pub mod server;
