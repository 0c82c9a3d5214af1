//! Chime is told when a job is due in wall time (RFC 3339) and promises to
//! send it at or after that instant on the wall clock, which it follows as
//! the clock is set or slewed. So the sink stamps arrivals on the wall
//! clock, and lateness is read there: on a monotonic twin of the due instant
//! a run taken while the wall clock was being moved (this machine's has
//! gained 5 ms a second for minutes on end) showed every job of a correct
//! Chime as early. The monotonic clock times what is not about a due
//! instant (waits, durations), and says how far the wall clock moved during
//! a run ([`Anchor::wall_moved_ms`]). An [`Anchor`] is one instant read on
//! both.

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

    /// Seconds from the anchor to `at` on the wall clock, for arrivals.
    pub fn wall_seconds_to(&self, at: DateTime<Utc>) -> f64 {
        wall_ms(at, self.wall) / 1e3
    }

    /// How far the wall clock has moved against the monotonic clock since
    /// the anchor, in ms (positive: it gained). Zero unless the clock was
    /// set or slewed; a run's timings are then on a clock that moved.
    pub fn wall_moved_ms(&self) -> f64 {
        self.wall_moved_by(Anchor::now())
    }

    /// To the microsecond: the two clocks of an anchor are read a fraction
    /// of one apart, which is not the clock moving (and `+ 0.0` prints the
    /// rounded -0.0 of that jitter as 0.0).
    fn wall_moved_by(&self, later: Anchor) -> f64 {
        let ms = wall_ms(later.wall, self.wall) - signed_ms(later.mono, self.mono);
        (ms * 1e3).round() / 1e3 + 0.0
    }
}

impl Due {
    /// As Chime's `scheduled_at` takes it.
    pub fn rfc3339(&self) -> String {
        self.wall.to_rfc3339_opts(SecondsFormat::Micros, true)
    }
}

/// `a - b` in milliseconds on the wall clock, negative when `a` came first.
pub fn wall_ms(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (a - b)
        .num_nanoseconds()
        .map_or(f64::NAN, |ns| ns as f64 / 1e6)
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
    fn wall_instants_differ_by_signed_milliseconds() {
        let anchor = Anchor::now();
        let due = anchor.after(Duration::from_millis(1500));
        let arrived = due.wall + TimeDelta::microseconds(250);
        assert_eq!(wall_ms(arrived, due.wall), 0.25);
        assert_eq!(
            wall_ms(due.wall - TimeDelta::milliseconds(20), due.wall),
            -20.0
        );
        assert!((anchor.wall_seconds_to(arrived) - 1.50025).abs() < 1e-12);
    }

    /// A wall clock that gained 5 ms in a second moved by 5 ms, whatever
    /// fractions of a millisecond the anchors dropped.
    #[test]
    fn a_wall_clock_that_gained_time_moved() {
        let (mono, wall) = (
            Instant::now(),
            "2026-12-04T09:20:00.000300Z".parse().unwrap(),
        );
        let anchor = Anchor::at(mono, wall);
        let second = Duration::from_secs(1);
        let kept = Anchor::at(mono + second, wall + TimeDelta::seconds(1));
        assert_eq!(anchor.wall_moved_by(kept), 0.0);
        let gained = Anchor::at(mono + second, wall + TimeDelta::microseconds(1_005_900));
        assert!((anchor.wall_moved_by(gained) - 5.9).abs() < 1e-9);
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
