//! Alerts (SPEC 7.3) when a schedule's run ends: a run of failures past the
//! threshold is told once (`schedule.failing`), the first success after it
//! once (`schedule.recovered`), and with `on_change` a response that differs
//! from the previous run's (`job.changed`). A schedule without an `alert`
//! still tells its first failure and its recovery on the desktop, once each,
//! instead of a notification per failed run.

use super::emit;
use super::runs::Reply;
use crate::alert::{Alert, Channel};
use crate::attempt::status_text;
use crate::change;
use crate::error::Result;
use crate::event::{Changed, Failing, Payload, Recovered};
use crate::job::Job;
use crate::request::display_name;
use crate::run::RunOutcome;
use crate::schedule::Schedule;
use crate::store::{events, Tx};

/// What a schedule without an `alert` does.
fn implicit() -> Alert {
    Alert {
        after_failures: 1,
        on_recovery: true,
        on_change: false,
        change_ignore: Vec::new(),
        channels: vec![Channel::Desktop],
    }
}

/// After the run `job` of `s` ended with `outcome`; `error` is the last
/// attempt's failure in words. The caller saves the schedule.
pub(crate) fn after_run(
    tx: &mut Tx,
    s: &mut Schedule,
    job: &Job,
    outcome: RunOutcome,
    reply: &Reply,
    error: Option<&str>,
) -> Result<()> {
    let alert = s.options.alert.clone().unwrap_or_else(implicit);
    match outcome {
        RunOutcome::Cancelled => {}
        RunOutcome::Success => recovered(tx, s, job, &alert, reply)?,
        RunOutcome::Failure | RunOutcome::AssertionFailed | RunOutcome::Error => {
            failed(tx, s, job, &alert, reply, error)?
        }
    }
    if alert.on_change {
        if let Reply::Response(r) = reply {
            changed(tx, s, job, &alert, &change::compared(r.status, &r.body))?;
        }
    }
    Ok(())
}

fn failed(
    tx: &mut Tx,
    s: &mut Schedule,
    job: &Job,
    alert: &Alert,
    reply: &Reply,
    error: Option<&str>,
) -> Result<()> {
    s.failures_in_row = s.failures_in_row.saturating_add(1);
    let due = alert.after_failures > 0 && s.failures_in_row >= alert.after_failures;
    if !due || s.failing_since.is_some() {
        return Ok(());
    }
    s.failing_since = Some(tx.now);
    let last_failure = match (error, reply) {
        (Some(e), _) => e.to_string(),
        (None, Reply::Response(r)) => status_text(r.status),
        (None, Reply::Failed { message, .. }) => message.clone(),
        (None, Reply::Replaced) => super::runs::REPLACED.to_string(),
    };
    let n = s.failures_in_row;
    let times = if n == 1 {
        "failed".to_string()
    } else {
        format!("failed {n} times in a row")
    };
    let payload = Payload::Failing(Failing {
        failures: n,
        message: format!("{} {times}: {last_failure}", name(s)),
        last_failure,
        channels: alert.channels.clone(),
    });
    emit(tx, job, None, payload)?;
    Ok(())
}

fn recovered(tx: &mut Tx, s: &mut Schedule, job: &Job, alert: &Alert, reply: &Reply) -> Result<()> {
    let failures = std::mem::take(&mut s.failures_in_row);
    let Some(since) = s.failing_since.take() else {
        return Ok(());
    };
    if !alert.on_recovery {
        return Ok(());
    }
    let status = match reply {
        Reply::Response(r) => format!(": {}", status_text(r.status)),
        Reply::Failed { .. } | Reply::Replaced => String::new(),
    };
    let runs = if failures == 1 { "run" } else { "runs" };
    let payload = Payload::Recovered(Recovered {
        failures,
        failing_since: since,
        message: format!(
            "{} works again{status}, after {failures} failed {runs}",
            name(s)
        ),
        channels: alert.channels.clone(),
    });
    emit(tx, job, None, payload)?;
    Ok(())
}

fn changed(
    tx: &mut Tx,
    s: &Schedule,
    job: &Job,
    alert: &Alert,
    now: &serde_json::Value,
) -> Result<()> {
    let Some(previous) = events::last_response_of_schedule(&tx.sql, &s.id, job.seq)? else {
        return Ok(()); // the first response: nothing to compare with
    };
    let Payload::Response(before) = &previous.body else {
        return Ok(());
    };
    let before = change::compared(before.response.status, &before.response.body);
    let (diff, more) = change::diff(&before, now, &alert.change_ignore);
    if diff.is_empty() {
        return Ok(());
    }
    let payload = Payload::Changed(Changed {
        previous_job_id: previous.job_id.clone(),
        message: format!("{} changed: {}", name(s), change::in_words(&diff, more)),
        diff,
        more,
        channels: alert.channels.clone(),
    });
    emit(tx, job, None, payload)?;
    Ok(())
}

/// The schedule as a person knows it (see [`display_name`]).
fn name(s: &Schedule) -> String {
    display_name(s.name.as_deref(), &s.request)
}
