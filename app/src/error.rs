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
    /// The request never got a server answer (offline, timeout) or the answer was unreadable.
    #[error("无法连接服务器：{0}")]
    Transport(String),
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
            if !form_post && let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(self.status());
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

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
            (self.status(), axum::Json(body)).into_response()
        }
    }
}
