//! The `chime` binary: the desktop app, `chime serve`, and the command line.

pub mod backend;
pub mod cli;
pub mod datadir;
pub mod desktop;
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Some(Command::Serve(args)) => runtime.block_on(serve::run(args)),
        Some(Command::Cli(verb)) => cli::main(*verb, &runtime),
        None => desktop::run_or_serve(runtime),
    }
}
