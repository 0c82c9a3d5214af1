//! `chime`: the command line and `chime serve`, with no GUI libraries; with
//! no arguments it starts the desktop app (`chime-app`).

/// A burst of thousands of attempts allocates and frees in bursts across
/// threads; glibc's malloc spent a fifth of the burst's CPU there, mimalloc
/// a fraction of that (`cargo bench -p chime-engine --bench burst`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    chime_engine::memory::configure();
    if let Err(e) = chime::main_entry() {
        eprintln!("chime: {e:#}");
        std::process::exit(1);
    }
}
