//! What the engine's integration tests share.

use std::time::Duration;

use chime_engine::{Engine, JobState, JobView};
use chime_testkit::eventually;

/// Waits (up to 10 s) for a job to reach `state`, and answers it.
pub async fn job_in(engine: &Engine, id: &str, state: JobState) -> JobView {
    let what = format!("job {id} to be {state:?}");
    eventually(&what, Duration::from_secs(10), async || {
        let job = engine.get_job(id).await.unwrap();
        (job.state == state).then_some(job)
    })
    .await
}
