//! The `chili` binary against the same Prism mock as the client's static
//! conformance run: every operation once, its required flags and body
//! synthesized from the IR (`synth::request`), named as the CLI names them
//! (`emit::cli::command_words` and `flag_name`).

use std::path::Path;
use std::process::Command;

use chili_gen::emit::cli::{command_words, flag_name};
use chili_gen::ir::{Api, Operation, Response};
use chili_gen::synth;
use serde_json::Value;

use crate::{failed, Error};

/// Prism's own failure: a bug of the mock, counted apart, never as a pass.
const PRISM_UNKNOWN: &str = "stoplight.io/prism/errors#UNKNOWN";

/// What the pass found.
pub struct CliRun {
    pub passed: usize,
    /// Wall time of the pass, for the CI budget.
    pub seconds: f64,
    pub prism_failures: Vec<String>,
    pub failures: Vec<String>,
}

/// `cargo build -p chilipiper-cli`; returns the binary.
pub fn build(root: &Path, target: &Path) -> Result<std::path::PathBuf, Error> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "-p", crate::cli::CLI_CRATE])
        .status()
        .map_err(|e| failed(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(failed("the chili CLI does not build"));
    }
    Ok(target.join("debug").join(crate::cli::CLI_BIN))
}

/// The command line that calls `op` with its synthesized required arguments.
pub fn arguments(api: &Api, op: &Operation) -> Vec<String> {
    let (params, body) = synth::request(api, op);
    let mut args = command_words(op);
    for (name, value) in params {
        let Some(param) = op.params.iter().find(|p| p.name == name) else {
            continue;
        };
        let flag = format!("--{}", flag_name(param));
        let values = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for v in values {
            args.push(flag.clone());
            args.push(match v {
                Value::String(s) => s,
                other => other.to_string(),
            });
        }
    }
    if let Some(body) = body {
        args.push("--body".to_string());
        args.push(body.to_string());
    }
    args
}

/// Runs every operation once against the mock at `url`.
pub fn run(api: &Api, chili: &Path, url: &str) -> Result<CliRun, Error> {
    let started = std::time::Instant::now();
    let mut result = CliRun {
        passed: 0,
        seconds: 0.0,
        prism_failures: Vec::new(),
        failures: Vec::new(),
    };
    for op in &api.operations {
        let args = arguments(api, op);
        let out = Command::new(chili)
            .args(&args)
            .args(["--base-url", url, "--max-attempts", "1"])
            .env("CHILIPIPER_API_KEY", "conformance")
            .env_remove("CHILIPIPER_BASE_URL")
            .output()
            .map_err(|e| failed(format!("cannot run {}: {e}", chili.display())))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let printed_ok = match &op.response {
            Response::Json(_) => serde_json::from_str::<Value>(&stdout).is_ok(),
            Response::Text { .. } => true,
            Response::Empty => stdout.is_empty(),
        };
        if out.status.success() && printed_ok {
            result.passed += 1;
        } else if stderr.contains(PRISM_UNKNOWN) {
            result.prism_failures.push(op.id.clone());
        } else {
            result.failures.push(format!(
                "{}: chili {} exited {:?}\n    stderr: {}\n    stdout starts: {}",
                op.id,
                args.join(" "),
                out.status.code(),
                stderr.trim(),
                stdout.chars().take(200).collect::<String>()
            ));
        }
    }
    result.seconds = started.elapsed().as_secs_f64();
    Ok(result)
}
