//! What reached the sink, checked: every job once, none early. One-off
//! jobs carry their number in the body (`{"n": 17}`); a schedule's runs
//! carry `$job` (their id and due instant), which Chime puts in the body.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::clock::{wall_ms, Anchor};
use crate::sink::Arrival;

#[derive(Deserialize)]
struct Body {
    n: Option<usize>,
    #[serde(rename = "$job")]
    job: Option<RunInfo>,
}

#[derive(Deserialize)]
struct RunInfo {
    id: String,
    scheduled_at: DateTime<Utc>,
    attempt: u32,
}

fn body(arrival: &Arrival) -> Option<Body> {
    serde_json::from_slice(&arrival.body).ok()
}

/// Jobs 0..n's deliveries.
#[derive(Debug)]
pub struct Deliveries {
    /// Each job's first arrival.
    pub first: Vec<Option<DateTime<Utc>>>,
    /// Jobs that arrived more than once.
    pub twice: usize,
}

impl Deliveries {
    pub fn of(arrivals: &[Arrival], n: usize) -> Deliveries {
        let mut seen = vec![0usize; n];
        let mut first = vec![None; n];
        for arrival in arrivals {
            // A request naming no job is no job's delivery: it counts nowhere.
            if let Some(i) = body(arrival).and_then(|b| b.n).filter(|&i| i < n) {
                seen[i] += 1;
                first[i] = Some(first[i].map_or(arrival.at, |f: DateTime<Utc>| f.min(arrival.at)));
            }
        }
        let twice = seen.iter().filter(|&&c| c > 1).count();
        Deliveries { first, twice }
    }

    pub fn lost(&self) -> usize {
        self.first.iter().filter(|f| f.is_none()).count()
    }

    /// The last job's first arrival.
    pub fn last(&self) -> Option<DateTime<Utc>> {
        self.first.iter().flatten().max().copied()
    }

    /// Each delivered job's lateness in ms (negative: early), given job i's
    /// due instant.
    pub fn lateness_ms(&self, due: impl Fn(usize) -> DateTime<Utc>) -> Vec<f64> {
        self.lateness_by_job(due)
            .into_iter()
            .map(|(_, ms)| ms)
            .collect()
    }

    /// Each delivered job's number and lateness in ms.
    pub fn lateness_by_job(&self, due: impl Fn(usize) -> DateTime<Utc>) -> Vec<(usize, f64)> {
        self.first
            .iter()
            .enumerate()
            .filter_map(|(i, at)| Some((i, wall_ms((*at)?, due(i)))))
            .collect()
    }
}

/// A schedule's runs that reached the sink: how many, how many came before
/// their due instant, and how many twice (with a few of those described).
#[derive(Debug, Default)]
pub struct Runs {
    pub runs: usize,
    pub early: usize,
    pub twice: usize,
    /// Up to five runs sent twice: their job, and each arrival's attempt
    /// number and time after the anchor.
    pub twice_examples: Vec<String>,
}

/// A run's arrival: its attempt number, and when it came.
type Seen = (u32, DateTime<Utc>);

pub fn schedule_runs(arrivals: &[Arrival], anchor: &Anchor) -> Runs {
    let mut per_job: HashMap<String, Vec<Seen>> = HashMap::new();
    let mut early = 0;
    for arrival in arrivals {
        let Some(run) = body(arrival).and_then(|b| b.job) else {
            continue;
        };
        if arrival.at < run.scheduled_at {
            early += 1;
        }
        per_job
            .entry(run.id)
            .or_default()
            .push((run.attempt, arrival.at));
    }
    let twice: Vec<(&String, &Vec<Seen>)> =
        per_job.iter().filter(|(_, seen)| seen.len() > 1).collect();
    Runs {
        runs: per_job.len(),
        early,
        twice: twice.len(),
        twice_examples: twice
            .iter()
            .take(5)
            .map(|(id, seen)| describe(id, seen, anchor))
            .collect(),
    }
}

fn describe(id: &str, seen: &[Seen], anchor: &Anchor) -> String {
    let arrivals: Vec<String> = seen
        .iter()
        .map(|(attempt, at)| format!("attempt {attempt} at +{:.3} s", anchor.wall_seconds_to(*at)))
        .collect();
    format!("job {id}: {}", arrivals.join(", "))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::TimeDelta;

    use super::*;

    fn arrival(at: DateTime<Utc>, body: &str) -> Arrival {
        Arrival {
            at,
            body: body.to_owned().into(),
        }
    }

    #[test]
    fn counts_lost_twice_and_early_jobs() {
        let t = Utc::now();
        let ms = |m| t + TimeDelta::milliseconds(m);
        let arrivals = [
            arrival(ms(5), r#"{"n":0}"#),
            arrival(ms(9), r#"{"n":2}"#),
            arrival(ms(7), r#"{"n":2}"#),
            arrival(ms(1), "not json"),
        ];
        let d = Deliveries::of(&arrivals, 4);
        assert_eq!((d.lost(), d.twice), (2, 1));
        assert_eq!(d.last(), Some(ms(7)));
        assert_eq!(d.lateness_ms(|_| ms(6)), vec![-1.0, 1.0]);
        assert_eq!(
            d.lateness_by_job(|i| ms(i as i64)),
            vec![(0, 5.0), (2, 5.0)]
        );
    }

    #[test]
    fn checks_a_schedules_runs_by_their_job() {
        let anchor = Anchor::now();
        let due = anchor.after(Duration::from_secs(1));
        let run = |id: &str| {
            format!(
                r#"{{"$job": {{"id": "{id}", "attempt": 1, "scheduled_at": "{}"}}}}"#,
                due.rfc3339()
            )
        };
        let arrivals = [
            arrival(due.wall + TimeDelta::milliseconds(2), &run("a")),
            arrival(due.wall - TimeDelta::milliseconds(1), &run("b")),
            arrival(due.wall + TimeDelta::milliseconds(3), &run("a")),
            arrival(due.wall, r#"{"n":1}"#),
        ];
        let runs = schedule_runs(&arrivals, &anchor);
        assert_eq!((runs.runs, runs.early, runs.twice), (2, 1, 1));
        assert_eq!(
            runs.twice_examples,
            ["job a: attempt 1 at +1.002 s, attempt 1 at +1.003 s"]
        );
    }
}
