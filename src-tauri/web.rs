//! The UI for a plain browser: `chime serve` serves, at `/`, the same built
//! UI the desktop window shows (`ui/dist`, included in the binary by the
//! build script, not through Tauri, which this binary does not link).
//! The page asks for the API key (or reads it from `#key=` in the address).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The strict CSP of the window, for the browser too (no IPC to connect to).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   frame-ancestors 'none'; form-action 'none'";

/// `ui/dist`'s files: (path from `/`, contents).
static FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/ui_files.rs"));

/// The UI's files (`/`, `/index.html`, `/assets/...`), with everything else
/// handed to `api`.
pub fn with_ui(api: Router) -> Router {
    let page = get(serve);
    Router::new()
        .route("/", page.clone())
        .route("/index.html", page.clone())
        .route("/assets/{*file}", page)
        .fallback_service(api)
}

async fn serve(request: Request) -> Response {
    let path = request.uri().path();
    if let Some(host) = request.headers().get(header::HOST) {
        if !chime_engine::host::is_loopback(host.to_str().unwrap_or_default()) {
            return StatusCode::FORBIDDEN.into_response();
        }
    }
    let file = if path == "/" { "/index.html" } else { path };
    let Some((_, bytes)) = FILES.iter().find(|(name, _)| *name == file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = Response::new(Body::from(*bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(file)),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}
