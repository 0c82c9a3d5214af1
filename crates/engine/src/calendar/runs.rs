//! A schedule's runs as the engine makes them: its rule's, from its pending
//! job on, with its quiet hours applied (SPEC 7.4, as lifecycle::limits keeps
//! them): none inside them; with `defer`, one when they end for all the
//! rule's runs due inside, which is the rule's own run when one falls on that
//! end. A pending job moved off the rule's times is a run of its own, and the
//! rule's runs follow it (the engine plans the next from the time it ran).

use chrono::{DateTime, Duration, Utc};

use crate::limits::{QuietAction, QuietHours};
use crate::rule::Rule;

/// A schedule's runs: its rule's, after a moved pending job, with the quiet
/// hours of its schedule applied, if any.
#[derive(Clone, Copy)]
pub(super) struct Runs<'a> {
    pub rule: &'a Rule,
    pub quiet: Option<&'a QuietHours>,
    /// The pending job's time, moved off the rule's: the first run, so there
    /// is none before it.
    pub moved: Option<DateTime<Utc>>,
}

impl Runs<'_> {
    /// The first run strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.moved {
            Some(moved) if moved > t => Some(moved),
            _ => self.kept_after(t),
        }
    }

    /// The last run strictly before `t`.
    pub fn last_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let last = self.kept_before(t);
        match self.moved {
            None => last,
            Some(moved) if moved < t => Some(last.filter(|l| *l > moved).unwrap_or(moved)),
            Some(_) => None,
        }
    }

    /// How many runs fall in [a, b).
    pub fn count(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> usize {
        let Some(moved) = self.moved else {
            return self.kept(a, b);
        };
        let after = a.max(moved + Duration::milliseconds(1));
        let rule_runs = if after < b { self.kept(after, b) } else { 0 };
        usize::from((a..b).contains(&moved)) + rule_runs
    }

    /// The rule's first run strictly after `t` that the quiet hours keep.
    fn kept_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let Some(quiet) = self.quiet else {
            return self.rule.next_after(t);
        };
        // Inside quiet hours that held a run, the next is at their end.
        if let Some((start, end)) = quiet.window_at(t) {
            if quiet.action == QuietAction::Defer && self.due_in((start, end)) {
                return Some(end);
            }
        }
        let mut t = t;
        loop {
            let next = self.rule.next_after(t)?;
            let Some((start, end)) = quiet.window_at(next) else {
                return Some(next);
            };
            if quiet.action == QuietAction::Defer && self.due_in((start, end)) {
                return Some(end);
            }
            t = end - Duration::milliseconds(1);
        }
    }

    /// The rule's last run strictly before `t` that the quiet hours keep.
    fn kept_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let Some(quiet) = self.quiet else {
            return self.rule.last_before(t);
        };
        let mut t = t;
        loop {
            let last = self.rule.last_before(t)?;
            let Some((start, end)) = quiet.window_at(last) else {
                return Some(last);
            };
            if quiet.action == QuietAction::Defer && end < t {
                return Some(end);
            }
            t = start;
        }
    }

    /// How many of the rule's runs the quiet hours keep in [a, b): the
    /// rule's outside them, and (deferred) one at the end of each that held
    /// some.
    fn kept(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> usize {
        let Some(quiet) = self.quiet else {
            return self.count_rule(a, b);
        };
        let mut count = 0;
        let mut t = a;
        let mut window = quiet.window_from(a);
        while t < b {
            let Some((start, end)) = window.filter(|(start, _)| *start < b) else {
                count += self.count_rule(t, b);
                break;
            };
            count += self.count_rule(t, start.max(t));
            // A rule's run at the end is outside them, and counted next.
            let deferred = quiet.action == QuietAction::Defer
                && (a..b).contains(&end)
                && self.rule.next_after(end - Duration::milliseconds(1)) != Some(end)
                && self.due_in((start, end));
            count += usize::from(deferred);
            t = end.max(t);
            window = quiet.window_from(end);
        }
        count
    }

    fn count_rule(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> usize {
        (self.rule.count_by_pattern(a, b)).unwrap_or_else(|| self.rule.count_between(a, b))
    }

    /// Whether the rule has a run in [start, end).
    fn due_in(&self, (start, end): (DateTime<Utc>, DateTime<Utc>)) -> bool {
        (self.rule.next_after(start - Duration::milliseconds(1))).is_some_and(|t| t < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn quiet(from: &str, to: &str, zone: &str, action: QuietAction) -> QuietHours {
        QuietHours {
            from: from.into(),
            to: to.into(),
            timezone: zone.into(),
            action,
        }
    }

    /// Walks `runs` over ten days from `start`, and checks that walking
    /// back and counting each day agree with it; answers the runs walked.
    fn walk_and_agree(runs: &Runs, start: DateTime<Utc>, what: &str) -> Vec<DateTime<Utc>> {
        let mut walked = Vec::new();
        let mut t = start - Duration::milliseconds(1);
        while let Some(next) = runs
            .next_after(t)
            .filter(|n| *n < start + Duration::days(10))
        {
            walked.push(next);
            t = next;
        }
        for pair in walked.windows(2) {
            assert_eq!(runs.last_before(pair[1]), Some(pair[0]), "{what}");
        }
        for day in 0..10 {
            let (a, b) = (start + Duration::days(day), start + Duration::days(day + 1));
            let on_day = walked.iter().filter(|t| (a..b).contains(*t)).count();
            assert_eq!(runs.count(a, b), on_day, "{what} day {day}");
        }
        walked
    }

    fn rules(start: DateTime<Utc>, zone: chrono_tz::Tz) -> [Rule; 2] {
        [
            crate::rule::every(Duration::minutes(25), start + Duration::minutes(3)).unwrap(),
            crate::rule::cron("*/20 * * * *", zone).unwrap(),
        ]
    }

    /// Counting, walking forward and walking back agree, day by day, across
    /// a clock change inside the quiet hours and on both sides of midnight.
    #[test]
    fn counting_agrees_with_walking_both_ways() {
        let start = Utc.with_ymd_and_hms(2026, 3, 25, 0, 0, 0).unwrap();
        let zone: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        let windows = [("23:15", "05:40"), ("01:30", "03:10"), ("09:00", "09:05")];
        for rule in &rules(start, zone) {
            for (from, to) in windows {
                for action in [QuietAction::Skip, QuietAction::Defer] {
                    let quiet = quiet(from, to, "Europe/Berlin", action);
                    let runs = Runs {
                        rule,
                        quiet: Some(&quiet),
                        moved: None,
                    };
                    let walked = walk_and_agree(&runs, start, &format!("{from}-{to} {action:?}"));
                    for t in walked {
                        assert!(quiet.window_at(t).is_none(), "{t} is quiet");
                    }
                }
            }
        }
    }

    /// A moved pending job is the first run, the rule's after it follow, and
    /// none of the rule's before it is a run; counting and walking agree.
    #[test]
    fn a_moved_run_comes_first_and_the_rules_follow() {
        let start = Utc.with_ymd_and_hms(2026, 3, 25, 0, 0, 0).unwrap();
        let zone: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        let moved = start + Duration::minutes(7 * 60 + 11);
        for rule in &rules(start, zone) {
            let runs = Runs {
                rule,
                quiet: None,
                moved: Some(moved),
            };
            let walked = walk_and_agree(&runs, start, "moved");
            assert_eq!(walked[0], moved);
            assert_eq!(Some(walked[1]), rule.next_after(moved));
            assert_eq!(runs.last_before(moved), None, "nothing before it");
            assert_eq!(runs.count(start, moved), 0);
        }
    }
}
