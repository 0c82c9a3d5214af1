//! `chime logs --follow`: the live log from `GET /api/logs/stream`
//! (Server-Sent Events), one line per event as it happens.
//!
//! A dropped connection (Chime restarted, the laptop slept, the socket died
//! quietly) is followed by a reconnect that sends `Last-Event-ID`, so the API
//! replays what was missed: no gap, no duplicate. Chime may come back on
//! another port, so each reconnect looks for it again through the data folder.

use std::time::Duration;

use chime_engine::Event;
use http::header::{HeaderValue, ACCEPT};
use http::Method;
use http_body_util::BodyExt;
use serde::Deserialize;
use serde_json::Value;

use super::client::{api_error, root_cause, text, CliError, Client};
use super::output;
use super::Global;

/// The API sends a heartbeat comment every 15 s; this long without a byte
/// means the connection is dead even if the socket has not noticed.
const SILENCE_LIMIT: Duration = Duration::from_secs(45);
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LONGEST_RETRY: Duration = Duration::from_secs(5);

/// What to follow.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub job_id: Option<String>,
    pub schedule_id: Option<String>,
    pub events: Vec<String>,
    /// Start after this event id (replaying what came since), instead of now.
    pub after: Option<i64>,
}

impl Filter {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(job) = &self.job_id {
            query.push(("job_id", job.clone()));
        }
        if let Some(schedule) = &self.schedule_id {
            query.push(("schedule_id", schedule.clone()));
        }
        if !self.events.is_empty() {
            query.push(("event", self.events.join(",")));
        }
        query
    }

    fn describe(&self) -> String {
        match (&self.job_id, &self.schedule_id) {
            (Some(job), _) => format!("the log of job {job}"),
            (None, Some(schedule)) => format!("the log of schedule {schedule}"),
            _ => "the log".into(),
        }
    }
}

/// How one connection ended.
enum Ended {
    /// The server closed the stream (Chime stopping), or it went quiet.
    Closed,
    /// The connection failed; worth another try.
    Dropped(String),
}

/// Follows until interrupted (Ctrl-C), or until the API refuses the request.
pub async fn follow(global: &Global, filter: Filter, json: bool) -> Result<(), CliError> {
    let mut client = Client::connect(global).await?;
    let mut last_id = filter.after;
    let mut retry = FIRST_RETRY;
    let mut reconnected = false;
    loop {
        let on_open = || {
            output::note(&if reconnected {
                "Reconnected; resuming where the log left off".to_string()
            } else {
                format!("Following {} (Ctrl-C to stop)", filter.describe())
            });
        };
        let ended = stream_once(&client, &filter, &mut last_id, json, on_open).await?;
        match ended {
            Ended::Closed => output::note("Chime closed the log stream; reconnecting…"),
            Ended::Dropped(why) => {
                output::note(&format!("Lost the log stream ({why}); reconnecting…"))
            }
        }
        reconnected = true;
        client = reconnect(global, &mut retry).await?;
    }
}

/// Waits for a Chime to answer again, backing off, possibly on a new port.
async fn reconnect(global: &Global, retry: &mut Duration) -> Result<Client, CliError> {
    let mut waiting_said = false;
    loop {
        tokio::time::sleep(*retry).await;
        *retry = (*retry * 2).min(LONGEST_RETRY);
        match Client::connect(global).await {
            Ok(client) => {
                *retry = FIRST_RETRY;
                return Ok(client);
            }
            Err(CliError::NotRunning | CliError::NotAnswering(_)) => {
                if !waiting_said {
                    output::note("Waiting for Chime to come back…");
                    waiting_said = true;
                }
            }
            Err(other) => return Err(other),
        }
    }
}

/// One connection: prints events until it ends; `on_open` runs once the
/// stream is open (so a waiting reader knows it is following).
async fn stream_once(
    client: &Client,
    filter: &Filter,
    last_id: &mut Option<i64>,
    json: bool,
    on_open: impl FnOnce(),
) -> Result<Ended, CliError> {
    let mut path = "/api/logs/stream".to_string();
    let query = serde_urlencoded::to_string(filter.query()).unwrap_or_default();
    if !query.is_empty() {
        path = format!("{path}?{query}");
    }
    let mut request = client.request(Method::GET, &path, None)?;
    let headers = request.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
    if let Some(id) = last_id {
        headers.insert("last-event-id", HeaderValue::from(*id));
    }
    let response = match client.send(request).await {
        Ok(response) => response,
        Err(e) => return Ok(Ended::Dropped(root_cause(&e))),
    };
    let status = response.status();
    if !status.is_success() {
        let text = text(response).await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        return Err(api_error(status, &body));
    }
    on_open();
    let mut parser = SseParser::default();
    let mut body = response.into_body();
    loop {
        let frame = match tokio::time::timeout(SILENCE_LIMIT, body.frame()).await {
            Err(_) => return Ok(Ended::Dropped("no heartbeat for 45 s".into())),
            Ok(Some(Err(e))) => return Ok(Ended::Dropped(root_cause(&e))),
            Ok(None) => return Ok(Ended::Closed),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(chunk) = frame.into_data() else {
            continue; // trailers
        };
        for message in parser.feed(&chunk) {
            show(&message, last_id, json);
        }
    }
}

fn show(message: &SseMessage, last_id: &mut Option<i64>, json: bool) {
    if let Some(id) = message.id.as_deref().and_then(|id| id.parse().ok()) {
        *last_id = Some(id);
    }
    let Ok(event) = serde_json::from_str::<Value>(&message.data) else {
        return;
    };
    if json {
        output::emit(&event.to_string());
    } else if let Ok(event) = Event::deserialize(&event) {
        output::emit(&output::event_line(&event));
    }
}

/// One Server-Sent Event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SseMessage {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

/// Reads the `text/event-stream` format incrementally: chunks may split
/// lines (and UTF-8 characters) anywhere.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
    current: SseMessage,
    has_data: bool,
}

impl SseParser {
    /// Feeds bytes; answers the messages they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseMessage> {
        self.buffer.extend_from_slice(bytes);
        let mut messages = Vec::new();
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line[..end]);
            let line = line.strip_suffix('\r').unwrap_or(&line);
            if let Some(message) = self.line(line) {
                messages.push(message);
            }
        }
        messages
    }

    fn line(&mut self, line: &str) -> Option<SseMessage> {
        if line.is_empty() {
            let message = std::mem::take(&mut self.current);
            let had_data = std::mem::take(&mut self.has_data);
            return had_data.then_some(message);
        }
        if line.starts_with(':') {
            return None; // a comment: the heartbeat
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => self.current.id = Some(value.to_string()),
            "event" => self.current.event = Some(value.to_string()),
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_events_split_across_chunks() {
        let mut parser = SseParser::default();
        assert!(parser.feed(b"id: 7\nevent: job.req").is_empty());
        let messages =
            parser.feed(b"uest\ndata: {\"id\":7}\n\n: heartbeat\n\nid: 8\r\ndata:x\r\n\r\n");
        assert_eq!(
            messages,
            vec![
                SseMessage {
                    id: Some("7".into()),
                    event: Some("job.request".into()),
                    data: "{\"id\":7}".into()
                },
                SseMessage {
                    id: Some("8".into()),
                    event: None,
                    data: "x".into()
                },
            ]
        );
    }

    #[test]
    fn joins_multi_line_data_and_ignores_comments() {
        let mut parser = SseParser::default();
        let messages = parser.feed(b":hi\ndata: a\ndata: b\n\n");
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].data, "a\nb");
    }

    #[test]
    fn a_split_utf8_character_survives() {
        let mut parser = SseParser::default();
        let text = "data: caf\u{e9}\n\n".as_bytes();
        let (a, b) = text.split_at(9); // inside the two bytes of é
        assert!(parser.feed(a).is_empty());
        assert_eq!(parser.feed(b)[0].data, "caf\u{e9}");
    }

    #[test]
    fn the_filter_becomes_the_stream_query() {
        let filter = Filter {
            job_id: Some("j".into()),
            events: vec!["job.request".into(), "job.response".into()],
            ..Filter::default()
        };
        assert_eq!(
            filter.query(),
            vec![
                ("job_id", "j".to_string()),
                ("event", "job.request,job.response".to_string())
            ]
        );
    }
}
