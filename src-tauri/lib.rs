//! The `chime` binary: the desktop app, `chime serve`, and the command line.

pub mod datadir;
pub mod logging;
pub mod serve;

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
}

pub fn main_entry() -> Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Some(Command::Serve(args)) => runtime.block_on(serve::run(args)),
        None => {
            eprintln!("chime: the desktop window is not built yet; running `chime serve` instead");
            runtime.block_on(serve::run(serve::ServeArgs {
                port: serve::DEFAULT_PORT,
                data_dir: None,
                allow_http: false,
                ca_cert: None,
            }))
        }
    }
}
