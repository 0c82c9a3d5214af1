//! Memory a large answer used, given back to the OS once it is built.
//!
//! Chime's binaries allocate with mimalloc (src-tauri/main.rs). It returns
//! freed pages to the OS only when the thread that freed them allocates
//! again after a delay, so a thread that built the calendar of 100,000
//! schedules and then sat idle kept 220 MB it no longer used: an app that
//! lives in the tray all day must not. Returning pages at once on every free
//! cost the burst about a sixth of its CPU, so it is done after the few
//! answers that are large.

/// Frees this thread's empty pages and gives every freed page back now.
pub fn give_back() {
    // SAFETY: mi_collect only walks the allocator's own structures; it is
    // safe from any thread at any time, whichever allocator is global.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
