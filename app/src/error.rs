//! The one error type of the app's boundary: what a server function or the sync API may tell a
//! client. Each variant has a status and a safe Chinese message; internals are logged on the
//! server and never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// One field of a form that failed its checks, with the message shown beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthorized,
    #[error("用户名或密码不正确")]
    BadCredentials,
    #[error("没有权限查看或修改此内容")]
    Forbidden,
    #[error("没有找到所请求的内容")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    #[error("服务器出错了，请稍后再试")]
    Internal,
    /// Too many requests of this kind from this address or account: wait this many seconds.
    #[error("操作太频繁，请 {}后再试", wait_label(*.0))]
    TooMany(u32),
    /// The request never got a server answer (offline, timeout) or the answer was unreadable.
    #[error("无法连接服务器：{0}")]
    Transport(String),
}

/// A wait in words: "30 秒", "5 分钟", "2 小时".
pub fn wait_label(seconds: u32) -> String {
    match seconds {
        0..=59 => format!("{} 秒", seconds.max(1)),
        60..=3599 => format!("{} 分钟", seconds.div_ceil(60)),
        _ => format!("{} 小时", seconds.div_ceil(3600)),
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                AppError::Invalid(format!("请求格式不正确：{msg}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use axum::response::{IntoResponse, Response};
    use http::StatusCode;

    impl AppError {
        pub fn status(&self) -> StatusCode {
            match self {
                AppError::Unauthorized | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
                AppError::Forbidden => StatusCode::FORBIDDEN,
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                AppError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
                AppError::Transport(_) => StatusCode::BAD_GATEWAY,
            }
        }

        /// A stable machine-readable name for API clients.
        pub fn code(&self) -> &'static str {
            match self {
                AppError::Unauthorized => "unauthorized",
                AppError::BadCredentials => "bad_credentials",
                AppError::Forbidden => "forbidden",
                AppError::NotFound => "not_found",
                AppError::Invalid(_) => "invalid",
                AppError::Internal => "internal",
                AppError::TooMany(_) => "too_many_requests",
                AppError::Transport(_) => "transport",
            }
        }

        /// In a server function: sets the HTTP status of the response and hands the error back,
        /// so `Err(e.respond())` is how a server function fails.
        ///
        /// A plain form post (a browser without JavaScript, which asks for HTML) keeps the
        /// redirect back to its page that the server function sets, with the error in the URL
        /// for the form to show: a browser does not follow a redirect sent with an error status.
        pub fn respond(self) -> Self {
            use leptos::prelude::use_context;
            let form_post = use_context::<http::request::Parts>().is_some_and(|req| {
                req.method == http::Method::POST
                    && req.uri.path().starts_with("/api/")
                    && req
                        .headers
                        .get(http::header::ACCEPT)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.contains("text/html"))
            });
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                if !form_post {
                    res.set_status(self.status());
                }
                if let Some((name, value)) = self.retry_after() {
                    res.insert_header(name, value);
                }
            }
            self
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> Self {
            tracing::error!(error = %e, "database error");
            AppError::Internal
        }
    }

    impl AppError {
        /// `Retry-After` for an over-limit request.
        pub fn retry_after(&self) -> Option<(http::HeaderName, http::HeaderValue)> {
            match self {
                AppError::TooMany(s) => Some((http::header::RETRY_AFTER, (*s).into())),
                _ => None,
            }
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
            let mut res = (self.status(), axum::Json(body)).into_response();
            if let Some((name, value)) = self.retry_after() {
                res.headers_mut().insert(name, value);
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_words() {
        assert_eq!(wait_label(0), "1 秒");
        assert_eq!(wait_label(59), "59 秒");
        assert_eq!(wait_label(60), "1 分钟");
        assert_eq!(wait_label(61), "2 分钟");
        assert_eq!(wait_label(3600), "1 小时");
        assert_eq!(
            AppError::TooMany(90).to_string(),
            "操作太频繁，请 2 分钟后再试"
        );
    }
}
