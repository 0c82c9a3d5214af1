//! Chime is told when a job is due in wall time (RFC 3339); the sink stamps
//! arrivals on the monotonic clock, which no clock step can move during a
//! run. An [`Anchor`] is one instant read on both, so every due instant has
//! a monotonic twin to compare arrivals with.

use std::time::{Duration, Instant};

use chrono::{DateTime, DurationRound, SecondsFormat, TimeDelta, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Anchor {
    wall: DateTime<Utc>,
    mono: Instant,
}

/// An instant on both clocks.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    pub wall: DateTime<Utc>,
    pub mono: Instant,
}

impl Anchor {
    pub fn now() -> Anchor {
        // The monotonic clock first: the twin is then, if anything, a few
        // nanoseconds early, which can only make a job look later.
        Anchor::at(Instant::now(), Utc::now())
    }

    /// The anchor for one instant read as `mono` and `wall`, moved back to
    /// the last whole millisecond. Chime keeps milliseconds: asked for
    /// 00:00:00.000900 it answers, and runs the job at, 00:00:00.000. Due
    /// instants in whole milliseconds are kept exactly, so an arrival before
    /// one is early.
    fn at(mono: Instant, wall: DateTime<Utc>) -> Anchor {
        let whole = wall
            .duration_trunc(TimeDelta::milliseconds(1))
            .expect("the clock is within chrono's range");
        // Both clocks move back by the dropped fraction, or every due
        // instant's twin would be up to 1 ms late, and jobs look early.
        let dropped = (wall - whole).to_std().unwrap_or_default();
        Anchor {
            wall: whole,
            mono: mono - dropped,
        }
    }

    /// The instant `offset` (in whole milliseconds) after the anchor.
    pub fn after(&self, offset: Duration) -> Due {
        let offset = Duration::from_millis(offset.as_millis() as u64);
        Due {
            wall: self.wall + offset,
            mono: self.mono + offset,
        }
    }

    /// Seconds from the anchor to `at`, for progress lines.
    pub fn seconds_to(&self, at: Instant) -> f64 {
        signed_ms(at, self.mono) / 1e3
    }

    /// A wall instant (one Chime reports) on the monotonic clock.
    pub fn mono_of(&self, wall: DateTime<Utc>) -> Option<Instant> {
        let delta = wall - self.wall;
        match delta.to_std() {
            Ok(ahead) => self.mono.checked_add(ahead),
            Err(_) => self.mono.checked_sub((-delta).to_std().ok()?),
        }
    }
}

impl Due {
    /// As Chime's `scheduled_at` takes it.
    pub fn rfc3339(&self) -> String {
        self.wall.to_rfc3339_opts(SecondsFormat::Micros, true)
    }
}

/// `a - b` in milliseconds, negative when `a` came first.
pub fn signed_ms(a: Instant, b: Instant) -> f64 {
    match a.checked_duration_since(b) {
        Some(after) => after.as_secs_f64() * 1e3,
        None => -(b - a).as_secs_f64() * 1e3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_instant_maps_back_to_its_monotonic_twin() {
        let anchor = Anchor::now();
        let due = anchor.after(Duration::from_millis(1500));
        assert_eq!(anchor.mono_of(due.wall), Some(due.mono));
        let before = anchor
            .mono_of(anchor.wall - TimeDelta::milliseconds(20))
            .unwrap();
        assert_eq!(signed_ms(before, anchor.mono), -20.0);
    }

    #[test]
    fn the_anchor_moves_both_clocks_back_to_the_whole_millisecond() {
        let mono = Instant::now();
        let wall = "2026-12-01T17:00:00.000700Z".parse().unwrap();
        let anchor = Anchor::at(mono, wall);
        assert_eq!(
            anchor.wall,
            "2026-12-01T17:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(anchor.mono, mono - Duration::from_micros(700));
    }

    #[test]
    fn due_instants_are_whole_milliseconds_in_utc() {
        let due = Anchor::now().after(Duration::from_micros(10_400)).rfc3339();
        assert!(due.ends_with("000Z") && due.len() == "2026-01-01T00:00:00.000000Z".len());
    }
}
