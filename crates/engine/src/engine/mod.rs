//! The engine: the store, the scheduler loop, dispatch and the recorder,
//! started together and stopped together. Every surface (the API, the CLI,
//! the desktop window) works through these methods.

mod calendar;
pub(crate) mod jobs;
mod logs;
mod schedules;
mod settings;

use std::path::PathBuf;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use tokio::sync::{broadcast, mpsc, watch, Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::clock::SharedClock;
use crate::core::Core;
use crate::dispatch::Dispatcher;
use crate::draft::Policy;
use crate::error::Result;
use crate::event::{Event, EventBus, EventKind};
use crate::sending::Sending;
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
    /// Of those, to one host (scheme, name and port) at once.
    pub max_per_host: usize,
    /// How long a shutdown waits for in-flight attempts before leaving them
    /// to be retried at the next start.
    pub shutdown_grace: Duration,
}

impl Config {
    pub fn new(db_path: impl Into<PathBuf>) -> Config {
        Config {
            db_path: db_path.into(),
            allow_http: false,
            ca_certs: Vec::new(),
            max_in_flight: 512,
            max_per_host: crate::sending::PER_HOST,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// The facade every surface (the API, the CLI, the desktop window) works
/// through: each method is one read or one transition of the lifecycle.
#[derive(Clone)]
pub struct Engine {
    pub(crate) core: Arc<Core>,
}

impl Engine {
    /// Opens the store, reads the settings, recovers attempts a crash
    /// interrupted, and starts the scheduler, the recorder, the deliveries
    /// and retention.
    pub async fn start(config: Config, clock: SharedClock) -> Result<Engine> {
        let db_path = config.db_path.clone();
        let store = tokio::task::spawn_blocking(move || Store::open(&db_path)).await??;
        let settings = store
            .write_async(clock.now(), settings::load_or_init)
            .await?
            .value;
        let mut ca_files = config.ca_certs.clone();
        ca_files.extend(settings.ca_cert_path.iter().map(Into::into));
        let dispatcher = Dispatcher::new(&ca_files)?;
        let (records_tx, records_rx) = mpsc::unbounded_channel();
        let up_since = clock.now();
        let core = Arc::new(Core {
            store,
            clock,
            bus: EventBus::default(),
            wake: Notify::new(),
            wake_before: AtomicI64::new(i64::MAX),
            deliveries_wake: Notify::new(),
            jobs_made: Arc::new(Notify::new()),
            committed: Arc::new(Notify::new()),
            dispatcher: RwLock::new(dispatcher),
            settings: watch::Sender::new(settings),
            paused: watch::Sender::new(false),
            paused_until: Mutex::new(None),
            circumstances: Mutex::new(crate::lifecycle::schedules::Circumstances {
                up_since,
                paused: Vec::new(),
            }),
            allow_http_flag: config.allow_http,
            ca_certs: config.ca_certs,
            claimed: Arc::new(Semaphore::new(2 * config.max_in_flight)),
            sending: Sending::new(config.max_in_flight, config.max_per_host),
            claim_budget: 2 * config.max_in_flight,
            stagger: Mutex::new(None),
            records: Mutex::new(Some(records_tx)),
            stop: CancellationToken::new(),
            inflight: Mutex::new(Default::default()),
            attempts: TaskTracker::new(),
            background: TaskTracker::new(),
            shutdown_grace: config.shutdown_grace,
        });
        let recovered = core
            .write(crate::lifecycle::runs::recover_interrupted)
            .await?;
        if recovered > 0 {
            tracing::warn!(
                recovered,
                "retrying attempts interrupted when Chime last stopped"
            );
        }
        let bus = core.bus.clone();
        let (jobs_made, committed) = (core.jobs_made.clone(), core.committed.clone());
        core.store.on_commit(Box::new(move |events| {
            if events.iter().any(|e| e.body.kind() == EventKind::Created) {
                jobs_made.notify_one();
            }
            committed.notify_one();
            bus.publish(events);
        }));
        let background = &core.background;
        background.spawn(crate::recorder::run(core.clone(), records_rx));
        background.spawn(crate::scheduler::run(core.clone()));
        background.spawn(crate::delivery::run(core.clone()));
        background.spawn(crate::retention::run(core.clone()));
        background.spawn(crate::indexing::run(core.clone()));
        Ok(Engine { core })
    }

    /// Stops claiming jobs, lets in-flight attempts finish (up to the grace
    /// period; the rest are retried at the next start), and flushes the log.
    pub async fn shutdown(&self) {
        let inner = &self.core;
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
        self.core.now()
    }

    /// Pauses or resumes all dispatch. Paused, due jobs wait (and are late
    /// when resumed; schedules then follow their catch-up policy).
    pub fn set_paused(&self, paused: bool) {
        self.core.set_paused(paused, None);
    }

    /// "Pause all" as asked in `body` (`POST /api/pause`): `{}` until
    /// resumed, `{"until": ...}` until then.
    pub fn pause(&self, body: &serde_json::Value) -> Result<()> {
        let until = crate::limits::parse_pause(body, self.now())?;
        self.core.set_paused(true, until);
        Ok(())
    }

    /// Pauses all dispatch until `until`, when it resumes by itself (for
    /// this run of Chime: a restart resumes, as after any "pause all").
    pub fn pause_until(&self, until: DateTime<Utc>) {
        self.core.set_paused(true, Some(until));
    }

    pub fn is_paused(&self) -> bool {
        self.core.is_paused()
    }

    /// Settings as they change.
    pub fn watch_settings(&self) -> watch::Receiver<crate::settings::Settings> {
        self.core.settings.subscribe()
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
            paused_until: self.core.paused_until(),
            allow_http_for_this_run: self.allow_http_flag(),
            next_run: next.as_ref().map(Into::into),
            defaults: crate::status::JobDefaults::default(),
        })
    }

    /// Live events, as they are stored.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.core.bus.subscribe()
    }

    /// Plain http allowed for this run by `--allow-http` / `CHIME_ALLOW_HTTP`,
    /// whatever the setting says.
    pub fn allow_http_flag(&self) -> bool {
        self.core.allow_http_flag
    }

    /// Removes what is older than the retention period (as the background
    /// pass does every hour).
    pub async fn prune(&self) -> Result<crate::retention::Pruned> {
        crate::retention::prune(&self.core).await
    }

    pub(crate) fn policy(&self) -> Policy {
        self.core.policy()
    }

    pub(crate) async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.core.write(f).await
    }

    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        self.core.read(f).await
    }
}
