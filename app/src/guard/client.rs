//! Who is asking from where: the client's network address, taken from the connection, or —
//! only when the connection comes from a proxy the deployment trusts (`XINGQI_TRUSTED_PROXIES`)
//! — from that proxy's `X-Forwarded-For`. A header anyone can send is never believed on its own.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The client's address as rate limits key it (`"unknown"` when the server runs without
/// connection info, which only tests built on a bare router do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(client_addr(parts, &state.config.trusted_proxies))
    }
}

impl ClientAddr {
    /// The address of the request a server function or a server-rendered page is answering.
    pub fn of_context(trusted: &[IpAddr]) -> Self {
        leptos::prelude::use_context::<Parts>().map_or_else(
            || ClientAddr("unknown".into()),
            |p| client_addr(&p, trusted),
        )
    }
}

/// The address of the request in `parts` (see [`ClientAddr`]).
pub fn client_addr(parts: &Parts, trusted: &[IpAddr]) -> ClientAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    match peer {
        Some(peer) => ClientAddr(from_chain(peer, &forwarded, trusted).to_string()),
        None => ClientAddr("unknown".into()),
    }
}

/// Walks `X-Forwarded-For` from the right (the hop nearest this server) while the hop is a
/// trusted proxy: the first untrusted hop is the client. Unreadable entries stop the walk at
/// the last trusted hop's word.
fn from_chain(peer: IpAddr, forwarded: &str, trusted: &[IpAddr]) -> IpAddr {
    let normal = |ip: IpAddr| ip.to_canonical();
    let mut client = normal(peer);
    if !trusted.contains(&client) {
        return client;
    }
    for hop in forwarded.rsplit(',').map(str::trim) {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = normal(ip);
        if !trusted.contains(&client) {
            break;
        }
    }
    client
}

/// Reads `XINGQI_TRUSTED_PROXIES`: addresses separated by commas (empty: trust no proxy).
pub fn parse_proxies(s: &str) -> Result<Vec<IpAddr>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<IpAddr>()
                .map(|ip| ip.to_canonical())
                .map_err(|_| format!("`{p}` is not an IP address"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_forwarded_header_is_believed_only_from_a_trusted_proxy() {
        let proxy = [ip("10.0.0.2")];
        // Straight from the client: whatever it claims is ignored.
        assert_eq!(
            from_chain(ip("203.0.113.9"), "1.2.3.4", &proxy),
            ip("203.0.113.9")
        );
        assert_eq!(
            from_chain(ip("203.0.113.9"), "1.2.3.4", &[]),
            ip("203.0.113.9")
        );
        // Through the proxy: the hop the proxy saw, not what the client prepended.
        assert_eq!(
            from_chain(ip("10.0.0.2"), "1.2.3.4, 198.51.100.7", &proxy),
            ip("198.51.100.7")
        );
        // Two trusted proxies in a row.
        let two = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(
            from_chain(ip("10.0.0.2"), "198.51.100.7, 10.0.0.3", &two),
            ip("198.51.100.7")
        );
        // A proxy that sent nothing readable: the proxy itself.
        assert_eq!(from_chain(ip("10.0.0.2"), "", &proxy), ip("10.0.0.2"));
        assert_eq!(
            from_chain(ip("10.0.0.2"), "garbage", &proxy),
            ip("10.0.0.2")
        );
        // IPv4 seen through an IPv6 socket is the same address.
        assert_eq!(
            from_chain(ip("::ffff:10.0.0.2"), "198.51.100.7", &proxy),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn proxy_settings_are_read() {
        assert_eq!(parse_proxies("").unwrap(), Vec::<IpAddr>::new());
        assert_eq!(
            parse_proxies("10.0.0.2, ::1").unwrap(),
            vec![ip("10.0.0.2"), ip("::1")]
        );
        assert!(parse_proxies("10.0.0.0/8").is_err());
    }
}
