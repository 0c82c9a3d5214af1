//! Windows: a waitable timer set to an absolute wall-clock time. Windows keeps
//! an absolute due time through changes of the system time and signals a
//! timer that came due while the machine slept as soon as it resumes. The
//! power resume notice also ends every sleep, so callers re-read the time;
//! a minute's safety net covers a lost notice.

use std::ffi::c_void;
use std::io;
use std::ptr::{null, null_mut};
use std::sync::{Arc, Once};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;
use windows_sys::Win32::Foundation::{CloseHandle, ERROR_SUCCESS, HANDLE, WAIT_OBJECT_0};
use windows_sys::Win32::System::Power::{
    PowerRegisterSuspendResumeNotification, DEVICE_NOTIFY_SUBSCRIBE_PARAMETERS,
};
use windows_sys::Win32::System::Threading::{
    CreateEventW, CreateWaitableTimerExW, SetEvent, SetWaitableTimerEx, WaitForMultipleObjects,
    INFINITE, TIMER_ALL_ACCESS,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    DEVICE_NOTIFY_CALLBACK, PBT_APMRESUMEAUTOMATIC, PBT_APMRESUMESUSPEND,
};

use super::{capped, sleep_monotonic, Listener, Rearm, Wake, SAFETY_NET};

/// 100-nanosecond intervals from 1601-01-01 (FILETIME's epoch) to 1970-01-01.
const UNIX_EPOCH_AS_FILETIME: i64 = 116_444_736_000_000_000;

pub(super) async fn sleep_until(deadline: DateTime<Utc>, mut listener: Listener) -> Wake {
    static NOTICES: Once = Once::new();
    NOTICES.call_once(watch_resume);
    let (until, why) = capped(deadline, SAFETY_NET);
    let mut timer = match Timer::arm(until) {
        Ok(timer) => timer,
        Err(e) => {
            tracing::warn!("waitable timer unavailable ({e}); sleeping on the monotonic clock");
            return sleep_monotonic(deadline, &mut listener, SAFETY_NET).await;
        }
    };
    tokio::select! {
        fired = timer.fired() => match fired {
            true => why,
            false => sleep_monotonic(deadline, &mut listener, SAFETY_NET).await,
        },
        () = listener.notified() => Wake::Rearmed,
    }
}

fn watch_resume() {
    // Windows keeps the pointer for as long as the registration, which is
    // the life of the process.
    let params: &'static mut DEVICE_NOTIFY_SUBSCRIBE_PARAMETERS =
        Box::leak(Box::new(DEVICE_NOTIFY_SUBSCRIBE_PARAMETERS {
            Callback: Some(on_power),
            Context: null_mut(),
        }));
    let mut registration: *mut c_void = null_mut();
    // SAFETY: `params` outlives the registration; Windows fills `registration`.
    let status = unsafe {
        PowerRegisterSuspendResumeNotification(
            DEVICE_NOTIFY_CALLBACK,
            (params as *mut DEVICE_NOTIFY_SUBSCRIBE_PARAMETERS).cast(),
            &mut registration,
        )
    };
    if status != ERROR_SUCCESS {
        tracing::warn!(
            "no resume notices (error {status}); a run may be up to a minute late after sleep"
        );
    }
}

unsafe extern "system" fn on_power(
    _context: *const c_void,
    kind: u32,
    _setting: *const c_void,
) -> u32 {
    if kind == PBT_APMRESUMEAUTOMATIC || kind == PBT_APMRESUMESUSPEND {
        Rearm::system().notify();
    }
    ERROR_SUCCESS
}

/// A kernel handle, closed when dropped.
struct Handle(HANDLE);

// SAFETY: a kernel object's handle may be used and closed from any thread.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Handle {
    fn new(raw: HANDLE) -> io::Result<Handle> {
        if raw.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(Handle(raw))
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle is ours and closed once.
        unsafe { CloseHandle(self.0) };
    }
}

/// A waitable timer, and an event that ends the wait on it early. A thread
/// waits on both, since the timer's wait blocks; dropping the `Timer` sets
/// the event, so a sleep that is given up frees its thread at once.
struct Timer {
    handles: Arc<(Handle, Handle)>,
    fired: oneshot::Receiver<bool>,
}

impl Timer {
    fn arm(at: DateTime<Utc>) -> io::Result<Timer> {
        // SAFETY: plain constructors; each result is owned by a Handle.
        let handles = Arc::new(unsafe {
            (
                Handle::new(CreateWaitableTimerExW(null(), null(), 0, TIMER_ALL_ACCESS))?,
                Handle::new(CreateEventW(null(), 1, 0, null()))?,
            )
        });
        let due = filetime(at);
        // SAFETY: `due` is read during the call; no completion routine.
        let set = unsafe { SetWaitableTimerEx(handles.0 .0, &due, 0, None, null(), null(), 0) };
        if set == 0 {
            return Err(io::Error::last_os_error());
        }
        let (tx, fired) = oneshot::channel();
        let waiting = Arc::clone(&handles);
        std::thread::Builder::new()
            .name("chime-timer".into())
            .spawn(move || {
                let objects = [waiting.0 .0, waiting.1 .0];
                // SAFETY: both handles stay open while `waiting` lives.
                let woke = unsafe { WaitForMultipleObjects(2, objects.as_ptr(), 0, INFINITE) };
                let _ = tx.send(woke == WAIT_OBJECT_0);
            })?;
        Ok(Timer { handles, fired })
    }

    /// True when the timer fired; false when the wait failed.
    async fn fired(&mut self) -> bool {
        (&mut self.fired).await.unwrap_or(false)
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        // SAFETY: the event is open while `handles` lives.
        unsafe { SetEvent(self.handles.1 .0) };
    }
}

/// An absolute due time: a positive FILETIME, in UTC (a negative one would
/// be relative).
fn filetime(at: DateTime<Utc>) -> i64 {
    let hundreds = at.timestamp_nanos_opt().unwrap_or(i64::MAX) / 100;
    hundreds.saturating_add(UNIX_EPOCH_AS_FILETIME).max(1)
}
