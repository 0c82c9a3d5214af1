//! Linux: a `CLOCK_REALTIME` timerfd armed at the absolute deadline. The
//! wall clock runs through suspend, so a laptop that resumes past the
//! deadline wakes at once (a monotonic sleep would stand still), and
//! `TFD_TIMER_CANCEL_ON_SET` has the kernel report a set clock as ECANCELED.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

use super::{sleep_monotonic, Listener, Rearm, Wake};

/// Without a timerfd, slices this long notice a resume within a second, as
/// the timer would.
const FALLBACK_SLICE: StdDuration = StdDuration::from_secs(1);

pub(super) async fn sleep_until(deadline: DateTime<Utc>, mut listener: Listener) -> Wake {
    match wait(deadline, &mut listener).await {
        Ok(wake) => wake,
        Err(e) => {
            tracing::warn!("wall-clock timer unavailable ({e}); sleeping on the monotonic clock");
            sleep_monotonic(deadline, &mut listener, FALLBACK_SLICE).await
        }
    }
}

/// Sleeps on a timerfd until `deadline`, or until `listener` hears that the
/// clock was set or the machine woke up.
async fn wait(deadline: DateTime<Utc>, listener: &mut Listener) -> io::Result<Wake> {
    let timer = arm(deadline)?;
    let rearm = listener.rearm.clone();
    loop {
        tokio::select! {
            // A notice wins over a read in the same poll: it is the answer
            // to an ECANCELED read, and a set clock may have passed the
            // deadline too.
            biased;
            () = listener.notified() => return Ok(Wake::Rearmed),
            read = timer.async_io(Interest::READABLE, read_expiries) => {
                if let Some(wake) = after_read(read, &rearm)? {
                    return Ok(wake);
                }
            }
        }
    }
}

/// What a read of the timer means. ECANCELED says the wall clock was set:
/// every sleep of the clock is told, this one through its listener, so the
/// kernel's notice and a test's take the same path from here on.
fn after_read(read: io::Result<u64>, rearm: &Rearm) -> io::Result<Option<Wake>> {
    match read {
        Ok(_) => Ok(Some(Wake::Deadline)),
        Err(e) if e.raw_os_error() == Some(libc::ECANCELED) => {
            rearm.notify();
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Reads how many times the timer expired.
fn read_expiries(fd: &OwnedFd) -> io::Result<u64> {
    let mut count = [0u8; 8];
    // SAFETY: reads at most 8 bytes into an 8-byte buffer, from a timerfd
    // that `fd` keeps open for the call.
    let n = unsafe { libc::read(fd.as_raw_fd(), count.as_mut_ptr().cast(), count.len()) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(u64::from_ne_bytes(count))
}

fn arm(deadline: DateTime<Utc>) -> io::Result<AsyncFd<OwnedFd>> {
    let fd = create(deadline)?;
    // SAFETY: the AsyncFd owns the timerfd and neither closes nor replaces
    // it while registered.
    Ok(unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE)? })
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

/// The real timer, without touching the machine's clock: other processes
/// depend on it, so a set clock is injected as the kernel would report it.
#[cfg(test)]
mod tests {
    use chrono::Duration;
    use tokio::sync::mpsc;

    use super::super::wall_sleep;
    use super::*;

    #[tokio::test]
    async fn the_timer_fires_at_its_wall_clock_deadline_not_before() {
        let deadline = Utc::now() + Duration::milliseconds(300);
        let wake = wait(deadline, &mut Rearm::new().listen())
            .await
            .expect("a CLOCK_REALTIME timerfd");
        let woke = Utc::now();
        assert_eq!(wake, Wake::Deadline);
        assert!(woke >= deadline, "woke {} early", deadline - woke);
        // Generous: a loaded machine may schedule the waiting task late.
        assert!(
            woke - deadline < Duration::seconds(3),
            "woke {} late",
            woke - deadline
        );
    }

    #[tokio::test]
    async fn a_set_clock_wakes_the_sleeper_which_reads_the_time_again() {
        let rearm = Rearm::new();
        let deadline = Utc::now() + Duration::hours(1);
        let (reads_tx, mut reads) = mpsc::unbounded_channel();
        // A caller as the scheduler is one: read the time, sleep towards the
        // deadline, read it again on every wake.
        let caller = tokio::spawn({
            let rearm = rearm.clone();
            async move {
                loop {
                    let now = Utc::now();
                    let sleep = wall_sleep(deadline, &rearm);
                    if reads_tx.send(now).is_err() || now >= deadline {
                        return;
                    }
                    sleep.await;
                }
            }
        });
        let first = reads.recv().await.expect("the caller reads the time");

        // The kernel's answer to a read once the clock was set.
        let cancelled = io::Error::from_raw_os_error(libc::ECANCELED);
        assert!(after_read(Err(cancelled), &rearm).unwrap().is_none());

        let again = tokio::time::timeout(StdDuration::from_secs(5), reads.recv())
            .await
            .expect("the sleeper should wake when the clock is set")
            .expect("the caller reads the time again");
        assert!(first <= again && again < deadline, "{first} then {again}");
        caller.abort();
    }
}
