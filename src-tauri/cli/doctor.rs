//! `chime doctor`: checks the database in the data folder and, when it is
//! damaged, copies what can be read into a new one, keeping the damaged file.
//! It works on the file itself, so Chime must not be running.

use chime_engine::store::doctor::{self, Health};
use clap::Args;

use super::client::CliError;
use super::{output, Global};
use crate::datadir;

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    global: Global,
}

pub async fn doctor(args: DoctorArgs) -> Result<(), CliError> {
    datadir::private_files();
    let dir = datadir::resolve(args.global.data_dir.clone()).map_err(other)?;
    let db = dir.join(datadir::DB_FILE);
    if !db.exists() {
        return Err(CliError::Usage(format!(
            "there is no database at {}",
            db.display()
        )));
    }
    // Held until the repair is done, so no Chime starts on the file meanwhile.
    let _lock = datadir::lock(&dir)
        .map_err(|e| CliError::Usage(format!("{e:#}; quit it before running chime doctor")))?;
    let examined = db.clone();
    let health = tokio::task::spawn_blocking(move || doctor::examine(&examined))
        .await
        .map_err(other)?
        .map_err(other)?;
    let detail = match health {
        Health::Sound | Health::Unchecked => {
            output::emit(&format!("{} is sound: nothing to repair.", db.display()));
            return Ok(());
        }
        Health::Damaged(detail) => detail,
    };
    output::note(&format!(
        "{} is damaged ({detail}); copying what can be read…",
        db.display()
    ));
    let repaired = db.clone();
    let repair = tokio::task::spawn_blocking(move || doctor::repair(&repaired))
        .await
        .map_err(other)?
        .map_err(other)?;
    let mut lines = vec![format!("Repaired {}.", db.display())];
    for (table, copied, lost) in &repair.tables {
        lines.push(format!(
            "  {table:<11} {copied:>8} rows copied, {lost} unreadable"
        ));
    }
    lines.push(format!(
        "The damaged file is kept as {}.",
        repair.kept.display()
    ));
    output::emit(&lines.join("\n"));
    Ok(())
}

fn other(e: impl std::fmt::Display) -> CliError {
    CliError::Other(format!("{e:#}"))
}
