//! The Content Security Policy of every response: what a page may load and run. Pages allow
//! only this site's files, their own inline scripts by the response's nonce, and the hydration
//! code's WebAssembly ('wasm-unsafe-eval'); nothing may frame a page, change its base or post
//! its forms elsewhere. Styles allow inline attributes (a figure's bar width), never scripts.

/// The directives both policies share.
const COMMON: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'; img-src 'self' data: blob:; \
     connect-src 'self'; worker-src 'self'; manifest-src 'self'";

/// The policy of a page rendered with `nonce`: its inline scripts carry the nonce.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "{COMMON}; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'"
    )
}

/// The policy of every other response (files, JSON, plain pages): no inline script at all.
pub fn default_policy() -> String {
    format!("{COMMON}; script-src 'self'; style-src 'self' 'unsafe-inline'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_run_only_with_the_nonce() {
        let page = page_policy("abc123");
        assert!(page.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        for policy in [page, default_policy()] {
            assert!(policy.contains("frame-ancestors 'none'"));
            assert!(policy.contains("object-src 'none'"));
            assert!(policy.contains("base-uri 'none'"));
            let script = policy
                .split(';')
                .find(|d| d.trim_start().starts_with("script-src"))
                .unwrap();
            assert!(
                !script
                    .split_whitespace()
                    .any(|t| t == "'unsafe-inline'" || t == "'unsafe-eval'"),
                "{script}"
            );
        }
    }
}
