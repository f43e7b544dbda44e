//! `cargo xtask <command>`: a thin wrapper around [`xtask::run`].

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    // xtask/ sits directly under the workspace root.
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.parent().unwrap_or(manifest_dir);

    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                eprintln!("error: argument {arg:?} is not valid UTF-8");
                return ExitCode::from(2);
            }
        }
    }

    match xtask::run(&args, root) {
        Ok(outcome) => {
            match outcome.status {
                xtask::Status::Ok | xtask::Status::Found => println!("{}", outcome.message),
                xtask::Status::Stale => eprintln!("{}", outcome.message),
            }
            ExitCode::from(outcome.exit_code())
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
