//! Memory given back to the OS: soon after it is freed, and at once after a
//! large answer.
//!
//! Chime's binaries allocate with mimalloc (src-tauri/main.rs). It returns
//! freed pages to the OS only when the thread that freed them allocates
//! again after a delay, so a thread that built the calendar of 100,000
//! schedules and then sat idle kept 220 MB it no longer used: an app that
//! lives in the tray all day must not. Returning pages at once on every free
//! cost the burst about a sixth of its CPU, so it is done after the few
//! answers that are large.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// `mi_option_purge_delay` in mimalloc.h (libmimalloc-sys names no constant for it).
const PURGE_DELAY: mi_option_t = 15;

/// How long a freed page stays with the allocator before it goes back to
/// the OS. mimalloc's default, a second, let a burst of 10,000 attempts
/// (W1) peak at 64-67 MB; 50 ms, at 55-57 MB, with no CPU cost that shows
/// through the noise (4 ms cost the burst 7 %).
const PURGE_DELAY_MS: std::ffi::c_long = 50;

/// Sets the allocator's options: first thing in a binary's `main`.
pub fn configure() {
    // SAFETY: mi_option_set writes one option of the allocator's own table,
    // which it reads on each use; safe from any thread at any time.
    unsafe { mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
}

/// Frees this thread's empty pages and gives every freed page back now.
pub fn give_back() {
    // SAFETY: mi_collect only walks the allocator's own structures; it is
    // safe from any thread at any time, whichever allocator is global.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use libmimalloc_sys::mi_option_get;

    /// Option 15 is the purge delay: its default (a second, in mimalloc 3)
    /// until `configure` sets it. An update that renumbers the options fails here.
    #[test]
    fn configure_sets_the_purge_delay() {
        // SAFETY: reads one option of the allocator's table.
        let before = unsafe { mi_option_get(super::PURGE_DELAY) };
        assert_eq!(
            before, 1000,
            "option 15 holds mimalloc's default purge delay"
        );
        super::configure();
        let after = unsafe { mi_option_get(super::PURGE_DELAY) };
        assert_eq!(after, super::PURGE_DELAY_MS);
    }
}
