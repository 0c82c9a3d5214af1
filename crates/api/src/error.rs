//! The API's one error type, which becomes SPEC's JSON error shape:
//! `{"error": {"code", "field", "message"}}` with the matching status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chime_engine::protocol::{ErrorBody, ErrorDetail};
use chime_engine::{Error, FieldError};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            field: None,
            message: message.into(),
        }
    }

    pub fn invalid(field: &str, problem: impl std::fmt::Display) -> ApiError {
        FieldError::new(field, problem).into()
    }

    pub fn malformed(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "malformed", message)
    }

    pub fn too_large(limit: usize) -> ApiError {
        ApiError {
            field: Some("body".into()),
            ..ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!(
                    "body: the request is larger than {} MiB",
                    limit / (1024 * 1024)
                ),
            )
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            field: Some(e.field),
            message: e.message,
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(f) => f.into(),
            Error::NotFound(what) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} not found"),
            ),
            Error::Conflict(message) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            e if e.is_disk_full() => ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk_full",
                "the disk is full: Chime cannot save anything until there is space; \
                 jobs already made keep their results and catch up when there is",
            ),
            e if e.is_damaged() => {
                tracing::error!("the database is damaged: {e}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "database_damaged",
                    "Chime's database is damaged; quit Chime and run `chime doctor` \
                     to copy what can be read into a new one",
                )
            }
            e if e.is_transient() => {
                tracing::warn!("storage unavailable: {e}");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    format!("Chime cannot write its database now ({e}); try again"),
                )
            }
            other => {
                tracing::error!("internal error: {other}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    other.to_string(),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                field: self.field,
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
