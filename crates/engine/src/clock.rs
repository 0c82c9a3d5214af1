//! Time, injected. The engine never reads the system clock directly: it asks a
//! `Clock`, so tests can move time and production can wake on the wall clock.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

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

/// The real clock. On Linux it sleeps on a `CLOCK_REALTIME` timerfd with an
/// absolute deadline, so a laptop that suspends wakes as soon as it resumes
/// past the deadline (a monotonic sleep would stand still during suspend), and
/// a change of the system time wakes it at once.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

/// Where no wall-clock timer exists, sleeps are cut into slices this long so a
/// resume from suspend is noticed within a second.
#[cfg(not(target_os = "linux"))]
const SLICE: std::time::Duration = std::time::Duration::from_secs(1);

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> Sleep {
        #[cfg(target_os = "linux")]
        {
            Box::pin(async move {
                if let Err(e) = wall_timer::sleep_until(deadline).await {
                    tracing::warn!(
                        "wall-clock timer unavailable ({e}); sleeping on the monotonic clock"
                    );
                    let left = (deadline - Utc::now()).to_std().unwrap_or_default();
                    tokio::time::sleep(left.min(std::time::Duration::from_secs(1))).await;
                }
            })
        }
        #[cfg(not(target_os = "linux"))]
        {
            Box::pin(async move {
                let left = (deadline - Utc::now()).to_std().unwrap_or_default();
                tokio::time::sleep(left.min(SLICE)).await;
            })
        }
    }
}

#[cfg(target_os = "linux")]
mod wall_timer {
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    use chrono::{DateTime, Utc};
    use tokio::io::unix::AsyncFd;

    /// Sleeps until `deadline` on the wall clock. Returns early, without error,
    /// when the system time is set (TFD_TIMER_CANCEL_ON_SET).
    pub async fn sleep_until(deadline: DateTime<Utc>) -> io::Result<()> {
        let fd = create(deadline)?;
        // SAFETY: the timerfd is owned by the AsyncFd and not closed or
        // replaced while registered.
        let fd = unsafe { AsyncFd::register(fd)? };
        let mut guard = fd.readable().await?;
        // Drain the expiry count; ECANCELED means the clock was set, which is
        // just as good a reason to wake and re-read it.
        let mut buf = [0u8; 8];
        // SAFETY: reading 8 bytes into an 8-byte buffer from a timerfd we own.
        unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        guard.clear_ready();
        Ok(())
    }

    fn create(deadline: DateTime<Utc>) -> io::Result<OwnedFd> {
        // SAFETY: plain syscalls; the fd is owned by OwnedFd right after creation.
        unsafe {
            let raw =
                libc::timerfd_create(libc::CLOCK_REALTIME, libc::TFD_NONBLOCK | libc::TFD_CLOEXEC);
            if raw < 0 {
                return Err(io::Error::last_os_error());
            }
            let fd = OwnedFd::from_raw_fd(raw);
            // A zero it_value would disarm the timer: a deadline in the past
            // becomes one nanosecond after the epoch, which fires at once.
            let nanos = deadline.timestamp_nanos_opt().unwrap_or(i64::MAX).max(1);
            let spec = libc::itimerspec {
                it_interval: libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                },
                it_value: libc::timespec {
                    tv_sec: nanos / 1_000_000_000,
                    tv_nsec: nanos % 1_000_000_000,
                },
            };
            let flags = libc::TFD_TIMER_ABSTIME | libc::TFD_TIMER_CANCEL_ON_SET;
            if libc::timerfd_settime(fd.as_raw_fd(), flags, &spec, std::ptr::null_mut()) < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(fd)
        }
    }
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
