//! The engine: the store, the scheduler loop, dispatch and the recorder,
//! started together and stopped together. Every surface (the API, the CLI,
//! the desktop window) works through these methods.

pub(crate) mod jobs;
mod logs;
mod schedules;
mod settings;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use tokio::sync::{broadcast, mpsc, Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::SharedClock;
use crate::dispatch::Dispatcher;
use crate::draft::Policy;
use crate::error::Result;
use crate::event::{Event, EventBus};
use crate::recorder::{self, Record};
use crate::scheduler;
use crate::store::{Store, Tx};

pub use jobs::{Created, JobPage};
pub use logs::LogQuery;
pub use schedules::SchedulePage;

/// How the engine is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite database file.
    pub db_path: PathBuf,
    /// Let plain `http://` targets through.
    pub allow_http: bool,
    /// Extra PEM files of CA certificates to trust.
    pub ca_certs: Vec<PathBuf>,
    /// Attempts in flight at once.
    pub max_in_flight: usize,
    /// How long a shutdown waits for in-flight attempts before leaving them
    /// to be retried at the next start.
    pub shutdown_grace: Duration,
    /// How long a webhook or callback is retried before it is given up.
    pub delivery_max_age: chrono::Duration,
}

impl Config {
    pub fn new(db_path: impl Into<PathBuf>) -> Config {
        Config {
            db_path: db_path.into(),
            allow_http: false,
            ca_certs: Vec::new(),
            max_in_flight: 512,
            shutdown_grace: Duration::from_secs(10),
            delivery_max_age: chrono::Duration::hours(24),
        }
    }
}

#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub store: Store,
    pub clock: SharedClock,
    pub bus: EventBus,
    /// Wakes the scheduler when jobs change.
    pub wake: Notify,
    /// Wakes the delivery sender when webhooks or callbacks are written.
    pub deliveries_wake: Notify,
    pub dispatcher: std::sync::RwLock<Dispatcher>,
    /// The settings in force. A watch, so the desktop shell (launch at
    /// login) hears of every change, and of the stored ones at start.
    pub settings: tokio::sync::watch::Sender<crate::settings::Settings>,
    /// "Pause all": due jobs wait until resumed.
    pub paused: tokio::sync::watch::Sender<bool>,
    /// `--allow-http`: plain http for this run, whatever the setting says.
    pub allow_http_flag: bool,
    /// `--ca-cert` files, trusted beside the setting's.
    pub ca_certs: Vec<PathBuf>,
    /// Jobs claimed and not yet finished: up to twice `max_in_flight`, so
    /// dispatch has work queued while a claim waits for the writer.
    pub claimed: Arc<Semaphore>,
    /// Requests on the wire at once.
    pub sending: Arc<Semaphore>,
    pub claim_budget: usize,
    pub records: Mutex<Option<mpsc::UnboundedSender<Record>>>,
    pub stop: CancellationToken,
    pub attempts: TaskTracker,
    pub background: TaskTracker,
    pub shutdown_grace: Duration,
}

impl Engine {
    /// Opens the store, recovers attempts a crash interrupted, and starts the
    /// scheduler and the recorder.
    pub async fn start(config: Config, clock: SharedClock) -> Result<Engine> {
        let db_path = config.db_path.clone();
        let max_age = config.delivery_max_age;
        let store = tokio::task::spawn_blocking(move || Store::open(&db_path))
            .await??
            .with_delivery_max_age(max_age);
        let (records_tx, records_rx) = mpsc::unbounded_channel();
        let engine = Engine {
            inner: Arc::new(Inner {
                store,
                clock,
                bus: EventBus::default(),
                wake: Notify::new(),
                deliveries_wake: Notify::new(),
                dispatcher: std::sync::RwLock::new(Dispatcher::new(&[] as &[PathBuf])?),
                settings: tokio::sync::watch::Sender::new(crate::settings::Settings::default()),
                paused: tokio::sync::watch::Sender::new(false),
                allow_http_flag: config.allow_http,
                ca_certs: config.ca_certs.clone(),
                claimed: Arc::new(Semaphore::new(2 * config.max_in_flight)),
                sending: Arc::new(Semaphore::new(config.max_in_flight)),
                claim_budget: 2 * config.max_in_flight,
                records: Mutex::new(Some(records_tx)),
                stop: CancellationToken::new(),
                attempts: TaskTracker::new(),
                background: TaskTracker::new(),
                shutdown_grace: config.shutdown_grace,
            }),
        };
        let settings = engine.write(settings::load_or_init).await?;
        let dispatcher = engine
            .dispatcher_for(&settings)
            .map_err(crate::error::Error::Internal)?;
        *engine
            .inner
            .dispatcher
            .write()
            .unwrap_or_else(|e| e.into_inner()) = dispatcher;
        engine.inner.settings.send_replace(settings);
        let recovered = engine.write(scheduler::recover_interrupted).await?;
        if recovered > 0 {
            tracing::warn!(
                recovered,
                "retrying attempts interrupted when Chime last stopped"
            );
        }
        let bus = engine.inner.bus.clone();
        engine
            .inner
            .store
            .on_commit(Box::new(move |events| bus.publish(events)));
        let background = &engine.inner.background;
        background.spawn(recorder::run(engine.clone(), records_rx));
        background.spawn(scheduler::run(engine.clone()));
        background.spawn(crate::delivery::run(engine.clone()));
        background.spawn(crate::retention::run(engine.clone()));
        Ok(engine)
    }

    /// Stops claiming jobs, lets in-flight attempts finish (up to the grace
    /// period; the rest are retried at the next start), and flushes the log.
    pub async fn shutdown(&self) {
        let inner = &self.inner;
        inner.stop.cancel();
        inner.attempts.close();
        if tokio::time::timeout(inner.shutdown_grace, inner.attempts.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                "attempts still in flight at shutdown will be retried at the next start"
            );
        }
        // Dropping the last sender lets the recorder drain and end.
        inner
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        inner.background.close();
        inner.background.wait().await;
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Pauses or resumes all dispatch. Paused, due jobs wait (and are late
    /// when resumed; schedules then follow their catch-up policy).
    pub fn set_paused(&self, paused: bool) {
        self.inner.paused.send_replace(paused);
        self.inner.wake.notify_one();
    }

    pub fn is_paused(&self) -> bool {
        *self.inner.paused.borrow()
    }

    /// Settings as they change.
    pub fn watch_settings(&self) -> tokio::sync::watch::Receiver<crate::settings::Settings> {
        self.inner.settings.subscribe()
    }

    /// When the next job is due, and which.
    pub async fn next_run(&self) -> Result<Option<crate::job::JobView>> {
        let next = self.read(crate::store::jobs::next_due).await?;
        Ok(match next {
            Some(job) => self.views(vec![job], false).await?.pop(),
            None => None,
        })
    }

    /// What the engine is doing now, and the defaults jobs get.
    pub async fn status(&self) -> Result<crate::status::Status> {
        let next = self.next_run().await?;
        Ok(crate::status::Status {
            version: env!("CARGO_PKG_VERSION").to_string(),
            paused: self.is_paused(),
            allow_http_for_this_run: self.allow_http_flag(),
            next_run: next.as_ref().map(Into::into),
            defaults: crate::status::JobDefaults::default(),
        })
    }

    /// Live events, as they are stored.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.inner.bus.subscribe()
    }

    /// Plain http allowed for this run by `--allow-http` / `CHIME_ALLOW_HTTP`,
    /// whatever the setting says.
    pub fn allow_http_flag(&self) -> bool {
        self.inner.allow_http_flag
    }

    pub(crate) fn policy(&self) -> Policy {
        Policy {
            allow_http: self.allow_http_flag() || self.settings().allow_http,
        }
    }

    /// Runs `f` in a write transaction off the async threads, then publishes
    /// its events and wakes the scheduler.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let now = self.inner.clock.now();
        let done = self.inner.store.write_async(now, f).await?;
        if done.deliveries > 0 {
            self.inner.deliveries_wake.notify_one();
        }
        if done.events > 0 {
            self.inner.wake.notify_one();
        }
        Ok(done.value)
    }

    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || inner.store.read(f)).await?
    }

    pub(crate) fn record(&self, record: Record) {
        if let Some(tx) = self
            .inner
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            // The recorder only goes away at shutdown, after every attempt.
            let _ = tx.send(record);
        }
    }
}
