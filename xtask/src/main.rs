//! `cargo xtask <command>`: a thin wrapper around [`xtask::run`] (the flags
//! are declared in `xtask::flags`).

use std::path::Path;
use std::process::ExitCode;

// glibc's malloc was a third of `regen`'s time (proc-macro2 token streams
// allocate per token); mimalloc takes it from 160 ms to 110 ms (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // xtask/ sits directly under the workspace root.
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.parent().unwrap_or(manifest_dir);

    let args: Result<Vec<String>, _> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect();
    let args = match args {
        Ok(args) => args,
        Err(arg) => {
            eprintln!("error: argument {arg:?} is not valid UTF-8");
            return ExitCode::from(2);
        }
    };

    match xtask::run(&args, root) {
        Ok(outcome) => {
            match outcome.status {
                xtask::Status::Ok | xtask::Status::Found => println!("{}", outcome.message),
                xtask::Status::Stale => eprintln!("{}", outcome.message),
            }
            ExitCode::from(outcome.exit_code())
        }
        // clap's message already starts with `error: `.
        Err(e @ xtask::Error::Usage(_)) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
