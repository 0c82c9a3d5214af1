//! What the workers share: the store, the clock, the HTTP client, the
//! settings in force, the live event bus, and the signals between them.
//! The scheduler, the recorder, the deliveries, retention and the search
//! index's upkeep each hold an `Arc<Core>`; the `Engine` facade is one more
//! holder.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use tokio::sync::{mpsc, watch, Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::SharedClock;
use crate::dispatch::Dispatcher;
use crate::draft::Policy;
use crate::error::Result;
use crate::event::EventBus;
use crate::lifecycle::runs::{AttemptEnd, Record};
use crate::lifecycle::schedules::Circumstances;
use crate::sending::Sending;
use crate::settings::Settings;
use crate::store::{Committed, Store, Tx};

pub struct Core {
    pub store: Store,
    pub clock: SharedClock,
    pub bus: EventBus,
    /// Wakes the scheduler when jobs change.
    pub wake: Notify,
    /// A job due before this instant (ms) needs the scheduler woken: it
    /// sleeps until just before it (`CLAIM_AHEAD`). `i64::MAX` while it is
    /// reading what is due next, so that every write then wakes it.
    pub wake_before: AtomicI64,
    /// Wakes the delivery sender when webhooks or callbacks are written.
    pub deliveries_wake: Notify,
    /// Told when a commit made jobs, and when any commit logged events,
    /// for the search index's upkeep (the `indexing` worker): it waits for
    /// the one, and for a quiet moment of the other.
    pub jobs_made: Arc<Notify>,
    pub committed: Arc<Notify>,
    pub dispatcher: RwLock<Dispatcher>,
    /// The settings in force. A watch, so the desktop shell (launch at
    /// login) hears of every change, and of the stored ones at start.
    pub settings: watch::Sender<Settings>,
    /// "Pause all": due jobs wait until resumed.
    pub paused: watch::Sender<bool>,
    /// When a "pause all" for a while ends by itself.
    pub paused_until: Mutex<Option<DateTime<Utc>>>,
    /// When this engine started, and when it was paused since: why runs
    /// were late, for the ledger.
    pub circumstances: Mutex<Circumstances>,
    /// `--allow-http`: plain http for this run, whatever the setting says.
    pub allow_http_flag: bool,
    /// `--ca-cert` files, trusted beside the setting's.
    pub ca_certs: Vec<PathBuf>,
    /// Jobs claimed and not yet finished: up to twice `max_in_flight`, so
    /// dispatch has work queued while a claim waits for the writer.
    pub claimed: Arc<Semaphore>,
    /// Requests on the wire at once, in all and to each host.
    pub sending: Sending,
    pub claim_budget: usize,
    /// The current burst of catch-up runs (see the scheduler's stagger).
    pub stagger: Mutex<Option<Burst>>,
    pub records: Mutex<Option<mpsc::UnboundedSender<Record>>>,
    pub stop: CancellationToken,
    /// Each attempt on its way, by job seq: a run that replaces it
    /// (overlap `replace`) cancels it.
    pub inflight: Mutex<std::collections::HashMap<i64, CancellationToken>>,
    pub attempts: TaskTracker,
    pub background: TaskTracker,
    pub shutdown_grace: Duration,
}

/// A burst of catch-up runs: when its first goes out, and its last.
#[derive(Debug, Clone, Copy)]
pub struct Burst {
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

impl Core {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn settings(&self) -> Settings {
        self.settings.borrow().clone()
    }

    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// When a "pause all" for a while ends by itself.
    pub fn paused_until(&self) -> Option<DateTime<Utc>> {
        *self.paused_until.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Pauses all dispatch until `until` (none: until resumed), or resumes
    /// it, and remembers when, for the ledger.
    pub fn set_paused(&self, paused: bool, until: Option<DateTime<Utc>>) {
        *self.paused_until.lock().unwrap_or_else(|e| e.into_inner()) = until.filter(|_| paused);
        let now = self.now();
        {
            let mut c = self.circumstances.lock().unwrap_or_else(|e| e.into_inner());
            match (paused, c.paused.last_mut()) {
                (true, Some((_, None))) => {}
                (true, _) => c.paused.push((now, None)),
                (false, Some((_, until @ None))) => *until = Some(now),
                (false, _) => {}
            }
        }
        self.paused.send_replace(paused);
        self.wake.notify_one();
    }

    /// Cancels the attempts of these jobs, if they are still on their way.
    pub fn cancel_attempts(&self, seqs: &[i64]) {
        if seqs.is_empty() {
            return; // every attempt asks; most replace nothing
        }
        let inflight = self.inflight.lock().unwrap_or_else(|e| e.into_inner());
        for seq in seqs {
            if let Some(token) = inflight.get(seq) {
                token.cancel();
            }
        }
    }

    pub fn circumstances(&self) -> Circumstances {
        self.circumstances
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Plain http allowed for this run by `--allow-http` / `CHIME_ALLOW_HTTP`,
    /// or by the setting.
    pub fn policy(&self) -> Policy {
        Policy {
            allow_http: self.allow_http_flag || self.settings.borrow().allow_http,
        }
    }

    pub fn dispatcher(&self) -> Dispatcher {
        self.dispatcher
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Runs `f` in a write transaction (shared with the writes waiting at
    /// that moment), then wakes the scheduler and the delivery sender if it
    /// changed what they look at.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let done = self.store.write_async(self.now(), f).await?;
        Ok(self.woken_by(done, None))
    }

    /// [`Core::write`] for an `f` that works only on its transaction, so
    /// the writer may run it again (see [`Store::write_repeatable`]), and
    /// whose one new due instant `due` reads from its value (a new one-off
    /// job's time): the scheduler is woken only if that comes before the
    /// instant it sleeps until, so a stream of creates for later costs it
    /// nothing. `None`: wake it as `write` does.
    pub async fn write_repeatable<T: Send + 'static>(
        &self,
        f: impl FnMut(&mut Tx) -> Result<T> + Send + 'static,
        due: impl FnOnce(&T) -> Option<DateTime<Utc>>,
    ) -> Result<T> {
        let done = self.store.write_repeatable(self.now(), f).await?;
        let due = due(&done.value);
        Ok(self.woken_by(done, due))
    }

    /// Wakes what a committed write concerns; answers its value.
    fn woken_by<T>(&self, done: Committed<T>, due: Option<DateTime<Utc>>) -> T {
        if done.deliveries > 0 {
            self.deliveries_wake.notify_one();
        }
        // Read after the commit: a scheduler that set its instant before
        // this read will see the job when it next reads what is due.
        let later =
            due.is_some_and(|t| crate::time::to_ms(t) >= self.wake_before.load(Ordering::SeqCst));
        if done.events > 0 && !later {
            self.wake.notify_one();
        }
        done.value
    }

    pub async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let core = self.clone();
        tokio::task::spawn_blocking(move || core.store.read(f)).await?
    }

    /// Hands what an attempt did to the recorder.
    pub fn record(&self, record: Record) {
        if let Some(tx) = self
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            // The recorder only goes away at shutdown, after every attempt.
            let _ = tx.send(record);
        }
    }

    /// An attempt is over.
    pub fn record_end(&self, end: AttemptEnd) {
        self.record(Record::Ended(Box::new(end)));
    }
}
