//! The lean half of Chime: the `chime` command line and `chime serve`.
//!
//! Nothing in this library names Tauri, so the `chime` binary links no GTK or
//! WebKit and starts like a small Rust program. The desktop app is the other
//! binary, `chime-app` (`desktop/main.rs`), which builds on this library.

pub mod alerts;
pub mod backend;
pub mod cli;
pub mod datadir;
pub mod launch;
pub mod logging;
pub mod serve;
pub mod web;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "chime", version, about = "Chime sends HTTP requests on a schedule.", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the engine and the API without a window (for servers and scripts).
    Serve(serve::ServeArgs),
    #[command(flatten)]
    Cli(Box<cli::Verb>),
}

pub fn main_entry() -> Result<()> {
    let cli = Cli::parse_from(cli::global_flags_after_the_verb(std::env::args_os()));
    match cli.command {
        Some(Command::Serve(args)) => runtime()?.block_on(serve::run(args)),
        Some(Command::Cli(verb)) => cli::main(*verb, &runtime()?),
        None => launch::desktop_or_serve(),
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
