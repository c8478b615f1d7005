//! What makes xingqi an installable offline app: the service worker (made from a template with
//! this build's hashed file names and version) and long-lived caching of hashed files.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::config::LeptosOptions;
use std::path::Path;

const TEMPLATE: &str = include_str!("sw.js");
/// Files an installed app needs besides the build's own.
const SHELL: [&str; 5] = [
    "/manifest.webmanifest",
    "/favicon.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/apple-touch-icon.png",
];

/// This build's app files and the version that names their cache.
#[derive(Clone, Debug)]
pub struct AppFiles {
    pub version: String,
    pub files: Vec<String>,
}

/// Reads the build's hashes (`hash.txt` beside the binary, written by `scripts/build.sh` or
/// `cargo leptos build` with `hash-files`, and one per small bundle), or
/// falls back to the plain names and a version of this start. Every bundle is listed
/// (`app::bundle`): the member's pages hydrate with the small ones, the organiser's (the offline
/// code screen among them) with the full one.
pub fn app_files(options: &LeptosOptions) -> AppFiles {
    let name = options.output_name.as_ref();
    let pkg = options.site_pkg_dir.as_ref();
    let hashes = options
        .hash_files
        .then(|| hash_file(options.hash_file.as_ref()))
        .flatten()
        .and_then(|h| {
            Some((
                h.get("js").cloned()?,
                h.get("wasm").cloned()?,
                h.get("css").cloned()?,
            ))
        });
    let (version, mut stems) = match hashes {
        Some((js, wasm, css)) => (
            format!("{js}-{wasm}-{css}"),
            vec![
                format!("{name}.{js}.js"),
                format!("{name}.{wasm}.wasm"),
                format!("{name}.{css}.css"),
            ],
        ),
        None => (
            format!("dev-{}", app::db::now_ms()),
            vec![
                format!("{name}.js"),
                format!("{name}.wasm"),
                format!("{name}.css"),
            ],
        ),
    };
    let mut version = version;
    for (stem, hashes) in app::bundle::SMALL.iter().filter_map(|b| b.files()) {
        let found =
            hash_file(hashes).and_then(|h| Some((h.get("js").cloned()?, h.get("wasm").cloned()?)));
        if options.hash_files
            && let Some((js, wasm)) = found
        {
            version.push_str(&format!("-{js}-{wasm}"));
            stems.push(format!("{stem}.{js}.js"));
            stems.push(format!("{stem}.{wasm}.wasm"));
        }
    }
    let mut files: Vec<String> = stems.iter().map(|f| format!("/{pkg}/{f}")).collect();
    files.extend(SHELL.iter().map(|s| (*s).to_owned()));
    AppFiles { version, files }
}

/// One hash file beside the binary, as its `key: hash` lines.
fn hash_file(file: &str) -> Option<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(exe_dir().join(file)).ok()?;
    Some(
        text.lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect(),
    )
}

fn exe_dir() -> std::path::PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default()
}

/// Whether `cargo leptos build` hashed this build's files (its `hash.txt` lies beside the
/// binary) — then the pages must name the hashed files, whatever `LEPTOS_HASH_FILES` says.
pub fn built_with_hashes(options: &LeptosOptions) -> bool {
    exe_dir().join(options.hash_file.as_ref()).is_file()
}

/// `GET /sw.js`: never cached by HTTP, so a new build's worker is found at once.
pub fn service_worker(files: &AppFiles) -> Response {
    let list = serde_json::to_string(&files.files).expect("strings serialise");
    let body = TEMPLATE
        .replace("__VERSION__", &files.version)
        .replace("__APP_FILES__", &list);
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// Hashed files never change: browsers may keep them a year. Unhashed ones must be checked.
pub async fn cache_headers(hashed: bool, req: Request, next: Next) -> Response {
    let app_file = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if app_file && res.status().is_success() {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_this_builds_files() {
        let files = AppFiles {
            version: "a-b-c".into(),
            files: vec!["/pkg/xingqi.a.js".into(), "/manifest.webmanifest".into()],
        };
        let res = service_worker(&files);
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
        let body =
            futures::executor::block_on(axum::body::to_bytes(res.into_body(), usize::MAX)).unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains("const VERSION = 'a-b-c';"));
        assert!(
            text.contains(r#"const APP_FILES = ["/pkg/xingqi.a.js","/manifest.webmanifest"];"#)
        );
        assert!(!text.contains("__"), "every placeholder filled");
    }

    #[test]
    fn without_hashes_the_plain_names_are_precached() {
        let options = LeptosOptions::builder().output_name("xingqi").build();
        let files = app_files(&options);
        assert_eq!(
            &files.files[..3],
            ["/pkg/xingqi.js", "/pkg/xingqi.wasm", "/pkg/xingqi.css"]
        );
        assert!(files.version.starts_with("dev-"));
    }
}
