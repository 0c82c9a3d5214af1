//! The scheduler loop: sleep until the earliest due job (capped, re-reading
//! the wall clock on every wake; woken early when jobs change), claim what is
//! due in one transaction, and hand it to dispatch with bounded concurrency.
//! What a claim does to jobs and schedules is the lifecycle's (`runs::claim`).

use std::sync::Arc;
use std::time::Instant;

use chrono::Duration;
use tokio::sync::OwnedSemaphorePermit;

use crate::core::Core;
use crate::dynamic;
use crate::lifecycle::runs::{self, AttemptEnd, Claimed, Record, Reply};
use crate::request::{RequestSpec, SentRequest};
use crate::store::jobs;

/// Jobs claimed per transaction, at most.
const CLAIM_BATCH: usize = 256;
/// When every dispatch slot is busy, the next claim waits for this many to free.
const MIN_CLAIM: usize = 64;
/// The longest sleep: a safety net under the wall-clock timer, not a poll.
const SAFETY_TICK: Duration = Duration::seconds(60);

pub(crate) async fn run(core: Arc<Core>) {
    loop {
        if core.stop.is_cancelled() {
            break;
        }
        if core.is_paused() {
            let mut paused = core.paused.subscribe();
            tokio::select! {
                _ = core.stop.cancelled() => break,
                _ = paused.wait_for(|p| !*p) => {}
            }
            continue;
        }
        let free = core.claimed.available_permits();
        if free == 0 {
            // The claim budget is spent: wait for a handful of jobs to finish,
            // so the next claim is one transaction for many, not one for each.
            let want = MIN_CLAIM.min(core.claim_budget) as u32;
            tokio::select! {
                _ = core.stop.cancelled() => break,
                permits = core.claimed.acquire_many(want) => drop(permits),
            }
            continue;
        }
        let next = core.read(jobs::next_due_at).await.unwrap_or_else(|e| {
            tracing::error!("reading the next due time failed: {e}");
            None
        });
        let now = core.now();
        if next.is_some_and(|t| t <= now) {
            let limit = free.min(CLAIM_BATCH);
            match core.write(move |tx| runs::claim(tx, limit)).await {
                Ok(claimed) => dispatch(&core, claimed),
                Err(e) => {
                    tracing::error!("claiming due jobs failed: {e}");
                    tokio::select! {
                        _ = core.stop.cancelled() => break,
                        _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                    }
                }
            }
            continue;
        }
        let deadline = next.map_or(now + SAFETY_TICK, |t| t.min(now + SAFETY_TICK));
        tokio::select! {
            _ = core.stop.cancelled() => break,
            _ = core.clock.sleep_until(deadline) => {}
            _ = core.wake.notified() => {}
        }
    }
}

/// Starts an attempt for each claimed job; each holds its share of the claim
/// budget until it is finished.
fn dispatch(core: &Arc<Core>, claimed: Vec<Claimed>) {
    for c in claimed {
        let Ok(budget) = core.claimed.clone().try_acquire_owned() else {
            tracing::error!("a job was claimed beyond the budget; it runs at the next start");
            continue;
        };
        core.attempts.spawn(attempt(core.clone(), c, budget));
    }
}

/// One attempt: render the request, send it, hand the result to the recorder.
async fn attempt(core: Arc<Core>, claimed: Claimed, _budget: OwnedSemaphorePermit) {
    let Claimed { job, context } = claimed;
    let spec = match &context {
        Some(ctx) => dynamic::render(&job.request, ctx),
        None => job.request.clone(),
    };
    let started_at = core.now();
    let clock_start = Instant::now();
    let mut sent_request = None;
    let reply = match prepare(&core, &spec) {
        Err(message) => Reply::Failed {
            message,
            retryable: false,
        },
        Ok(sent) => {
            let logged = sent.clone().into_log();
            core.record(Record::Sent {
                job: job.clone(),
                request: logged.clone(),
            });
            let timeout = std::time::Duration::from_millis(job.options.timeout_ms.max(1) as u64);
            // The semaphore is never closed, so acquiring only waits.
            let _sending = core.sending.acquire().await;
            let allow_http = core.policy().allow_http;
            let reply = match core.dispatcher().send(&sent, timeout, allow_http).await {
                Ok(response) => Reply::Response(response.into_log()),
                Err(e) => Reply::Failed {
                    message: e.message,
                    retryable: e.retryable,
                },
            };
            sent_request = Some(logged);
            reply
        }
    };
    let duration = Duration::from_std(clock_start.elapsed()).unwrap_or_default();
    core.record_end(AttemptEnd {
        job,
        sent: sent_request,
        started_at,
        finished_at: started_at + duration,
        reply,
    });
}

/// The wire request, checked against what is allowed now (a rendered URL may
/// differ from the one checked at creation, and `allow_http` may have changed).
fn prepare(core: &Core, spec: &RequestSpec) -> Result<SentRequest, String> {
    let redacted = |message: String| crate::redact::message(&message, &spec.url);
    crate::request::parse_url("url", &spec.url, core.policy().allow_http)
        .map_err(|e| redacted(e.message))?;
    spec.to_sent().map_err(redacted)
}
