//! `cargo xtask bench`: the numbers in BENCHMARKS.md. Not a test: it prints a
//! table, and a person writes the results down.
//!
//! Measured, on the pinned document:
//! - a bare YAML parse of it (`yaml_serde` into `serde_json::Value`), the floor;
//! - the whole generation in memory, and generation plus writing the crate;
//! - `regen` as users run it: in-process, and the release binary as a process;
//! - the generated crate's size in lines;
//! - how long the generated crate takes to rebuild after a touch of `lib.rs`,
//!   alone or (`--peer DIR`) in turn with another generator's crate for the
//!   same document, in one scratch workspace so both see the same lock file,
//!   profile and machine load.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::scratch::Scratch;
use crate::{failed, Error, Outcome, CLIENT_CRATE, CLIENT_DIR, DEFAULT_SPEC};

/// Runs every measurement and returns the table. Timings are only
/// meaningful from an optimized build, so a debug binary re-runs itself with
/// `--release`.
pub fn bench(root: &Path, spec: Option<&str>, peer: Option<&str>) -> Result<Outcome, Error> {
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
        if let Some(peer) = peer {
            // Relative to where the user is, like any path they type.
            let peer =
                std::fs::canonicalize(peer).map_err(|e| failed(format!("--peer {peer}: {e}")))?;
            cmd.arg("--peer").arg(peer);
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

    // The aim is for the process as a whole: start-up, reading, writing.
    let process_regen = if spec.is_none() {
        let exe = std::env::current_exe()
            .map_err(|e| failed(format!("cannot find the benchmark's own binary: {e}")))?;
        let mut failure = None;
        let time = median(10, || {
            let ok = Command::new(&exe)
                .current_dir(root)
                .arg("regen")
                .output()
                .is_ok_and(|o| o.status.success());
            if !ok {
                failure = Some(failed("`xtask regen` failed while being timed"));
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        Some(time)
    } else {
        None
    };

    let krate = chili_gen::generate(&text, source, &options).map_err(|e| failed(e.to_string()))?;
    let lines: usize = krate.files.values().map(|t| t.lines().count()).sum();
    let rust_files = krate.files.keys().filter(|p| p.ends_with(".rs")).count();

    let rebuild = match peer {
        None => Rebuild::Alone(rebuild_after_touch(root)?),
        Some(peer) => side_by_side(root, Path::new(peer))?,
    };

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
    if let Some(process) = process_regen {
        out.push_str(&format!(
            "| `target/release/xtask regen` as a process, wall, median of 10 | {} |\n",
            ms(process)
        ));
    }
    out.push_str(&format!(
        "| generated crate | {lines} lines in {rust_files} .rs files |\n"
    ));
    match rebuild {
        Rebuild::Alone(time) => out.push_str(&format!(
            "| rebuild of `{CLIENT_CRATE}` after touching src/lib.rs (dev profile) | {} |\n",
            secs(time)
        )),
        Rebuild::Beside { ours, peer, name } => {
            let (o, p) = (median_of(&ours), median_of(&peer));
            let list = |v: &[Duration]| {
                v.iter()
                    .map(|d| format!("{:.2}", d.as_secs_f64()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push_str(&format!(
                "| rebuild of `{CLIENT_CRATE}` after touching src/lib.rs, {ROUNDS} runs in turn with the peer (s) | {} (median {}) |\n",
                list(&ours),
                secs(o)
            ));
            out.push_str(&format!(
                "| rebuild of the peer `{name}` after touching src/lib.rs (s) | {} (median {}) |\n",
                list(&peer),
                secs(p)
            ));
            out.push_str(&format!(
                "| ours / peer | {:.2}x |\n",
                o.as_secs_f64() / p.as_secs_f64()
            ));
        }
    }
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
    touch(&root.join(CLIENT_DIR).join("src/lib.rs"))?;
    let start = Instant::now();
    build()?;
    Ok(start.elapsed())
}

/// Rebuild times: the client alone, or in turn with a peer crate.
enum Rebuild {
    Alone(Duration),
    Beside {
        ours: Vec<Duration>,
        peer: Vec<Duration>,
        name: String,
    },
}

/// Rounds of the side-by-side rebuild; each round touches and rebuilds
/// both crates, ours first.
const ROUNDS: usize = 5;

/// Where the side-by-side rebuilds build.
const BUILD_DIR: &str = "target/bench-compare-build";

/// Copies the client (with the runtime it depends on by path) and `peer`
/// into one scratch workspace (this workspace's lock file and dev profile),
/// builds both, then touches and rebuilds each in turn.
fn side_by_side(root: &Path, peer: &Path) -> Result<Rebuild, Error> {
    let manifest = peer.join("Cargo.toml");
    let name = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| chili_gen::release::package_name(&text))
        .ok_or_else(|| {
            failed(format!(
                "--peer: no [package] name in {}",
                manifest.display()
            ))
        })?;
    let mut scratch = Scratch::new(root, "bench-compare")?;
    scratch.copy(crate::RUNTIME_DIR, &root.join(crate::RUNTIME_DIR))?;
    scratch.copy(CLIENT_DIR, &root.join(CLIENT_DIR))?;
    scratch.copy("peer", peer)?;
    let build = |packages: &[&str]| -> Result<Duration, Error> {
        let mut args = vec!["build", "--quiet"];
        for p in packages {
            args.extend(["--package", p]);
        }
        let mut cmd = scratch.command(&args)?;
        // A build directory of its own: the main one's size (every other
        // crate of the workspace) adds about a tenth to each rebuild.
        cmd.env("CARGO_TARGET_DIR", root.join(BUILD_DIR));
        let start = Instant::now();
        let status = cmd
            .status()
            .map_err(|e| failed(format!("cannot run cargo: {e}")))?;
        let took = start.elapsed();
        if status.success() {
            Ok(took)
        } else {
            Err(failed(format!(
                "building {} failed",
                packages.join(" and ")
            )))
        }
    };
    build(&[CLIENT_CRATE, &name])?;
    // The first rebuild after a full build also writes incremental state the
    // later ones reuse; it is not what a touch costs.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 0..=ROUNDS {
        for (dir, package, times) in [
            (CLIENT_DIR, CLIENT_CRATE, &mut ours),
            ("peer", name.as_str(), &mut theirs),
        ] {
            touch(&scratch.dir().join(dir).join("src/lib.rs"))?;
            let took = build(&[package])?;
            if round > 0 {
                times.push(took);
            }
        }
    }
    Ok(Rebuild::Beside {
        ours,
        peer: theirs,
        name,
    })
}

/// Sets a file's modification time to now, as `touch` does.
fn touch(path: &Path) -> Result<(), Error> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .map_err(|e| failed(format!("cannot touch {}: {e}", path.display())))
}

fn median_of(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}
