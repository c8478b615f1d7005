//! The address people reach xingqi at (`XINGQI_PUBLIC_URL`), when the deployment says: one
//! setting behind the cross-site check, the `Secure` decision for cookies and every absolute
//! link the server prints (QR codes, open links). Without it, each request's own `Host` is used.

use std::fmt;

/// `scheme://host[:port]`, lower-cased, without a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    https: bool,
    host: String,
}

impl PublicUrl {
    /// Reads `https://xingqi.example.cn` (a trailing `/` is allowed; a path, a query, user
    /// info or another scheme is not).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| format!("`{s}`: expected https://host or http://host"))?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            other => {
                return Err(format!(
                    "`{s}`: the scheme must be http or https, not {other}"
                ));
            }
        };
        let host = rest.strip_suffix('/').unwrap_or(rest).to_ascii_lowercase();
        let bad = |c: char| matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace();
        if host.is_empty() || host.contains(bad) {
            return Err(format!(
                "`{s}`: expected only a host (and port), without a path"
            ));
        }
        Ok(Self { https, host })
    }

    pub fn is_https(&self) -> bool {
        self.https
    }

    /// `host[:port]` as a browser's `Origin` names it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `https://host[:port]`, for absolute links.
    pub fn origin(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(f, "{scheme}://{}", self.host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_origins() {
        let p = PublicUrl::parse("https://XingQi.example.cn/").unwrap();
        assert!(p.is_https());
        assert_eq!(p.host(), "xingqi.example.cn");
        assert_eq!(p.origin(), "https://xingqi.example.cn");
        let local = PublicUrl::parse("http://10.0.0.5:8080").unwrap();
        assert!(!local.is_https());
        assert_eq!(local.origin(), "http://10.0.0.5:8080");
        for bad in [
            "",
            "xingqi.example.cn",
            "ftp://xingqi.example.cn",
            "https://",
            "https://xingqi.example.cn/app",
            "https://user@xingqi.example.cn",
            "https://xingqi.example.cn?x=1",
            "https://a b",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
