//! A schedule's runs as its quiet hours leave them (SPEC 7.4), as the
//! engine makes them (lifecycle::limits): none inside them; with `defer`,
//! one when they end for all the rule's runs due inside, which is the
//! rule's own run when one falls on that end.

use chrono::{DateTime, Duration, Utc};

use crate::limits::{QuietAction, QuietHours};
use crate::rule::Rule;

/// A rule's runs, with the quiet hours of its schedule applied, if any.
#[derive(Clone, Copy)]
pub(super) struct Runs<'a> {
    pub rule: &'a Rule,
    pub quiet: Option<&'a QuietHours>,
}

impl Runs<'_> {
    /// The first run strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
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

    /// The last run strictly before `t`.
    pub fn last_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
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

    /// How many runs fall in [a, b): the rule's outside the quiet hours, and
    /// (deferred) one at the end of each that held some.
    pub fn count(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> usize {
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

    /// Counting, walking forward and walking back agree, day by day, across
    /// a clock change inside the quiet hours and on both sides of midnight.
    #[test]
    fn counting_agrees_with_walking_both_ways() {
        let start = Utc.with_ymd_and_hms(2026, 3, 25, 0, 0, 0).unwrap();
        let zone: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        let rules = [
            crate::rule::every(Duration::minutes(25), start + Duration::minutes(3)).unwrap(),
            crate::rule::cron("*/20 * * * *", zone).unwrap(),
        ];
        let windows = [("23:15", "05:40"), ("01:30", "03:10"), ("09:00", "09:05")];
        for rule in &rules {
            for (from, to) in windows {
                for action in [QuietAction::Skip, QuietAction::Defer] {
                    let quiet = quiet(from, to, "Europe/Berlin", action);
                    let runs = Runs {
                        rule,
                        quiet: Some(&quiet),
                    };
                    let mut walked = Vec::new();
                    let mut t = start - Duration::milliseconds(1);
                    while let Some(next) = runs
                        .next_after(t)
                        .filter(|n| *n < start + Duration::days(10))
                    {
                        assert!(quiet.window_at(next).is_none(), "{next} is quiet");
                        walked.push(next);
                        t = next;
                    }
                    for pair in walked.windows(2) {
                        assert_eq!(
                            runs.last_before(pair[1]),
                            Some(pair[0]),
                            "{from}-{to} {action:?}"
                        );
                    }
                    for day in 0..10 {
                        let (a, b) = (start + Duration::days(day), start + Duration::days(day + 1));
                        let on_day = walked.iter().filter(|t| (a..b).contains(*t)).count();
                        assert_eq!(runs.count(a, b), on_day, "{from}-{to} {action:?} day {day}");
                    }
                }
            }
        }
    }
}
