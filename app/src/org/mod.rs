//! The organisation tree as the features see it: which branch a request is about, and whether
//! the viewer may act on it. Every feature that works on a branch asks here, so the scope of a
//! role is decided in one place.

#[cfg(feature = "ssr")]
pub mod server;
