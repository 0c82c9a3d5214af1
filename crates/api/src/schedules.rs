//! `/api/schedules`: booper's schedule routes, and ours beside them.

use axum::extract::{Path, State};
use axum::Json;
use chime_engine::protocol::{Data, Page, PreviewAnswer};
use chime_engine::run::Run;
use chime_engine::ScheduleView;

use crate::error::{ApiError, ApiResult};
use crate::input::{Input, Params};
use crate::jobs::created;
use crate::AppState;

type One = ApiResult<Json<Data<ScheduleView>>>;

pub async fn list(
    State(app): State<AppState>,
    params: Params,
) -> ApiResult<Json<Page<ScheduleView>>> {
    params.only(&["limit", "offset", "q"])?;
    let limit = params.number("limit", 10, 1..=100)?;
    let offset = params.number("offset", 0, 0..=i64::MAX)?;
    let q = params.get("q").map(str::to_string);
    Ok(Json(app.engine.list_schedules(q, limit, offset).await?))
}

pub async fn get(State(app): State<AppState>, Path(id): Path<String>) -> One {
    Ok(Json(Data::new(app.engine.get_schedule(&id).await?)))
}

pub async fn enable(State(app): State<AppState>, Path(id): Path<String>) -> One {
    Ok(Json(Data::new(app.engine.enable_schedule(&id).await?)))
}

/// `{}` pauses until enabled, `{"until": ...}` until then.
pub async fn disable(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Input(body): Input,
) -> One {
    Ok(Json(Data::new(
        app.engine.disable_schedule(&id, body).await?,
    )))
}

pub async fn delete(State(app): State<AppState>, Path(id): Path<String>) -> One {
    Ok(Json(Data::new(app.engine.delete_schedule(&id).await?)))
}

pub async fn patch(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Input(patch): Input,
) -> One {
    Ok(Json(Data::new(
        app.engine.patch_schedule(&id, patch).await?,
    )))
}

pub async fn run(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<(axum::http::StatusCode, Json<Data<chime_engine::JobView>>)> {
    created(app.engine.run_schedule(&id).await?)
}

pub async fn preview(
    State(app): State<AppState>,
    Input(input): Input,
) -> ApiResult<Json<Data<PreviewAnswer>>> {
    Ok(Json(Data::new(app.engine.preview(&input)?.into())))
}

/// `GET /api/schedules/{id}/runs?from=&to=&limit=&expand=`: the ledger.
/// The range defaults to the last 7 days and the next day.
pub async fn runs(
    State(app): State<AppState>,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Json<Data<Vec<Run>>>> {
    params.only(&["from", "to", "limit", "expand"])?;
    let instant = |name: &str| -> ApiResult<Option<chrono::DateTime<chrono::Utc>>> {
        params
            .get(name)
            .map(|text| {
                chime_engine::draft::parse_instant(name, &serde_json::Value::String(text.into()))
                    .map_err(Into::into)
            })
            .transpose()
    };
    let now = app.engine.now();
    let to = instant("to")?.unwrap_or(now + chrono::Duration::days(1));
    let from = instant("from")?.unwrap_or(to - chrono::Duration::days(8));
    let limit = params.number("limit", 500, 1..=10_000)?;
    let expand = match params.get("expand") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("expand", "must be true or false")),
    };
    Ok(Json(Data::new(
        app.engine
            .schedule_runs(&id, from, to, limit, expand)
            .await?,
    )))
}

/// The request the schedule's next run will send, dynamic fields filled in.
pub async fn next_request(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Data<chime_engine::request::SentRequest>>> {
    Ok(Json(Data::new(app.engine.next_request(&id).await?)))
}

/// `GET /api/calendar?from=&to=&tz=&dense=`: past runs, future runs, and bands.
pub async fn calendar(
    State(app): State<AppState>,
    params: Params,
) -> ApiResult<Json<Data<chime_engine::calendar::Calendar>>> {
    params.only(&["from", "to", "tz", "dense"])?;
    let instant = |name: &str| -> ApiResult<chrono::DateTime<chrono::Utc>> {
        let text = params
            .get(name)
            .ok_or_else(|| ApiError::invalid(name, "is required: an RFC 3339 time"))?;
        Ok(chime_engine::draft::parse_instant(
            name,
            &serde_json::Value::String(text.to_string()),
        )?)
    };
    let (from, to) = (instant("from")?, instant("to")?);
    let zone_name = params
        .get("tz")
        .map(str::to_string)
        .unwrap_or_else(|| app.engine.settings().default_timezone);
    let zone = chime_engine::rule::parse_zone("tz", &zone_name)?;
    let dense = params.number(
        "dense",
        chime_engine::calendar::DEFAULT_DENSE as i64,
        1..=1440,
    )? as usize;
    Ok(Json(Data::new(
        app.engine.calendar(from, to, zone, dense).await?,
    )))
}
