//! The tray: open the window, pause or resume everything, see the next run, quit.

use chime_engine::Engine;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use super::{window, Desktop};

pub fn create(app: &AppHandle, engine: Engine) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Chime", true, None::<&str>)?;
    let next = MenuItem::with_id(app, "next", "Next run: none", false, None::<&str>)?;
    let pause = MenuItem::with_id(
        app,
        "pause",
        pause_label(engine.is_paused()),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", "Quit Chime", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &open,
            &PredefinedMenuItem::separator(app)?,
            &next,
            &pause,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    let icon = tauri::image::Image::from_bytes(include_bytes!("../icons/tray.png"))?;
    let pause_item = pause.clone();
    let menu_engine = engine.clone();
    TrayIconBuilder::with_id("chime")
        .icon(icon)
        .tooltip("Chime")
        .menu(&menu)
        .on_menu_event(move |app, event| match event.id().as_ref() {
            "open" => window::open(app),
            "pause" => {
                let paused = !menu_engine.is_paused();
                menu_engine.set_paused(paused);
                let _ = pause_item.set_text(pause_label(paused));
            }
            "quit" => app.state::<Desktop>().stop.cancel(),
            _ => {}
        })
        .build(app)?;
    tauri::async_runtime::spawn(keep_next_run_fresh(engine, next, pause));
    Ok(())
}

fn pause_label(paused: bool) -> &'static str {
    if paused {
        "Resume all"
    } else {
        "Pause all"
    }
}

/// Rewrites "Next run" whenever jobs change (at most once a second), and
/// the pause item when pausing happens elsewhere (the API).
async fn keep_next_run_fresh(
    engine: Engine,
    next: MenuItem<tauri::Wry>,
    pause: MenuItem<tauri::Wry>,
) {
    let mut events = engine.subscribe();
    loop {
        let label = match engine.next_run().await {
            Ok(Some(job)) => {
                let at = job
                    .scheduled_at
                    .with_timezone(&chrono::Local)
                    .format("%a %H:%M");
                let what = job.name.unwrap_or_else(|| job.request.url.clone());
                format!("Next run: {at} · {}", shorten(&what, 40))
            }
            Ok(None) => "Next run: none".to_string(),
            Err(e) => format!("Next run: unknown ({e})"),
        };
        let _ = next.set_text(label);
        let _ = pause.set_text(pause_label(engine.is_paused()));
        tokio::select! {
            _ = events.recv() => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
            _ = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
        }
        // Take what queued up while sleeping: one refresh covers them all.
        while events.try_recv().is_ok() {}
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{kept}…")
}
