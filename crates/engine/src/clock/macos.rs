//! macOS: a sleep on the monotonic clock, which stands still while the Mac
//! sleeps, so two notices end it early for the caller to re-read the time:
//! IOKit's system-has-powered-on (IORegisterForSystemPower) and notify(3)'s
//! "com.apple.system.clock_set". A minute's safety net covers a lost notice.
//!
//! The notices come on threads of their own, with no run loop: IOKit's on a
//! dispatch queue, notify(3)'s through a descriptor that one thread blocks on,
//! so neither wakes anything between notices.

use std::ffi::{c_char, c_int, c_void};
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::FromRawFd;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;

use chrono::{DateTime, Utc};

use super::{sleep_monotonic, Listener, Rearm, Wake, SAFETY_NET};

/// io_connect_t, io_object_t and io_service_t are all mach ports.
type MachPort = u32;

/// IOServiceInterestCallback: refcon, service, message type, message argument.
type InterestCallback = extern "C" fn(*mut c_void, MachPort, u32, *mut c_void);

#[cfg_attr(target_os = "macos", link(name = "IOKit", kind = "framework"))]
extern "C" {
    fn IORegisterForSystemPower(
        refcon: *mut c_void,
        port: *mut *mut c_void,
        callback: InterestCallback,
        notifier: *mut MachPort,
    ) -> MachPort;
    fn IONotificationPortSetDispatchQueue(port: *mut c_void, queue: *mut c_void);
    fn IOAllowPowerChange(kernel_port: MachPort, notification_id: isize) -> c_int;
}

// In libSystem, which every program links.
extern "C" {
    fn dispatch_queue_create(label: *const c_char, attr: *mut c_void) -> *mut c_void;
    fn notify_register_file_descriptor(
        name: *const c_char,
        notify_fd: *mut c_int,
        flags: c_int,
        out_token: *mut c_int,
    ) -> u32;
}

// IOKit/IOMessage.h: iokit_common_msg(n) is 0xE0000000 | n.
const CAN_SYSTEM_SLEEP: u32 = 0xE000_0270;
const SYSTEM_WILL_SLEEP: u32 = 0xE000_0280;
const SYSTEM_HAS_POWERED_ON: u32 = 0xE000_0300;

/// The root power domain's connection, which answers sleep requests.
static ROOT_PORT: AtomicU32 = AtomicU32::new(0);

pub(super) async fn sleep_until(deadline: DateTime<Utc>, mut listener: Listener) -> Wake {
    static NOTICES: Once = Once::new();
    NOTICES.call_once(|| {
        if let Err(e) = watch_power() {
            tracing::warn!("no wake notices ({e}); a run may be up to a minute late after sleep");
        }
        if let Err(e) = watch_clock_set() {
            tracing::warn!("no clock-set notices ({e}); a run may be up to a minute late after the clock is set");
        }
    });
    sleep_monotonic(deadline, &mut listener, SAFETY_NET).await
}

fn watch_power() -> io::Result<()> {
    let mut port: *mut c_void = std::ptr::null_mut();
    let mut notifier: MachPort = 0;
    // SAFETY: IOKit fills `port` and `notifier`; the port and the queue are
    // kept for the life of the process, as the notices are wanted for it.
    unsafe {
        let root =
            IORegisterForSystemPower(std::ptr::null_mut(), &mut port, on_power, &mut notifier);
        if root == 0 {
            return Err(io::Error::other("IORegisterForSystemPower failed"));
        }
        // Stored before the queue is set, so the first notice can answer.
        ROOT_PORT.store(root, Ordering::SeqCst);
        let queue = dispatch_queue_create(c"chime.clock.power".as_ptr(), std::ptr::null_mut());
        if queue.is_null() {
            return Err(io::Error::other("dispatch_queue_create failed"));
        }
        IONotificationPortSetDispatchQueue(port, queue);
    }
    Ok(())
}

extern "C" fn on_power(
    _refcon: *mut c_void,
    _service: MachPort,
    message: u32,
    argument: *mut c_void,
) {
    match message {
        // macOS waits up to 30 seconds for an answer to these before it
        // sleeps: answer at once.
        CAN_SYSTEM_SLEEP | SYSTEM_WILL_SLEEP => {
            // SAFETY: the argument is the notification's id, given back as is.
            unsafe { IOAllowPowerChange(ROOT_PORT.load(Ordering::SeqCst), argument as isize) };
        }
        SYSTEM_HAS_POWERED_ON => Rearm::system().notify(),
        _ => {}
    }
}

fn watch_clock_set() -> io::Result<()> {
    let mut fd: c_int = -1;
    let mut token: c_int = 0;
    // SAFETY: notify(3) fills `fd` and `token`.
    let status = unsafe {
        notify_register_file_descriptor(
            c"com.apple.system.clock_set".as_ptr(),
            &mut fd,
            0,
            &mut token,
        )
    };
    if status != 0 || fd < 0 {
        return Err(io::Error::other(format!(
            "notify_register_file_descriptor: {status}"
        )));
    }
    // SAFETY: the descriptor is new and ours; nothing else reads or closes it.
    let notices = unsafe { File::from_raw_fd(fd) };
    std::thread::Builder::new()
        .name("chime-clock-set".into())
        .spawn(move || read_notices(notices))?;
    Ok(())
}

/// Each notice is the 4-byte token; between them the thread blocks in read.
fn read_notices(mut notices: File) {
    let mut token = [0u8; 4];
    while notices.read_exact(&mut token).is_ok() {
        Rearm::system().notify();
    }
    tracing::warn!("clock-set notices stopped");
}
