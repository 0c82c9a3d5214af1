use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // The app crate lives at the repository's root; its capabilities and its
    // one command are declared here, so the window may call nothing else.
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&["api"]));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
    embed_ui_for_browsers();
}

/// `chime serve` serves the built UI to browsers without linking Tauri, so it
/// cannot take the files from Tauri's context: it includes them itself, as
/// the list `$OUT_DIR/ui_files.rs` of (path, bytes).
fn embed_ui_for_browsers() {
    let dist = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("ui/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    collect(&dist, &mut files);
    files.sort();
    let mut list = String::from("&[\n");
    for file in &files {
        let path = file.strip_prefix(&dist).unwrap().to_string_lossy();
        println!("cargo:rerun-if-changed={}", file.display());
        writeln!(
            list,
            "    ({:?}, include_bytes!({:?})),",
            format!("/{path}"),
            file
        )
        .unwrap();
    }
    list.push(']');
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("ui_files.rs");
    std::fs::write(out, list).unwrap();
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): build the UI first (`make ui`)",
            dir.display()
        )
    });
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
