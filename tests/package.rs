//! The .deb as a user gets it: installed with dpkg, used from PATH, removed
//! without a trace but the user's data. It changes the system, so it is
//! ignored by default: `make test` runs it (`make test-dist`, as root where
//! dpkg is) with CHIME_DEB naming the package it has just bundled.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use support::Chime;

/// Runs `program args`, panicking with its output unless it succeeds.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Where PATH finds `name`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|file| file.is_file())
}

/// The files (not folders) the installed package `name` owns.
fn owned_files(name: &str) -> Vec<PathBuf> {
    run("dpkg", &["-L", name])
        .lines()
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .collect()
}

fn installed(name: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", name])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

#[tokio::test]
#[ignore = "installs a package system-wide: `make test-dist` runs it"]
async fn the_deb_puts_chime_on_path_and_leaves_only_the_data_when_removed() {
    let deb = std::env::var("CHIME_DEB").expect("CHIME_DEB names the .deb to test");
    let name = run("dpkg-deb", &["-f", &deb, "Package"]).trim().to_string();
    assert!(
        !installed(&name),
        "{name} is installed already; the test would remove it"
    );
    run("dpkg", &["-i", &deb]);
    let files = owned_files(&name);

    let chime = on_path("chime").expect("chime on PATH");
    assert!(
        files.contains(&chime),
        "PATH finds the package's chime: {chime:?}"
    );
    let version = run("chime", &["--version"]);
    assert_eq!(
        version.trim(),
        format!("chime {}", env!("CARGO_PKG_VERSION"))
    );
    let data = tempfile::tempdir().unwrap();
    let served = Chime::start_program("chime", data.path(), &[]).await;
    served
        .post(
            "/api/jobs",
            json!({"url": "https://example.com/hook", "name": "installed", "schedule_in": "1 hour"}),
        )
        .await;
    let data_dir = data.path().to_str().unwrap();
    let listed = run("chime", &["jobs", "list", "--data-dir", data_dir]);
    assert!(listed.contains("installed"), "{listed}");
    served.terminate().await;

    check_desktop_entry(&files);
    let man = Path::new("/usr/share/man/man1/chime.1.gz");
    assert!(files.iter().any(|f| f == man), "a man page in {files:?}");
    let page = run("zcat", &[man.to_str().unwrap()]);
    assert!(page.contains(".TH chime"), "{page}");
    for completion in [
        "/usr/share/bash-completion/completions/chime",
        "/usr/share/zsh/vendor-completions/_chime",
        "/usr/share/fish/vendor_completions.d/chime.fish",
    ] {
        assert!(
            files.iter().any(|f| f == Path::new(completion)),
            "{completion}"
        );
    }

    run("dpkg", &["--purge", &name]);
    assert!(!installed(&name));
    let left: Vec<_> = files.iter().filter(|f| f.exists()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(
        data.path().join("chime.db").is_file(),
        "the user's data stays"
    );
}

/// A desktop entry that starts a program the package installed, and its icons.
fn check_desktop_entry(files: &[PathBuf]) {
    let entry = files
        .iter()
        .find(|f| {
            f.starts_with("/usr/share/applications") && f.extension() == Some("desktop".as_ref())
        })
        .expect("a desktop entry");
    let text = std::fs::read_to_string(entry).unwrap();
    let exec = text
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .and_then(|e| e.split_whitespace().next())
        .unwrap_or_else(|| panic!("no Exec in {text}"));
    let program = on_path(exec).unwrap_or_else(|| PathBuf::from(exec));
    assert!(
        files.contains(&program),
        "Exec={exec} is the package's: {text}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("/usr/share/icons/hicolor")),
        "icons in {files:?}"
    );
}
