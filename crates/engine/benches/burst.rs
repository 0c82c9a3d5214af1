//! The burst: N jobs (10,000 by default) due at the same instant, sent to a
//! local target. Reports how long after that instant the last request
//! arrived and the last attempt was recorded, the CPU time it took, and, for
//! scale, the same N requests sent by Chime's HTTP client alone at the same
//! concurrency (Chime's bound for one host) in the same run (the floor this
//! machine's HTTP stack sets).
//! It fails if any job went early, twice, or not at all.
//!
//! `cargo bench -p chime-engine --bench burst [-- N] [--timeline]`

/// The allocator the `chime` binary uses (src-tauri/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chime_engine::{Config, Engine, EventKind, JobFilter, JobState, SystemClock};
use chime_testkit::Target;
use serde_json::json;

const IN_FLIGHT: usize = 512;
/// Clients creating the jobs at once.
const CREATORS: usize = 8;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let timeline = args.iter().any(|a| a == "--timeline");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let floor = rt.block_on(http_floor(n));
    let burst = rt.block_on(burst(n, timeline));
    println!(
        "ratio: the burst through Chime took {:.1}x the bare HTTP floor ({} ms vs {} ms)",
        burst.as_secs_f64() / floor.as_secs_f64(),
        burst.as_millis(),
        floor.as_millis()
    );
}

/// N plain POSTs to the same kind of target, as many at a time as Chime
/// sends to one host.
async fn http_floor(n: usize) -> Duration {
    let target = Target::ok().await;
    let client = chime_engine::client::HttpClient::new(Vec::new()).unwrap();
    let per_host = Config::new("unused").max_per_host.min(IN_FLIGHT);
    let slots = Arc::new(tokio::sync::Semaphore::new(per_host));
    let url = target.url("/floor");
    let (start, cpu_start) = (Instant::now(), cpu_time());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let slot = slots.clone().acquire_owned().await.unwrap();
        let (client, url) = (client.clone(), url.clone());
        tasks.spawn(async move {
            let body = bytes::Bytes::from(format!("{{\"i\":{i}}}"));
            let request =
                chime_engine::client::request(http::Method::POST, url.parse().unwrap(), body);
            let response = client.send(request).await.unwrap();
            http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap();
            drop(slot);
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = start.elapsed();
    println!(
        "floor: {n} bare requests in {} ms, {} ms of CPU",
        elapsed.as_millis(),
        (cpu_time() - cpu_start).as_millis()
    );
    elapsed
}

async fn burst(n: usize, timeline: bool) -> Duration {
    let target = Target::ok().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path().join("chime.db"));
    config.allow_http = true;
    config.max_in_flight = IN_FLIGHT;
    let engine = Engine::start(config, Arc::new(SystemClock)).await.unwrap();

    // Every job is due at one instant, far enough ahead to create them all.
    let due = chrono::Utc::now() + chrono::Duration::seconds(5 + n as i64 / 2_000);
    // Created by 8 clients at once, as scripts and the API's keep-alive
    // connections would: their commits share syncs of the log.
    let setup = Instant::now();
    let mut creators = tokio::task::JoinSet::new();
    for client in 0..CREATORS {
        let (engine, url, due) = (engine.clone(), target.url("/burst"), due.to_rfc3339());
        creators.spawn(async move {
            for i in (client..n).step_by(CREATORS) {
                engine
                    .create_job(json!({"method": "post", "url": url, "body": {"i": i}, "scheduled_at": due}))
                    .await
                    .unwrap();
            }
        });
    }
    while let Some(done) = creators.join_next().await {
        done.unwrap();
    }
    let took = setup.elapsed();
    println!(
        "created {n} jobs in {} ms ({:.0} a second, {CREATORS} at a time)",
        took.as_millis(),
        n as f64 / took.as_secs_f64()
    );
    let mut events = engine.subscribe();
    let wait = (due - chrono::Utc::now())
        .to_std()
        .expect("jobs were created before they came due");
    tokio::time::sleep(wait).await;
    let (start, cpu_start) = (Instant::now(), cpu_time());

    // Count finished attempts from the live event stream: polling the store
    // would itself load the machine being measured.
    let mut finished = 0;
    let mut all_sent = None;
    while finished < n {
        match tokio::time::timeout(Duration::from_secs(120), events.recv()).await {
            Ok(Ok(e)) if e.kind() == EventKind::Finished => finished += 1,
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("the benchmark fell behind the event stream: {e}"),
            Err(_) => panic!("only {finished} of {n} finished after 120 s"),
        }
        if all_sent.is_none() && target.count() >= n {
            all_sent = Some(start.elapsed());
        }
    }
    let all_recorded = start.elapsed();
    let cpu = cpu_time() - cpu_start;
    let done = engine
        .list_jobs(JobFilter {
            states: vec![JobState::Completed],
            limit: 1,
            ..JobFilter::default()
        })
        .await
        .unwrap()
        .total;
    assert_eq!(done as usize, n, "every job is recorded as completed");

    let seen = target.seen();
    if timeline {
        let mut buckets = [0usize; 40];
        for s in &seen {
            let slot = (s.at - due).num_milliseconds().max(0) as usize / 50;
            buckets[slot.min(39)] += 1;
        }
        println!("arrivals per 50 ms after the due instant: {buckets:?}");
    }
    let early = seen.iter().filter(|s| s.at < due).count();
    let mut per_job: HashMap<u64, usize> = HashMap::new();
    for s in &seen {
        *per_job.entry(s.json()["i"].as_u64().unwrap()).or_default() += 1;
    }
    let twice = per_job.values().filter(|c| **c > 1).count();
    let missing = n - per_job.len();
    println!(
        "burst: {n} jobs due at one instant; the last request arrived {} ms after it, every attempt was recorded after {} ms, {} ms of CPU",
        all_sent.unwrap_or(all_recorded).as_millis(),
        all_recorded.as_millis(),
        cpu.as_millis()
    );
    println!("early: {early}, sent twice: {twice}, never sent: {missing}");
    assert_eq!((early, twice, missing), (0, 0, 0));
    engine.shutdown().await;
    all_recorded
}

/// User + system CPU time of this process so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}
