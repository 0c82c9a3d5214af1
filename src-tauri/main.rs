// Keeps a console window from opening beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = chime_app::main_entry() {
        eprintln!("chime: {e:#}");
        std::process::exit(1);
    }
}
