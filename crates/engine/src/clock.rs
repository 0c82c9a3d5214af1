//! Time, injected. The engine never reads the system clock directly: it asks a
//! `Clock`, so tests can move time and production can wake on the wall clock.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

pub trait Clock: Send + Sync + 'static {
    /// The current wall-clock time.
    fn now(&self) -> DateTime<Utc>;

    /// Resolves at or after the wall-clock instant `deadline`. It may resolve
    /// early (the wall clock was set, a safety cap elapsed): callers re-read
    /// `now()` on every wake.
    fn sleep_until(&self, deadline: DateTime<Utc>) -> Sleep;
}

pub type SharedClock = Arc<dyn Clock>;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(windows)]
mod windows;

#[cfg(target_os = "linux")]
use linux::sleep_until as platform_sleep;
#[cfg(target_os = "macos")]
use macos::sleep_until as platform_sleep;
#[cfg(windows)]
use windows::sleep_until as platform_sleep;

/// The real clock. Each OS gets a sleep that wakes at a wall-clock instant
/// without polling, and that ends early when the wall clock is set or the
/// machine wakes up, so the caller re-reads `now()`:
/// - Linux: a `CLOCK_REALTIME` timerfd at the absolute deadline, which runs
///   through suspend, and whose `TFD_TIMER_CANCEL_ON_SET` reports a set clock.
/// - macOS: the monotonic clock (it stands still while the Mac sleeps),
///   re-armed on IOKit's wake notice and notify(3)'s clock-set notice.
/// - Windows: a waitable timer at an absolute wall-clock time, re-armed on
///   the power resume notice.
///
/// macOS and Windows also end a sleep after [`SAFETY_NET`], in case a notice
/// is lost.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> Sleep {
        wall_sleep(deadline, Rearm::system())
    }
}

/// A sleep on the real clock that also ends when `rearm` is notified.
fn wall_sleep(deadline: DateTime<Utc>, rearm: &Rearm) -> Sleep {
    // Listen from now, not from the first poll, so that a notice between
    // this call and the first poll still ends the sleep.
    let listener = rearm.listen();
    Box::pin(async move {
        let wake = platform_sleep(deadline, listener).await;
        tracing::trace!(?wake, %deadline, "wall-clock sleep ended");
    })
}

/// Why a sleep of the real clock ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    Deadline,
    /// The wall clock was set or the machine woke up (see [`Rearm`]).
    Rearmed,
    /// The sleep reached its cap before the deadline.
    SafetyNet,
}

/// Ends every sleep of the real clock, so that each caller re-reads `now()`
/// and sleeps again on a fresh timer: the wall clock was set, or the machine
/// woke up. Every OS's notice of either (Linux's ECANCELED, macOS's and
/// Windows's notifications) comes through [`Rearm::notify`], and so does a
/// test's.
#[derive(Clone)]
struct Rearm(Arc<watch::Sender<u64>>);

impl Rearm {
    fn new() -> Self {
        Rearm(Arc::new(watch::Sender::new(0)))
    }

    /// The one [`SystemClock`] listens to.
    fn system() -> &'static Rearm {
        static SYSTEM: LazyLock<Rearm> = LazyLock::new(Rearm::new);
        &SYSTEM
    }

    // Where no OS notice exists, only tests notify.
    #[cfg_attr(
        not(any(target_os = "linux", target_os = "macos", windows)),
        allow(dead_code)
    )]
    fn notify(&self) {
        self.0.send_modify(|count| *count = count.wrapping_add(1));
    }

    fn listen(&self) -> Listener {
        Listener {
            rearm: self.clone(),
            seen: self.0.subscribe(),
        }
    }
}

/// One sleep's ear on a [`Rearm`]: it hears every notice after it was made.
struct Listener {
    /// Keeps the sender alive; Linux's timer also notifies through it.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    rearm: Rearm,
    seen: watch::Receiver<u64>,
}

impl Listener {
    async fn notified(&mut self) {
        // The sender lives in `self.rearm`, so this cannot fail.
        let _ = self.seen.changed().await;
    }
}

/// The longest sleep where the OS's notices are what wakes a sleep after a
/// resume (macOS, Windows): if one is lost, a run is at most this late.
#[cfg(any(target_os = "macos", windows, test))]
const SAFETY_NET: StdDuration = StdDuration::from_secs(60);

/// Where a sleep towards `deadline` that may last at most `cap` ends, and why.
fn capped(deadline: DateTime<Utc>, cap: StdDuration) -> (DateTime<Utc>, Wake) {
    let net = Duration::from_std(cap)
        .ok()
        .and_then(|cap| Utc::now().checked_add_signed(cap));
    match net {
        Some(net) if net < deadline => (net, Wake::SafetyNet),
        _ => (deadline, Wake::Deadline),
    }
}

/// Sleeps on the monotonic clock towards the wall-clock `deadline`, for at
/// most `cap`, or until `listener` hears a notice. The monotonic clock stands
/// still while the machine sleeps, so after a resume only a notice or the
/// cap ends this sleep.
async fn sleep_monotonic(
    deadline: DateTime<Utc>,
    listener: &mut Listener,
    cap: StdDuration,
) -> Wake {
    let (until, why) = capped(deadline, cap);
    let left = (until - Utc::now()).to_std().unwrap_or_default();
    tokio::select! {
        () = tokio::time::sleep(left) => why,
        () = listener.notified() => Wake::Rearmed,
    }
}

/// Elsewhere there is neither a wall-clock timer nor a wake notice: slices
/// this long notice a resume within a second.
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
async fn platform_sleep(deadline: DateTime<Utc>, mut listener: Listener) -> Wake {
    sleep_monotonic(deadline, &mut listener, StdDuration::from_secs(1)).await
}

/// A clock that only moves when a test moves it.
#[derive(Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    changed: watch::Sender<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(start)),
            changed: watch::Sender::new(start),
        }
    }

    pub fn set(&self, t: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = t;
        self.changed.send_replace(t);
    }

    pub fn advance(&self, by: Duration) {
        let t = self.now() + by;
        self.set(t);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> Sleep {
        let mut rx = self.changed.subscribe();
        Box::pin(async move {
            while *rx.borrow_and_update() < deadline {
                if rx.changed().await.is_err() {
                    return;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_sleep_wakes_when_time_is_moved_past_the_deadline() {
        let clock = ManualClock::new(Utc::now());
        let deadline = clock.now() + Duration::seconds(10);
        let mut sleep = clock.sleep_until(deadline);
        clock.advance(Duration::seconds(5));
        assert!(futures::poll!(sleep.as_mut()).is_pending());
        clock.advance(Duration::seconds(5));
        tokio::time::timeout(std::time::Duration::from_secs(1), sleep)
            .await
            .expect("sleep should end once the clock reaches the deadline");
    }

    /// The sleep of macOS, and of Linux without a timerfd, runs here too,
    /// with a cap short enough for a test.
    #[tokio::test]
    async fn a_monotonic_sleep_lasts_until_the_deadline_or_its_cap() {
        let rearm = Rearm::new();
        let cap = StdDuration::from_millis(300);
        for (ahead, lasts, why) in [
            (Duration::hours(8), cap, Wake::SafetyNet),
            (
                Duration::milliseconds(100),
                StdDuration::from_millis(100),
                Wake::Deadline,
            ),
        ] {
            let start = std::time::Instant::now();
            let wake = sleep_monotonic(Utc::now() + ahead, &mut rearm.listen(), cap).await;
            let elapsed = start.elapsed();
            assert_eq!(wake, why);
            // Not before; and generously soon after, on a loaded machine.
            let slack = StdDuration::from_millis(5);
            assert!(
                elapsed + slack >= lasts && elapsed < lasts * 10,
                "{elapsed:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_notice_ends_a_monotonic_sleep_at_once() {
        let rearm = Rearm::new();
        let mut listener = rearm.listen();
        let sleep = sleep_monotonic(Utc::now() + Duration::hours(8), &mut listener, SAFETY_NET);
        rearm.notify();
        let wake = tokio::time::timeout(StdDuration::from_secs(5), sleep)
            .await
            .expect("a notice should end the sleep");
        assert_eq!(wake, Wake::Rearmed);
    }

    #[tokio::test]
    async fn system_clock_sleeps_until_a_wall_clock_deadline() {
        let start = std::time::Instant::now();
        SystemClock
            .sleep_until(Utc::now() + Duration::milliseconds(50))
            .await;
        assert!(start.elapsed() >= std::time::Duration::from_millis(45));
        // A deadline in the past returns at once.
        tokio::time::timeout(
            std::time::Duration::from_secs(1),
            SystemClock.sleep_until(Utc::now() - Duration::seconds(5)),
        )
        .await
        .expect("a past deadline should not block");
    }
}
