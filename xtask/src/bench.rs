//! `cargo xtask bench`: the numbers in BENCHMARKS.md. Not a test: it prints a
//! table, and a person writes the results down.
//!
//! Measured, on the pinned document:
//! - a bare YAML parse of it (`yaml_serde` into `serde_json::Value`), the floor;
//! - the whole generation in memory, and generation plus writing the crate;
//! - the generated crate's size in lines;
//! - how long the generated crate takes to rebuild after a touch of `lib.rs`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{failed, Error, Outcome, CLIENT_CRATE, CLIENT_DIR, DEFAULT_SPEC};

/// Runs every measurement and returns the table. Timings are only
/// meaningful from an optimized build, so a debug binary re-runs itself with
/// `--release`.
pub fn bench(root: &Path, spec: Option<&str>) -> Result<Outcome, Error> {
    if cfg!(debug_assertions) {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(root).args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "xtask",
            "--",
            "bench",
        ]);
        if let Some(spec) = spec {
            cmd.args(["--spec", spec]);
        }
        let status = cmd
            .status()
            .map_err(|e| failed(format!("cannot run cargo: {e}")))?;
        return if status.success() {
            Ok(Outcome::ok(String::new()))
        } else {
            Err(failed("the release build of the benchmark failed"))
        };
    }
    let source = spec.unwrap_or(DEFAULT_SPEC);
    let text = std::fs::read_to_string(crate::resolve(root, source))
        .map_err(|e| failed(format!("cannot read {source}: {e}")))?;
    let runs = 20;

    let parse = median(runs, || {
        let v: serde_json::Value = yaml_serde::from_str(&text).expect("the pinned document parses");
        std::hint::black_box(v);
    });
    let options = chili_gen::Options::new(CLIENT_CRATE);
    let generate = median(runs, || {
        std::hint::black_box(
            chili_gen::generate(&text, source, &options).expect("the pinned document generates"),
        );
    });
    let scratch = std::env::temp_dir().join(format!("chili-bench-{}", std::process::id()));
    let regen = median(runs, || {
        let krate =
            chili_gen::generate(&text, source, &options).expect("the pinned document generates");
        chili_gen::write::write_crate(&scratch, &krate).expect("the scratch directory is writable");
    });
    let _ = std::fs::remove_dir_all(&scratch);

    // The whole command as users run it: fetch, generate, drift report against
    // the baseline, changelog, compare and write. Re-running it on the pinned
    // document changes no byte.
    let full_regen = if spec.is_none() {
        Some(median(5, || {
            crate::run(&["regen".to_string()], root)
                .expect("regen of the pinned document succeeds");
        }))
    } else {
        None
    };

    let krate = chili_gen::generate(&text, source, &options).map_err(|e| failed(e.to_string()))?;
    let lines: usize = krate.files.values().map(|t| t.lines().count()).sum();
    let rust_files = krate.files.keys().filter(|p| p.ends_with(".rs")).count();

    let rebuild = rebuild_after_touch(root)?;

    let ratio = regen.as_secs_f64() / parse.as_secs_f64();
    let mut out = String::new();
    out.push_str(&format!(
        "document: {source} ({} KiB)\n\n",
        text.len() / 1024
    ));
    out.push_str("| measurement | result |\n|---|---|\n");
    out.push_str(&format!(
        "| bare YAML parse (yaml_serde -> Value), median of {runs} | {} |\n",
        ms(parse)
    ));
    out.push_str(&format!(
        "| generate in memory (load + IR + emit + format), median of {runs} | {} |\n",
        ms(generate)
    ));
    out.push_str(&format!(
        "| regen (generate + write crate aside + swap), median of {runs} | {} |\n",
        ms(regen)
    ));
    out.push_str(&format!("| regen / bare parse | {ratio:.1}x |\n"));
    if let Some(full) = full_regen {
        out.push_str(&format!("| `cargo xtask regen` in-process (+ fetch, drift diff, changelog), median of 5 | {} |\n", ms(full)));
    }
    out.push_str(&format!(
        "| generated crate | {lines} lines in {rust_files} .rs files |\n"
    ));
    out.push_str(&format!(
        "| rebuild of `{CLIENT_CRATE}` after touching src/lib.rs (dev profile) | {} |\n",
        secs(rebuild)
    ));
    print!("{out}");
    Ok(Outcome::ok(String::new()))
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Builds the client once, touches its `lib.rs`, and times the rebuild.
fn rebuild_after_touch(root: &Path) -> Result<Duration, Error> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = || {
        Command::new(&cargo)
            .current_dir(root)
            .args(["build", "--quiet", "--package", CLIENT_CRATE])
            .status()
            .map_err(|e| failed(format!("cannot run cargo: {e}")))
            .and_then(|s| {
                if s.success() {
                    Ok(())
                } else {
                    Err(failed("building the client failed"))
                }
            })
    };
    build()?;
    let lib = root.join(CLIENT_DIR).join("src/lib.rs");
    let file = std::fs::File::options()
        .append(true)
        .open(&lib)
        .map_err(|e| failed(format!("cannot touch {}: {e}", lib.display())))?;
    file.set_modified(std::time::SystemTime::now())
        .map_err(|e| failed(format!("cannot touch {}: {e}", lib.display())))?;
    let start = Instant::now();
    build()?;
    Ok(start.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}
