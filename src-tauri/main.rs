// Keeps a console window from opening beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// A burst of thousands of attempts allocates and frees in bursts across
/// threads; glibc's malloc spent a fifth of the burst's CPU there, mimalloc
/// a fraction of that (`cargo bench -p chime-engine --bench burst`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if let Err(e) = chime_app::main_entry() {
        eprintln!("chime: {e:#}");
        std::process::exit(1);
    }
}
