//! What Chime tells its user when a schedule starts failing, works again or
//! changes (SPEC 7.3): one notice per `schedule.failing`,
//! `schedule.recovered` and `job.changed` event whose channels name the
//! desktop. The desktop app shows it as a notification; `chime serve`, which
//! has no desktop, logs it (`log_alerts`).

use chime_engine::alert::Channel;
use chime_engine::request::display_name;
use chime_engine::settings::Settings;
use chime_engine::{Engine, Event, Payload, ScheduleView};
use tokio::sync::broadcast::error::RecvError;

/// One alert, in words, and the schedule it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub schedule_id: String,
}

impl Notice {
    /// The schedule's page in the UI (a hash route), where a click leads.
    pub fn route(&self) -> String {
        format!("/schedules/{}", self.schedule_id)
    }
}

/// Which alert an event is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Failing,
    Recovered,
    Changed,
}

/// The alert `payload` carries, with its words and channels; none for the
/// other events.
fn alert_of(payload: &Payload) -> Option<(Kind, &str, &[Channel])> {
    match payload {
        Payload::Failing(p) => Some((Kind::Failing, &p.message, &p.channels)),
        Payload::Recovered(p) => Some((Kind::Recovered, &p.message, &p.channels)),
        Payload::Changed(p) => Some((Kind::Changed, &p.message, &p.channels)),
        _ => None,
    }
}

/// The notice for `event` when it is an alert for the desktop. Only then is
/// its schedule read (for its name, and whether its alert is its own).
pub async fn notice_for(engine: &Engine, event: &Event) -> Option<Notice> {
    let (_, _, channels) = alert_of(&event.body)?;
    if !channels.contains(&Channel::Desktop) {
        return None;
    }
    let id = event.schedule_id.as_deref()?;
    let schedule = engine.get_schedule(id).await.ok();
    notice(
        event,
        schedule.as_ref().map(Subject::of),
        &engine.settings(),
    )
}

/// What a notice needs of the schedule an alert is about.
#[derive(Debug, Clone)]
struct Subject {
    name: String,
    /// It has no `alert` of its own: the engine's implicit one spoke.
    implicit: bool,
}

impl Subject {
    fn of(s: &ScheduleView) -> Subject {
        Subject {
            name: display_name(s.name.as_deref(), &s.request),
            implicit: s.alert.is_none(),
        }
    }
}

/// The notice for the alert `event` of `schedule` (none when it was deleted
/// meanwhile). A schedule without an `alert` of its own still tells its
/// first failure and its recovery (the engine's implicit alert, in place of
/// a notification per failed run), which the `notify_on_failure` setting
/// turns off.
fn notice(event: &Event, schedule: Option<Subject>, settings: &Settings) -> Option<Notice> {
    let (kind, message, channels) = alert_of(&event.body)?;
    let implicit = schedule.as_ref().is_some_and(|s| s.implicit);
    if !channels.contains(&Channel::Desktop) || (implicit && !settings.notify_on_failure) {
        return None;
    }
    let name = schedule.map_or_else(|| "A schedule".to_string(), |s| s.name);
    let title = match kind {
        Kind::Failing => format!("{name} is failing"),
        Kind::Recovered => format!("{name} works again"),
        Kind::Changed => format!("{name} changed"),
    };
    Some(Notice {
        title,
        body: message.to_string(),
        schedule_id: event.schedule_id.clone()?,
    })
}

/// `chime serve`: the desktop channel, with no desktop, is the log. One
/// info line per alert, in its words (which hold no secret: names and
/// redacted URLs, statuses and failed checks).
pub async fn log_alerts(engine: Engine) {
    let mut events = engine.subscribe();
    loop {
        match events.recv().await {
            Ok(event) => {
                if let Some(n) = notice_for(&engine, &event).await {
                    tracing::info!(schedule_id = %n.schedule_id, "{}: {}", n.title, n.body);
                }
            }
            Err(RecvError::Lagged(n)) => {
                tracing::warn!("{n} live events went by unread; alerts among them are in the log")
            }
            Err(RecvError::Closed) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chime_engine::event::{Changed, Failing, Recovered};
    use chime_engine::request::RequestSpec;

    fn failing(channels: Vec<Channel>) -> Payload {
        Payload::Failing(Failing {
            failures: 3,
            last_failure: "503 Service Unavailable".into(),
            message: "Sync orders failed 3 times in a row: 503 Service Unavailable".into(),
            channels,
        })
    }

    fn event(body: Payload) -> Event {
        Event {
            id: 7,
            inserted_at: chrono::Utc::now(),
            job_id: Some("job-1".into()),
            schedule_id: Some("sched-1".into()),
            attempt: None,
            body,
        }
    }

    fn schedule(name: &str, own_alert: bool) -> Option<Subject> {
        Some(Subject {
            name: name.to_string(),
            implicit: !own_alert,
        })
    }

    fn settings(notify_on_failure: bool) -> Settings {
        Settings {
            notify_on_failure,
            ..Settings::default()
        }
    }

    #[test]
    fn each_alert_reads_as_a_title_and_its_message() {
        let s = || schedule("Sync orders", true);
        let recovered = Payload::Recovered(Recovered {
            failures: 3,
            failing_since: chrono::Utc::now(),
            message: "Sync orders works again: 200 OK, after 3 failed runs".into(),
            channels: vec![Channel::Desktop],
        });
        let changed = Payload::Changed(Changed {
            previous_job_id: None,
            diff: vec![],
            more: 0,
            message: "Sync orders changed: data.total".into(),
            channels: vec![Channel::Desktop, Channel::Webhook],
        });
        let titles: Vec<(String, String)> = [failing(vec![Channel::Desktop]), recovered, changed]
            .into_iter()
            .map(|p| notice(&event(p), s(), &settings(true)).unwrap())
            .map(|n| (n.title, n.body))
            .collect();
        assert_eq!(
            titles,
            [
                (
                    "Sync orders is failing".to_string(),
                    "Sync orders failed 3 times in a row: 503 Service Unavailable".to_string()
                ),
                (
                    "Sync orders works again".to_string(),
                    "Sync orders works again: 200 OK, after 3 failed runs".to_string()
                ),
                (
                    "Sync orders changed".to_string(),
                    "Sync orders changed: data.total".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_click_leads_to_the_schedules_page() {
        let s = || schedule("Sync orders", true);
        let n = notice(
            &event(failing(vec![Channel::Desktop])),
            s(),
            &settings(true),
        );
        assert_eq!(n.unwrap().route(), "/schedules/sched-1");
    }

    #[test]
    fn an_unnamed_schedule_is_its_method_and_url_without_credentials() {
        let request: RequestSpec = serde_json::from_value(serde_json::json!(
            {"method": "post", "url": "https://me:pw@example.com/orders"}
        ))
        .unwrap();
        let name = display_name(None, &request);
        assert!(
            name.starts_with("POST https://") && !name.contains("pw"),
            "{name}"
        );
        assert_eq!(display_name(Some("Sync orders"), &request), "Sync orders");
    }

    #[test]
    fn only_alerts_for_the_desktop_notify() {
        let s = || schedule("Sync orders", true);
        let webhook_only = event(failing(vec![Channel::Webhook]));
        assert_eq!(notice(&webhook_only, s(), &settings(true)), None);
        let waiting = event(Payload::Waiting(chime_engine::event::Waiting {
            reason: "network".into(),
            host: "example.com:443".into(),
            up_to_ms: 30_000,
        }));
        assert_eq!(notice(&waiting, s(), &settings(true)), None);
    }

    #[test]
    fn an_implicit_alert_follows_notify_on_failure_and_an_own_one_does_not() {
        let desktop = event(failing(vec![Channel::Desktop]));
        let implicit = || schedule("Sync orders", false);
        assert!(notice(&desktop, implicit(), &settings(true)).is_some());
        assert_eq!(notice(&desktop, implicit(), &settings(false)), None);
        let own = schedule("Sync orders", true);
        assert!(notice(&desktop, own, &settings(false)).is_some());
    }

    #[test]
    fn a_deleted_schedule_still_tells_its_alert() {
        let n = notice(
            &event(failing(vec![Channel::Desktop])),
            None,
            &settings(true),
        )
        .unwrap();
        assert_eq!(n.title, "A schedule is failing");
    }
}
