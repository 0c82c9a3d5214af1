//! Webhooks and callbacks, sent: the lifecycle writes them to the outbox
//! with the event (or the finished job) they carry; this worker sends them
//! in the background, signed in the Standard Webhooks style, retried with
//! backoff until delivered or expired, across restarts. Deliveries never
//! hold up the dispatch of jobs: they have their own task, connections and
//! time limit.

use std::sync::Arc;

use base64::Engine as _;
use chrono::Duration;
use hmac::{Hmac, Mac};
use rand::Rng;
use serde_json::Map;
use sha2::Sha256;

use crate::core::Core;
use crate::error::Result;
use crate::request::SentRequest;
use crate::store::deliveries::{self, Delivery, TryResult};
use crate::store::Tx;

/// Receivers taken per round (one delivery each: deliveries to one URL go in order).
const ROUND: usize = 32;
/// How long a receiver has to answer.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Retries wait 1 s, 2 s, 4 s, ... up to an hour, with ±20% jitter.
const FIRST_RETRY: Duration = Duration::seconds(1);
const LONGEST_RETRY: Duration = Duration::hours(1);
/// The longest sleep between looks at the outbox.
const SAFETY_TICK: Duration = Duration::seconds(60);

/// `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
pub fn sign(key: &[u8], message_id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(format!("{message_id}.{timestamp}.{body}").as_bytes());
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

pub(crate) async fn run(core: Arc<Core>) {
    loop {
        if core.stop.is_cancelled() {
            break;
        }
        let heads = match core.read(|c| deliveries::heads(c, ROUND)).await {
            Ok(heads) => heads,
            Err(e) => {
                tracing::error!("reading the outbox failed: {e}");
                Vec::new()
            }
        };
        let now = core.now();
        let (due, waiting): (Vec<Delivery>, Vec<Delivery>) =
            heads.into_iter().partition(|d| d.next_at <= now);
        if !due.is_empty() {
            let tries =
                futures::future::join_all(due.into_iter().map(|d| try_once(&core, d))).await;
            if let Err(e) = core.write(move |tx| record(tx, tries)).await {
                tracing::error!("recording deliveries failed: {e}");
            }
            continue;
        }
        let next = waiting.iter().map(|d| d.next_at).min();
        let deadline = next.map_or(now + SAFETY_TICK, |t| t.min(now + SAFETY_TICK));
        tokio::select! {
            _ = core.stop.cancelled() => break,
            _ = core.clock.sleep_until(deadline) => {}
            _ = core.deliveries_wake.notified() => {}
        }
    }
}

fn record(tx: &mut Tx, tries: Vec<(i64, TryResult)>) -> Result<()> {
    for (id, result) in &tries {
        deliveries::record_try(&tx.sql, *id, result, tx.now)?;
    }
    Ok(())
}

/// Sends one delivery, signed with the current secret.
async fn try_once(core: &Core, d: Delivery) -> (i64, TryResult) {
    let now = core.now();
    let timestamp = now.timestamp();
    let key = crate::settings::signing_key(&core.settings().signing_secret);
    let mut headers = Map::new();
    headers.insert("content-type".into(), "application/json".into());
    headers.insert("webhook-id".into(), d.message_id.clone().into());
    headers.insert("webhook-timestamp".into(), timestamp.to_string().into());
    headers.insert(
        "webhook-signature".into(),
        sign(&key, &d.message_id, timestamp, &d.body).into(),
    );
    let request = SentRequest {
        method: "POST".into(),
        url: d.url.clone(),
        headers,
        body: Some(d.body.clone()),
        truncated: false,
    };
    let (status, error) = match core
        .dispatcher()
        .send(&request, TIMEOUT, core.policy().allow_http)
        .await
    {
        Ok(r) if (200..300).contains(&r.status) => {
            return (d.id, TryResult::Delivered { status: r.status })
        }
        Ok(r) => (
            Some(r.status),
            format!("the receiver answered {}", r.status),
        ),
        Err(e) => (None, e.message),
    };
    if now >= d.expires_at {
        tracing::warn!(
            delivery = d.id,
            "giving up a delivery after its maximum age: {error}"
        );
        return (d.id, TryResult::Failed { status, error });
    }
    let wait = backoff(d.tries);
    (
        d.id,
        TryResult::Retry {
            next_at: (now + wait).min(d.expires_at),
            status,
            error,
        },
    )
}

fn backoff(tries: u32) -> Duration {
    let nominal = FIRST_RETRY
        .num_milliseconds()
        .saturating_mul(1 << tries.min(20));
    let capped = nominal.min(LONGEST_RETRY.num_milliseconds());
    let jitter = rand::thread_rng().gen_range(0.8..=1.2);
    Duration::milliseconds((capped as f64 * jitter) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let key = crate::settings::signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        let first = backoff(0).num_milliseconds();
        assert!((800..=1200).contains(&first), "{first}");
        let fourth = backoff(3).num_milliseconds();
        assert!((6_400..=9_600).contains(&fourth), "{fourth}");
        assert!(backoff(30) <= Duration::milliseconds(LONGEST_RETRY.num_milliseconds() * 6 / 5));
    }
}
