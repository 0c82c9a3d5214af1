//! `chime serve` and the command line are lean: a process that serves or
//! lists jobs must never load GTK or WebKit (only `chime-app` does; the end
//! to end test of the window cycle checks that one does map them).

mod support;

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use support::{cli_command, gui_libraries, Chime};

#[tokio::test]
async fn chime_serve_maps_no_gui_library() {
    let chime = Chime::start(&[]).await;
    let (status, _) = chime.get("/api/status").await;
    assert_eq!(status, 200, "serve is up and answering");
    assert_eq!(gui_libraries(chime.pid()), Vec::<String>::new());
}

#[tokio::test]
async fn a_cli_verb_maps_no_gui_library() {
    let chime = Chime::start(&[]).await;
    // `logs --follow` stays running: its maps are read once it has connected.
    let mut follower = cli_command(&chime.dir)
        .args(["logs", "--follow"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chime logs --follow starts");
    let mut stderr = BufReader::new(follower.stderr.take().unwrap()).lines();
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = stderr.next_line().await.unwrap() {
            if line.contains("Following") {
                return;
            }
        }
        panic!("chime logs --follow ended before following");
    })
    .await
    .expect("chime logs --follow connects within 30 s");
    let pid = follower.id().expect("still running") as i32;
    assert_eq!(gui_libraries(pid), Vec::<String>::new());
    follower.kill().await.unwrap();
}
