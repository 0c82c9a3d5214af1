//! The tray: open the window, pause or resume everything (for good, for an
//! hour, or until tomorrow morning), see the next run and when a pause
//! ends, quit.

use std::sync::Arc;
use std::time::Duration;

use chime_engine::status::Status;
use chime_engine::Engine;
use chrono::{DateTime, Local, NaiveTime, TimeZone, Utc};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};
use tokio::sync::Notify;

use super::{window, Desktop};

/// The hour "until tomorrow" ends at, on the machine's clock.
const MORNING: u32 = 9;

pub fn create(app: &AppHandle, engine: Engine) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Chime", true, None::<&str>)?;
    let next = MenuItem::with_id(app, "next", "Next run: none", false, None::<&str>)?;
    let pause = MenuItem::with_id(app, "pause", "Pause all", true, None::<&str>)?;
    let hour = MenuItem::with_id(
        app,
        "pause-hour",
        "Pause all for 1 hour",
        true,
        None::<&str>,
    )?;
    let morning = MenuItem::with_id(
        app,
        "pause-morning",
        format!("Pause all until tomorrow {MORNING}:00"),
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
            &hour,
            &morning,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    let icon = tauri::image::Image::from_bytes(include_bytes!("../icons/tray.png"))?;
    // The refresh learns of a pause for a while at once, to wake when it ends.
    let refresh = Arc::new(Notify::new());
    let (menu_engine, pause_item, paused) = (engine.clone(), pause.clone(), refresh.clone());
    TrayIconBuilder::with_id("chime")
        .icon(icon)
        .tooltip("Chime")
        .menu(&menu)
        .on_menu_event(move |app, event| {
            let until = match event.id().as_ref() {
                "open" => return window::open(app),
                "quit" => return app.state::<Desktop>().stop.cancel(),
                "pause" => None,
                "pause-hour" => Some(Utc::now() + chrono::Duration::hours(1)),
                "pause-morning" => Some(tomorrow_at(MORNING, Local::now())),
                _ => return,
            };
            let pausing = until.is_some() || !menu_engine.is_paused();
            match until {
                Some(until) => menu_engine.pause_until(until),
                None => menu_engine.set_paused(pausing),
            }
            // The menu says so at once, not at the next refresh.
            let _ = pause_item.set_text(pause_label(pausing, until));
            paused.notify_one();
        })
        .build(app)?;
    tauri::async_runtime::spawn(keep_fresh(engine, next, pause, refresh));
    Ok(())
}

/// `hour`:00 on the day after `now`'s, in `now`'s zone, as an instant. On a
/// day whose clocks skip that hour, the first instant after the gap.
fn tomorrow_at<Z: TimeZone>(hour: u32, now: DateTime<Z>) -> DateTime<Utc> {
    let zone = now.timezone();
    let day = now.date_naive().succ_opt().unwrap_or(now.date_naive());
    let mut local = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
    loop {
        if let Some(t) = zone.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        local += chrono::Duration::minutes(15);
    }
}

/// "Pause all", or "Resume all" with when a pause ends by itself.
fn pause_label(paused: bool, until: Option<DateTime<Utc>>) -> String {
    match (paused, until) {
        (false, _) => "Pause all".into(),
        (true, None) => "Resume all".into(),
        (true, Some(until)) => format!("Resume all (paused until {})", local_time(until)),
    }
}

fn next_label(status: &Status) -> String {
    match &status.next_run {
        Some(run) => {
            let what = run.name.clone().unwrap_or_else(|| run.url.clone());
            let at = local_time(run.scheduled_at);
            format!("Next run: {at} · {}", shorten(&what, 40))
        }
        None => "Next run: none".into(),
    }
}

fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%a %H:%M").to_string()
}

/// Rewrites "Next run" whenever jobs change (at most once a second), and the
/// pause item when pausing happens here or elsewhere (the API), and when a
/// pause for a while ends.
async fn keep_fresh(
    engine: Engine,
    next: MenuItem<tauri::Wry>,
    pause: MenuItem<tauri::Wry>,
    clicked: Arc<Notify>,
) {
    let mut events = engine.subscribe();
    loop {
        let mut wait = Duration::from_secs(30);
        match engine.status().await {
            Ok(status) => {
                let _ = next.set_text(next_label(&status));
                let _ = pause.set_text(pause_label(status.paused, status.paused_until));
                if let Some(until) = status.paused_until.filter(|_| status.paused) {
                    // Just after the engine resumes, so the label says it has.
                    let left = (until - Utc::now()).to_std().unwrap_or_default();
                    wait = wait.min(left + Duration::from_millis(500));
                }
            }
            Err(e) => {
                let _ = next.set_text(format!("Next run: unknown ({e})"));
            }
        }
        tokio::select! {
            _ = events.recv() => tokio::time::sleep(Duration::from_secs(1)).await,
            _ = clicked.notified() => {}
            _ = tokio::time::sleep(wait) => {}
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Berlin;

    fn berlin(text: &str) -> DateTime<chrono_tz::Tz> {
        let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
        Berlin.from_local_datetime(&naive).earliest().unwrap()
    }

    #[test]
    fn tomorrow_morning_is_the_next_days_nine_on_the_local_clock() {
        let at = |now: &str| tomorrow_at(9, berlin(now)).with_timezone(&Berlin);
        assert_eq!(at("2026-11-29 22:30"), berlin("2026-11-30 09:00"));
        // Past midnight, "tomorrow" is still the next calendar day.
        assert_eq!(at("2026-11-30 00:30"), berlin("2026-12-01 09:00"));
        // Across the spring change the night is an hour shorter, 9:00 stays 9:00.
        assert_eq!(at("2026-03-28 21:00"), berlin("2026-03-29 09:00"));
        // An hour the clocks skip moves to the first one after the gap.
        assert_eq!(
            tomorrow_at(2, berlin("2026-03-28 21:00")),
            berlin("2026-03-29 03:00")
        );
    }

    #[test]
    fn the_pause_item_says_when_a_pause_ends() {
        let until = berlin("2026-11-30 09:00").with_timezone(&Utc);
        assert_eq!(pause_label(false, None), "Pause all");
        assert_eq!(pause_label(true, None), "Resume all");
        assert_eq!(
            pause_label(true, Some(until)),
            format!("Resume all (paused until {})", local_time(until))
        );
    }
}
