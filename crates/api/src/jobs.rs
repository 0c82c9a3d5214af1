//! `/api/jobs`: booper's job routes, and ours beside them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chime_engine::job::ALL_STATES;
use chime_engine::protocol::{Data, Page};
use chime_engine::store::jobs::OrderField;
use chime_engine::{Created, JobFilter, JobOrder, JobState, JobView};

use crate::error::{ApiError, ApiResult};
use crate::input::{Input, Params};
use crate::AppState;

type Answer = ApiResult<(StatusCode, Json<Data<JobView>>)>;
type One = ApiResult<Json<Data<JobView>>>;

pub async fn create(State(app): State<AppState>, Input(input): Input) -> Answer {
    created(app.engine.create_job(input).await?)
}

pub async fn list(State(app): State<AppState>, params: Params) -> ApiResult<Json<Page<JobView>>> {
    params.only(&["state", "limit", "offset", "order_by", "schedule_id", "q"])?;
    let filter = JobFilter {
        states: states(&params)?,
        // `none`: one-off jobs only (no schedule id is ever "none").
        schedule_id: params
            .get("schedule_id")
            .filter(|s| !s.is_empty() && *s != "none")
            .map(str::to_string),
        one_off: params.get("schedule_id") == Some("none"),
        q: params.get("q").map(str::to_string),
        limit: params.number("limit", 10, 1..=100)?,
        offset: params.number("offset", 0, 0..=i64::MAX)?,
        order: order(&params)?,
    };
    Ok(Json(app.engine.list_jobs(filter).await?))
}

pub async fn get(State(app): State<AppState>, Path(id): Path<String>) -> One {
    Ok(Json(Data::new(app.engine.get_job(&id).await?)))
}

pub async fn cancel(State(app): State<AppState>, Path(id): Path<String>) -> One {
    Ok(Json(Data::new(app.engine.cancel_job(&id).await?)))
}

pub async fn patch(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Input(patch): Input,
) -> One {
    Ok(Json(Data::new(app.engine.patch_job(&id, patch).await?)))
}

pub async fn run(State(app): State<AppState>, Path(id): Path<String>) -> Answer {
    created(app.engine.run_job(&id).await?)
}

/// 201 with a new job, 200 with an existing one.
pub fn created(c: Created) -> Answer {
    let status = if c.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Data::new(c.job))))
}

fn states(params: &Params) -> ApiResult<Vec<JobState>> {
    params
        .all("state")
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            JobState::parse(s.trim()).ok_or_else(|| {
                let names: Vec<&str> = ALL_STATES.iter().map(|s| s.as_str()).collect();
                ApiError::invalid(
                    "state",
                    format!("\"{s}\" is not a job state; use {}", names.join(", ")),
                )
            })
        })
        .collect()
}

/// `order_by=["scheduled_at","desc"]`, `order_by=scheduled_at,desc`, or
/// `order_by[]=scheduled_at&order_by[]=desc`.
fn order(params: &Params) -> ApiResult<JobOrder> {
    let given = params.all("order_by");
    let parts: Vec<String> = match given.as_slice() {
        [] => return Ok(JobOrder::default()),
        [one] if one.trim_start().starts_with('[') => serde_json::from_str::<Vec<String>>(one)
            .map_err(|_| ApiError::invalid("order_by", "must be [field, \"asc\" or \"desc\"]"))?,
        [one] => one.split(',').map(|s| s.trim().to_string()).collect(),
        many => many.iter().map(|s| s.to_string()).collect(),
    };
    let (field, dir) = match parts.as_slice() {
        [field] => (field.as_str(), "asc"),
        [field, dir] => (field.as_str(), dir.as_str()),
        _ => {
            return Err(ApiError::invalid(
                "order_by",
                "must be [field, \"asc\" or \"desc\"]",
            ))
        }
    };
    let by = OrderField::parse(field).ok_or_else(|| {
        let names: Vec<&str> = OrderField::ALL.iter().map(|f| f.as_str()).collect();
        ApiError::invalid(
            "order_by",
            format!("cannot order by \"{field}\"; use {}", names.join(", ")),
        )
    })?;
    let descending = match dir.to_ascii_lowercase().as_str() {
        "asc" => false,
        "desc" => true,
        _ => {
            return Err(ApiError::invalid(
                "order_by",
                format!("direction \"{dir}\" must be asc or desc"),
            ))
        }
    };
    Ok(JobOrder { by, descending })
}
