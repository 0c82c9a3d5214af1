//! The machine's own pauses, witnessed beside W2. This development machine
//! is a virtual one whose host now and then stops both its CPUs for 20–40
//! ms: a `perf sched` trace of 5 December shows each CPU idle, or one
//! thread "running", through such a gap while other threads wait to run,
//! and /proc/stat counts it as time stolen. Every process is late across
//! it. So a bare thread of the harness sleeps to each of W2's due instants
//! and notes how late it woke: what a job was late by beyond the witness at
//! its instant is Chime's, and the rest the machine's.

use std::thread::JoinHandle;
use std::time::Instant;

use crate::clock::signed_ms;

pub struct Witness {
    thread: JoinHandle<Vec<f64>>,
}

impl Witness {
    /// Wakes at each of `instants`, in order, on a thread of its own.
    pub fn start(instants: Vec<Instant>) -> Witness {
        let thread = std::thread::Builder::new()
            .name("witness".into())
            .spawn(move || instants.into_iter().map(wake_at).collect())
            .expect("the system gives the harness a thread");
        Witness { thread }
    }

    /// How late it woke at each instant, in ms.
    pub fn lateness(self) -> Vec<f64> {
        self.thread
            .join()
            .expect("the witness only sleeps and reads a clock")
    }
}

fn wake_at(due: Instant) -> f64 {
    if let Some(wait) = due.checked_duration_since(Instant::now()) {
        std::thread::sleep(wait);
    }
    signed_ms(Instant::now(), due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn wakes_at_each_instant_never_before() {
        let now = Instant::now();
        let instants = (1..=5)
            .map(|i| now + Duration::from_millis(10 * i))
            .collect();
        let lateness = Witness::start(instants).lateness();
        assert_eq!(lateness.len(), 5);
        assert!(lateness.iter().all(|&ms| ms >= 0.0), "{lateness:?}");
    }

    /// An instant already past is woken at once, as late as it is past.
    #[test]
    fn an_instant_already_past_counts_as_late() {
        let past = Instant::now() - Duration::from_millis(30);
        assert!(Witness::start(vec![past]).lateness()[0] >= 30.0);
    }
}
