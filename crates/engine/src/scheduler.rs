//! The scheduler loop: sleep until the earliest due job (capped, re-reading
//! the wall clock on every wake; woken early when jobs change), claim what is
//! due in one transaction, and hand it to dispatch with bounded concurrency.
//! What a claim does to jobs and schedules is the lifecycle's (`runs::claim`).

use std::borrow::Cow;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::OwnedSemaphorePermit;
use url::Url;

use crate::attempt::ResponseRecord;
use crate::core::{Burst, Core};
use crate::dynamic;
use crate::event::Waiting;
use crate::job::Job;
use crate::lifecycle::runs::{self, AttemptEnd, Claimed, Record, Reply};
use crate::request::{RequestSpec, SentRequest};
use crate::sending::SendPermit;
use crate::store::jobs;
use crate::time::to_ms;

/// Jobs claimed per transaction, at most.
const CLAIM_BATCH: usize = 256;
/// A job is claimed this long before it is due, and its attempt waits for
/// its instant: the claim's commit (a sync to disk) is then off the path
/// between the instant and the request. Long enough for a claim on a busy
/// disk: a sync that outlasts it makes the job late by the difference. On
/// a disk whose syncs take 0.3 ms, a page synced beside W2 now and then
/// took 7–13 ms, and jobs claimed 20 ms ahead went out up to 58 ms after a
/// bare thread woke at their instants (BENCHMARKS.md, "5 December 2026,
/// from 15:07 UTC"). Short enough that no one sees a job executing before
/// its time.
const CLAIM_AHEAD: Duration = Duration::milliseconds(100);
/// When the claim budget is spent, the next claim waits for a job to finish
/// and then gathers those that finish for this long, up to CLAIM_BATCH: in a
/// burst, one transaction (and one sync) for many jobs; when jobs finish
/// slowly (a slow host holding the whole budget), no long wait for company.
const CLAIM_GATHER: std::time::Duration = std::time::Duration::from_millis(5);
/// The longest sleep: a safety net under the wall-clock timer, not a poll.
const SAFETY_TICK: Duration = Duration::seconds(60);
/// Catch-up runs (due while the machine slept or Chime was closed) go out
/// this far apart after a resume, not all in one millisecond...
const STAGGER_STEP: Duration = Duration::milliseconds(250);
/// ...spread over this window at most.
const STAGGER_WINDOW: Duration = Duration::seconds(15);
/// While waiting for the network, how often its reach is tried again.
const NETWORK_RETRY: Duration = Duration::seconds(1);

pub(crate) async fn run(core: Arc<Core>) {
    loop {
        // Awake: any write may have made something due (see `Core::write_repeatable`).
        core.wake_before.store(i64::MAX, Ordering::SeqCst);
        if core.stop.is_cancelled() {
            break;
        }
        if core.is_paused() {
            let mut paused = core.paused.subscribe();
            if !*paused.borrow_and_update() {
                continue; // resumed since the check
            }
            let until = core.paused_until();
            let ends = async {
                match until {
                    Some(t) => core.clock.sleep_until(t).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = core.stop.cancelled() => break,
                // Resumed, or paused again for another while.
                _ = paused.changed() => {}
                _ = ends => core.set_paused(false, None),
            }
            continue;
        }
        let free = core.claimed.available_permits();
        if free == 0 {
            tokio::select! {
                _ = core.stop.cancelled() => break,
                _ = budget_freed(&core) => {}
            }
            continue;
        }
        let next = core.read(next_wake).await.unwrap_or_else(|e| {
            tracing::error!("reading the next due time failed: {e}");
            None
        });
        let now = core.now();
        if next.is_some_and(|t| t <= now) {
            let limit = free.min(CLAIM_BATCH);
            let circumstances = core.circumstances();
            let paused = core.clone();
            // "Pause all" asked for since the check above (while the next due
            // time was read) is honoured: no job is claimed once it is set.
            let claim = move |tx: &mut crate::store::Tx| {
                if paused.is_paused() {
                    return Ok(Vec::new());
                }
                runs::claim(tx, CLAIM_AHEAD, limit, &circumstances)
            };
            match core.write(claim).await {
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
        // Waking at `deadline` claims what is due by then and CLAIM_AHEAD.
        core.wake_before
            .store(to_ms(deadline + CLAIM_AHEAD), Ordering::SeqCst);
        tokio::select! {
            _ = core.stop.cancelled() => break,
            _ = core.clock.sleep_until(deadline) => {}
            _ = core.wake.notified() => {}
        }
    }
}

/// Returns once the claim budget has room again: a job finished, and those
/// that finished in the CLAIM_GATHER after it, so the next claim is one
/// transaction for many, not one for each.
async fn budget_freed(core: &Core) {
    let want = CLAIM_BATCH.min(core.claim_budget) as u32;
    // The semaphore is never closed, so acquiring only waits; the permits
    // go back when dropped, for the claim to take.
    drop(core.claimed.acquire().await);
    let _ = tokio::time::timeout(CLAIM_GATHER, core.claimed.acquire_many(want)).await;
}

/// When there is next something to do: claim a job (CLAIM_AHEAD before it
/// is due), or enable a paused schedule (the claim does both).
fn next_wake(conn: &rusqlite::Connection) -> crate::error::Result<Option<DateTime<Utc>>> {
    let job = jobs::next_due_at(conn)?.map(|due| due - CLAIM_AHEAD);
    let resume = crate::store::schedules::next_resume_at(conn)?;
    Ok(job.into_iter().chain(resume).min())
}

/// Starts an attempt for each claimed job; each holds its share of the claim
/// budget until it is finished.
fn dispatch(core: &Arc<Core>, claimed: Vec<Claimed>) {
    for c in claimed {
        let Ok(budget) = core.claimed.clone().try_acquire_owned() else {
            tracing::error!("a job was claimed beyond the budget; it runs at the next start");
            continue;
        };
        let catch_up = c.late.then(|| stagger(core));
        core.attempts
            .spawn(attempt(core.clone(), c, catch_up, budget));
    }
}

/// How long after the current burst of catch-up runs is placed it ends: the
/// next late run then goes out at once.
const STAGGER_GAP: Duration = Duration::seconds(1);

/// When the next catch-up run goes out: one STAGGER_STEP after the one placed
/// before it while they come in a burst (as after a resume), within
/// STAGGER_WINDOW of the burst's first; now when it comes alone. An instant,
/// not a delay: each run keeps its place however late its task starts.
fn stagger(core: &Core) -> DateTime<Utc> {
    let now = core.now();
    let mut burst = core.stagger.lock().unwrap_or_else(|e| e.into_inner());
    let at = match *burst {
        Some(b) if now - b.last <= STAGGER_GAP => {
            (b.last + STAGGER_STEP).min(b.first + STAGGER_WINDOW)
        }
        _ => now,
    };
    let first = burst
        .filter(|b| now - b.last <= STAGGER_GAP)
        .map_or(now, |b| b.first);
    *burst = Some(Burst { first, last: at });
    at
}

/// One attempt: render the request, send it, hand the result to the
/// recorder. A catch-up (`catch_up`: its place in the stagger) waits for
/// that instant and for the network.
async fn attempt(
    core: Arc<Core>,
    claimed: Claimed,
    catch_up: Option<DateTime<Utc>>,
    _budget: OwnedSemaphorePermit,
) {
    let Claimed {
        job,
        context,
        replaces,
        ..
    } = claimed;
    let replaced = tokio_util::sync::CancellationToken::new();
    lock(&core.inflight).insert(job.seq, replaced.clone());
    // When the request began to go out: the attempt's start and duration.
    let began = std::sync::OnceLock::new();
    let work = async {
        let ready = Ready::new(&core, &job, context);
        // An attempt on time takes its place on the wire before its instant,
        // in due order (the order of the claims), so that at a burst's
        // instant only those with a place wake: a thousand attempts waking
        // at once to queue for 32 places held the first request back 6–12
        // ms (BENCHMARKS.md, "4 December 2026, night"). A catch-up waits for
        // its stagger and the network first, and a run that replaces another
        // stops it at its instant, place or not.
        let place = match (&ready, catch_up, replaces.is_empty()) {
            (Ok(ready), None, true) => Some(core.sending.acquire(&ready.url).await),
            _ => None,
        };
        // Claimed ahead (CLAIM_AHEAD): at its instant, not before, it goes
        // out and takes over from the attempt it replaces (overlap `replace`).
        until(&core, job.scheduled_at).await;
        core.cancel_attempts(&replaces);
        go(&core, &job, ready, catch_up, place, &began).await
    };
    let (reply, sent) = tokio::select! {
        done = work => done,
        _ = replaced.cancelled() => (Reply::Replaced, None),
    };
    lock(&core.inflight).remove(&job.seq);
    let (started_at, clock_start) = *began.get_or_init(|| (core.now(), Instant::now()));
    let duration = Duration::from_std(clock_start.elapsed()).unwrap_or_default();
    core.record_end(AttemptEnd {
        job,
        sent,
        started_at,
        finished_at: started_at + duration,
        reply,
    });
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A request ready to go out: rendered, parsed and checked, with the copy
/// the log keeps. It is made when its job is claimed, CLAIM_AHEAD before its
/// instant, so that what is left after the instant is the request's turn on
/// the wire and the send itself, and no job is later by its request's work.
struct Ready {
    sent: SentRequest,
    url: Url,
    logged: SentRequest,
}

impl Ready {
    /// A schedule's run renders its request; a one-off job's goes as it is.
    /// The error is why it cannot be sent, for the attempt's failure.
    fn new(
        core: &Core,
        job: &Job,
        context: Option<crate::dynamic::RunContext>,
    ) -> Result<Ready, String> {
        let spec = match &context {
            Some(ctx) => Cow::Owned(dynamic::render(&job.request, ctx)),
            None => Cow::Borrowed(&job.request),
        };
        let (sent, url) = prepare(core, &spec)?;
        let logged = sent.to_log();
        Ok(Ready { sent, url, logged })
    }
}

/// The attempt's way out: its place in a catch-up's stagger, the network,
/// the request sent; the reply, and the request as it went.
async fn go(
    core: &Arc<Core>,
    job: &Arc<Job>,
    ready: Result<Ready, String>,
    catch_up: Option<DateTime<Utc>>,
    place: Option<SendPermit<'_>>,
    began: &std::sync::OnceLock<(DateTime<Utc>, Instant)>,
) -> (Reply, Option<SentRequest>) {
    let core = core.clone();
    let job = job.clone();
    let Ready { sent, url, logged } = match ready {
        Ok(ready) => ready,
        Err(message) => {
            let reply = Reply::Failed {
                message,
                retryable: false,
            };
            return (reply, None);
        }
    };
    if let Some(at) = catch_up {
        until(&core, at).await;
        wait_for_network(&core, &job, &url).await;
    }
    // Its turn on the wire first: the attempt starts, and its request is
    // logged, when it goes out, not while it waits.
    let _sending = match place {
        Some(place) => place,
        None => core.sending.acquire(&url).await,
    };
    let _ = began.set((core.now(), Instant::now()));
    // The log gets the request from this record; the attempt's end keeps a
    // copy only for the job's callback.
    let kept = job.options.callback_url.is_some().then(|| logged.clone());
    core.record(Record::Sent {
        job: job.clone(),
        request: logged,
    });
    let timeout = std::time::Duration::from_millis(job.options.timeout_ms.max(1) as u64);
    let allow_http = core.policy().allow_http;
    let sending = std::time::Instant::now();
    let reply = match core
        .dispatcher()
        .send_to(&sent, url, timeout, allow_http)
        .await
    {
        Ok(response) => {
            let latency_ms = sending.elapsed().as_millis() as i64;
            Reply::Response(checked(&core, &job, response, latency_ms).into_log())
        }
        Err(e) => Reply::Failed {
            message: e.message,
            retryable: e.retryable,
        },
    };
    (reply, kept)
}

/// Waits for `at` on the wall clock, never less: a job claimed ahead
/// (CLAIM_AHEAD) goes out at its instant, a catch-up at its place in the
/// stagger; at shutdown too, as an attempt in flight does.
async fn until(core: &Core, at: DateTime<Utc>) {
    while core.now() < at {
        core.clock.sleep_until(at).await;
    }
}

/// The response with the job's checks (`assert`) run on it, before the log
/// redacts its headers (a check may look at any of them).
fn checked(
    core: &Core,
    job: &Job,
    mut response: ResponseRecord,
    latency_ms: i64,
) -> ResponseRecord {
    if job.options.assert.is_empty() {
        return response;
    }
    let seen = crate::check::Seen {
        status: response.status,
        headers: &response.headers,
        body: &response.body,
        latency_ms,
        cert_expires_at: response.cert_expires_at,
        now: core.now(),
    };
    response.assertions = crate::check::run_all(&job.options.assert, &seen);
    response
}

/// The wire request, checked against what is allowed now (a rendered URL may
/// differ from the one checked at creation, and `allow_http` may have changed).
/// Its URL comes with it, parsed once: the dispatcher sends to that.
fn prepare(core: &Core, spec: &RequestSpec) -> Result<(SentRequest, Url), String> {
    use crate::request::{check_url, parse_as_is};
    let redacted = |message: String| crate::redact::message(&message, &spec.url);
    // Parsed once, here: what is checked is what is sent.
    let mut url = parse_as_is("url", &spec.url).map_err(|e| redacted(e.message))?;
    check_url("url", &url, core.policy().allow_http).map_err(|e| redacted(e.message))?;
    let sent = spec.to_sent_at(&mut url);
    Ok((sent, url))
}

/// Before a catch-up attempt spends itself: waits, up to the schedule's
/// `network_wait` (else the setting's), for the target's host to resolve and
/// accept a connection, as it may not yet after a resume. Says so in the log
/// while it waits; sends anyway when the wait is over.
async fn wait_for_network(core: &Core, job: &Arc<Job>, url: &Url) {
    let wait_ms = job
        .options
        .network_wait_ms
        .unwrap_or(i64::from(core.settings().network_wait_seconds) * 1000);
    let Some(address) = host_and_port(url).filter(|_| wait_ms > 0) else {
        return;
    };
    if reachable(&address).await {
        return;
    }
    core.record(Record::Waiting {
        job: job.clone(),
        waiting: Waiting {
            reason: "network".into(),
            host: address.clone(),
            up_to_ms: wait_ms,
        },
    });
    let deadline = core.now() + Duration::milliseconds(wait_ms);
    while core.now() < deadline && !core.stop.is_cancelled() {
        core.clock
            .sleep_until((core.now() + NETWORK_RETRY).min(deadline))
            .await;
        if reachable(&address).await {
            return;
        }
    }
}

/// `host:port` of a URL, the scheme's port when it has none.
fn host_and_port(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    let port = url.port_or_known_default()?;
    Some(if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    })
}

/// The host resolves and accepts a TCP connection within a second.
async fn reachable(address: &str) -> bool {
    let probe = tokio::net::TcpStream::connect(address);
    matches!(
        tokio::time::timeout(std::time::Duration::from_secs(1), probe).await,
        Ok(Ok(_))
    )
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    use std::time::Duration as StdDuration;

    use chime_testkit::{eventually, Reply, Target};
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use serde_json::json;

    use crate::time::to_ms;
    use crate::{Config, Engine, ManualClock};

    /// Waits until the scheduler sleeps until just before a job due at `due`.
    async fn asleep_for(engine: &Engine, due: DateTime<Utc>) {
        let what = format!("the scheduler to sleep until just before {due}");
        eventually(&what, StdDuration::from_secs(10), async || {
            (engine.core.wake_before.load(Ordering::SeqCst) == to_ms(due)).then_some(())
        })
        .await;
    }

    /// A one-off job due before the scheduler's wake wakes it; one due after
    /// it does not need to, and still goes out at its own instant.
    #[tokio::test]
    async fn a_create_wakes_the_scheduler_only_for_a_job_due_before_its_wake() {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
        let clock = ManualClock::new(t0);
        let target = Target::start(|_| Reply::status(200)).await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().join("chime.db"));
        config.allow_http = true;
        let engine = Engine::start(config, Arc::new(clock.clone()))
            .await
            .unwrap();
        let create = async |path: &str, due: DateTime<Utc>| {
            let job = json!({"url": target.url(path), "scheduled_at": due.to_rfc3339()});
            engine.create_job(job).await.unwrap();
        };
        let (sooner, later, last) = (
            t0 + Duration::seconds(1),
            t0 + Duration::seconds(50),
            t0 + Duration::hours(2),
        );
        create("/later", later).await;
        asleep_for(&engine, later).await;
        create("/sooner", sooner).await;
        asleep_for(&engine, sooner).await; // woken, and asleep again for it
        create("/last", last).await;
        for (n, at) in [sooner, later, last].into_iter().enumerate() {
            clock.set(at);
            target.wait_for(n + 1, StdDuration::from_secs(10)).await;
        }
        let paths: Vec<_> = target.seen().into_iter().map(|s| s.path).collect();
        assert_eq!(paths, ["/sooner", "/later", "/last"]);
        engine.shutdown().await;
    }
}
