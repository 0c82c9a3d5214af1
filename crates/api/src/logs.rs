//! `/api/logs`: the stored log in booper's shape, and the live stream as
//! Server-Sent Events that resumes from `Last-Event-ID` with no gap and no
//! duplicate.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::Json;
use chime_engine::event::ALL_KINDS;
use chime_engine::protocol::{Data, LogPage};
use chime_engine::{Engine, Event, EventKind, LogQuery};
use futures::Stream;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_util::sync::CancellationToken;

use crate::error::{ApiError, ApiResult};
use crate::input::Params;
use crate::AppState;

const HEARTBEAT: Duration = Duration::from_secs(15);
/// Events read from the store per page while catching up.
const CATCH_UP_PAGE: i64 = 500;

pub async fn list(State(app): State<AppState>, params: Params) -> ApiResult<Json<LogPage<Event>>> {
    params.only(&[
        "job_id",
        "schedule_id",
        "event",
        "after",
        "before",
        "limit",
        "order",
    ])?;
    let mut query = filter(&params)?;
    query.after = id_param(&params, "after")?;
    query.before = id_param(&params, "before")?;
    query.limit = params.number("limit", 50, 1..=1000)?;
    query.ascending = match params.get("order") {
        None => query.after.is_some(),
        Some("asc") => true,
        Some("desc") => false,
        Some(_) => return Err(ApiError::invalid("order", "must be asc or desc")),
    };
    let limit = query.limit;
    let data = app.engine.list_events(query).await?;
    Ok(Json(LogPage { data, limit }))
}

pub async fn get(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Data<Event>>> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::invalid("id", "must be a log entry's number"))?;
    Ok(Json(Data::new(app.engine.get_event(id).await?)))
}

pub async fn stream(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    params.only(&["job_id", "schedule_id", "event", "after"])?;
    let query = filter(&params)?;
    let resume = match headers.get("last-event-id").and_then(|v| v.to_str().ok()) {
        Some(text) => Some(
            text.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::invalid("Last-Event-ID", "must be an event id"))?,
        ),
        None => id_param(&params, "after")?,
    };
    // Subscribe before reading where the log ends, so nothing falls between.
    let live = app.engine.subscribe();
    let tail = tail_id(&app.engine).await?;
    let (last_sent, catching_up) = match resume {
        // Past the log's end: the id is from another log (the data folder
        // was replaced), so all of this one is new to the client.
        Some(id) if id > tail => (0, true),
        Some(id) => (id, true),
        None => (tail, false),
    };
    let follower = Follower {
        engine: app.engine.clone(),
        live,
        query,
        last_sent,
        catching_up,
        backlog: VecDeque::new(),
        stop: app.shutdown.clone(),
    };
    let events = futures::stream::unfold(follower, |mut f| async move {
        let event = f.next().await?;
        Some((Ok(sse_event(&event)), f))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(HEARTBEAT)))
}

/// Follows the log for one client: first what it missed (from the store),
/// then live events, falling back to the store whenever it lags behind.
struct Follower {
    engine: Engine,
    live: broadcast::Receiver<Arc<Event>>,
    query: LogQuery,
    last_sent: i64,
    catching_up: bool,
    backlog: VecDeque<Event>,
    stop: CancellationToken,
}

impl Follower {
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.backlog.pop_front() {
                self.last_sent = e.id;
                return Some(e);
            }
            if self.catching_up {
                let page = LogQuery {
                    after: Some(self.last_sent),
                    limit: CATCH_UP_PAGE,
                    ascending: true,
                    ..self.query.clone()
                };
                let events = self.engine.list_events(page).await.ok()?;
                self.catching_up = events.len() as i64 == CATCH_UP_PAGE;
                if events.is_empty() {
                    // Nothing stored past last_sent, but events not matching
                    // the filter may have moved the log on.
                    continue;
                }
                self.backlog.extend(events);
                continue;
            }
            let received = tokio::select! {
                _ = self.stop.cancelled() => return None,
                r = self.live.recv() => r,
            };
            match received {
                Ok(e) if e.id > self.last_sent && matches(&self.query, &e) => {
                    self.last_sent = e.id;
                    return Some((*e).clone());
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => self.catching_up = true,
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

fn matches(q: &LogQuery, e: &Event) -> bool {
    q.job_id
        .as_ref()
        .is_none_or(|j| e.job_id.as_ref() == Some(j))
        && q.schedule_id
            .as_ref()
            .is_none_or(|s| e.schedule_id.as_ref() == Some(s))
        && (q.kinds.is_empty() || q.kinds.contains(&e.kind()))
}

fn sse_event(e: &Event) -> SseEvent {
    SseEvent::default()
        .id(e.id.to_string())
        .event(e.kind().as_str())
        .json_data(e)
        .unwrap_or_else(|_| SseEvent::default().comment("unserialisable event"))
}

async fn tail_id(engine: &Engine) -> ApiResult<i64> {
    let newest = engine
        .list_events(LogQuery {
            limit: 1,
            ascending: false,
            ..LogQuery::default()
        })
        .await?;
    Ok(newest.first().map_or(0, |e| e.id))
}

fn filter(params: &Params) -> ApiResult<LogQuery> {
    let kinds = params
        .all("event")
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            EventKind::parse(s.trim()).ok_or_else(|| {
                let names: Vec<&str> = ALL_KINDS.iter().map(|k| k.as_str()).collect();
                ApiError::invalid(
                    "event",
                    format!("\"{s}\" is not an event; use {}", names.join(", ")),
                )
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(LogQuery {
        job_id: params
            .get("job_id")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        schedule_id: params
            .get("schedule_id")
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        kinds,
        ..LogQuery::default()
    })
}

fn id_param(params: &Params, name: &str) -> ApiResult<Option<i64>> {
    params
        .get(name)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| ApiError::invalid(name, "must be an event id (a whole number)"))
        })
        .transpose()
}
