//! `cargo xtask conformance`: the generated client's conformance tests
//! (`generated-client/tests/conformance/`) against Prism, a mock server built
//! from the pinned document, in static mode and then in dynamic mode with
//! several seeds; then the coverage of response union variants.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chili_gen::ir::{Api, Response};
use chili_gen::synth::{self, Synth};

use crate::{failed, Error, Outcome};

/// The Prism release the suite is pinned to.
pub const PRISM_VERSION: &str = "5.14.2";
/// Dynamic runs: one Prism per seed, each operation called this many times.
const SEEDS: &[u32] = &[1, 2, 3];
const DYNAMIC_REPEAT: u32 = 10;
/// How long Prism may take to load the document and listen.
const STARTUP: Duration = Duration::from_secs(180);

/// One mock server run: a mode and what it logged.
struct Run {
    mode: String,
    passed: bool,
    /// The hermetic round trips of every union variant and response type passed.
    synthesized_ok: bool,
    /// Operation ids whose tests failed.
    failed_ops: Vec<String>,
    log: PathBuf,
}

pub fn conformance(root: &Path, spec: Option<&str>) -> Result<Outcome, Error> {
    let pin: serde_json::Value = serde_json::from_str(&read(&root.join("spec/pin.json"))?)
        .map_err(|e| failed(format!("spec/pin.json: {e}")))?;
    let chosen = spec.is_some();
    let spec = match spec {
        Some(s) => PathBuf::from(s),
        None => {
            let source = pin["source"]
                .as_str()
                .unwrap_or("../shared/spec/edge-api.yaml");
            let local = source.strip_prefix("file://").unwrap_or(source);
            if local.starts_with("http") {
                root.join("../shared/spec/edge-api.yaml")
            } else {
                root.join(local)
            }
        }
    };
    let text = read(&spec)?;
    // The committed client is the pinned document's: tested against another
    // one, its failures would be drift, which `check` reports, not bugs.
    if !chosen {
        let sha = chili_gen::baseline::sha256_hex(text.as_bytes());
        if pin["sha256"].as_str() != Some(sha.as_str()) {
            return Err(failed(format!(
                "{} is no longer the pinned document (spec/pin.json), which the committed client \
                 was generated from: run `cargo xtask check` to see what changed and \
                 `cargo xtask regen` before conformance, or pass --spec to test against this one",
                spec.display()
            )));
        }
    }
    // Named like the committed client, whose test names follow its method names.
    let names = crate::project_names(root)?;
    let naming = chili_gen::Naming {
        table: names.as_ref(),
        ..chili_gen::Naming::default()
    };
    let api = crate::referenced::api(&text, &spec.display().to_string(), root, &naming)?;

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        root.join(target)
    };
    let prism = install_prism(&target.join("prism"))?;
    let out = target.join("conformance");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| failed(format!("{}: {e}", out.display())))?;

    step("building the conformance tests");
    cargo_test(root, &[], true)?;
    step("building the chili CLI");
    let chili = crate::conformance_cli::build(root, &target)?;
    let mut cli_run = None;

    let mut runs = Vec::new();
    let mut modes: Vec<(String, Vec<String>, u32)> = vec![("static".to_string(), Vec::new(), 1)];
    for seed in SEEDS {
        modes.push((
            format!("dynamic seed {seed}"),
            vec!["-d".into(), "--seed".into(), seed.to_string()],
            DYNAMIC_REPEAT,
        ));
    }
    for (i, (mode, flags, repeat)) in modes.iter().enumerate() {
        let log = out.join(format!("run-{i}.jsonl"));
        step(&format!("Prism {mode}: each operation {repeat} time(s)"));
        let port = free_port()?;
        let mut server = Server::start(
            &prism,
            &spec,
            port,
            flags,
            &out.join(format!("prism-{i}.log")),
        )?;
        let url = format!("http://127.0.0.1:{port}");
        server.wait_ready(port)?;
        let env = [
            ("CONFORMANCE_BASE_URL", url),
            ("CONFORMANCE_LOG", log.display().to_string()),
            ("CONFORMANCE_REPEAT", repeat.to_string()),
        ];
        let (passed, output) = cargo_test(root, &env, false)?;
        if i == 0 {
            step("the chili CLI: every operation once against the static mock");
            cli_run = Some(crate::conformance_cli::run(&api, &chili, &env[0].1)?);
        }
        drop(server);
        let failed_ops = failed_tests(&output, &api);
        let synthesized_ok = output.contains("test decode_every_union_variant ... ok")
            && output.contains("test decode_every_response_type ... ok");
        runs.push(Run {
            mode: mode.clone(),
            passed,
            synthesized_ok,
            failed_ops,
            log,
        });
    }
    report(&api, &runs, cli_run.as_ref())
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| failed(format!("{}: {e}", path.display())))
}

/// Installs the pinned Prism with npm into `dir`, unless it is there already.
fn install_prism(dir: &Path) -> Result<PathBuf, Error> {
    let bin = dir.join("node_modules/.bin/prism");
    let manifest = dir.join("node_modules/@stoplight/prism-cli/package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned));
    if installed.as_deref() == Some(PRISM_VERSION) && bin.exists() {
        return Ok(bin);
    }
    step(&format!(
        "installing @stoplight/prism-cli@{PRISM_VERSION} with npm into {}",
        dir.display()
    ));
    std::fs::create_dir_all(dir).map_err(|e| failed(format!("{}: {e}", dir.display())))?;
    let package = dir.join("package.json");
    if !package.exists() {
        std::fs::write(&package, "{\"private\": true}\n")
            .map_err(|e| failed(format!("{}: {e}", package.display())))?;
    }
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--save-exact"])
        .arg(format!("@stoplight/prism-cli@{PRISM_VERSION}"))
        .current_dir(dir)
        .status()
        .map_err(|e| failed(format!("cannot run npm (is Node.js installed?): {e}")))?;
    if !status.success() || !bin.exists() {
        return Err(failed(format!(
            "npm could not install @stoplight/prism-cli@{PRISM_VERSION}"
        )));
    }
    Ok(bin)
}

fn free_port() -> Result<u16, Error> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| failed(format!("no free port on 127.0.0.1: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| failed(e.to_string()))
}

/// A running Prism; stopped when dropped, on every path out.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn start(
        prism: &Path,
        spec: &Path,
        port: u16,
        flags: &[String],
        log: &Path,
    ) -> Result<Server, Error> {
        let file =
            std::fs::File::create(log).map_err(|e| failed(format!("{}: {e}", log.display())))?;
        let err = file.try_clone().map_err(|e| failed(e.to_string()))?;
        let child = Command::new(prism)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .args(flags)
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .spawn()
            .map_err(|e| failed(format!("cannot start {}: {e}", prism.display())))?;
        Ok(Server {
            child,
            log: log.to_path_buf(),
        })
    }

    /// Waits until Prism answers HTTP on `port` (any status).
    fn wait_ready(&mut self, port: u16) -> Result<(), Error> {
        let started = Instant::now();
        while started.elapsed() < STARTUP {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(failed(format!(
                    "Prism exited ({status}) before answering; see {}",
                    self.log.display()
                )));
            }
            if answers(port) {
                eprintln!(
                    "Prism answers on 127.0.0.1:{port} after {:.1} s",
                    started.elapsed().as_secs_f64()
                );
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Err(failed(format!(
            "Prism did not answer within {} s; see {}",
            STARTUP.as_secs(),
            self.log.display()
        )))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn answers(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let mut buf = [0u8; 16];
    stream.write_all(request.as_bytes()).is_ok()
        && matches!(stream.read(&mut buf), Ok(n) if n > 0 && buf.starts_with(b"HTTP/"))
}

/// `cargo test -p chilipiper-edge --test conformance`, with the operation tests
/// included; `no_run` only builds. Returns success and the combined output.
fn cargo_test(root: &Path, env: &[(&str, String)], no_run: bool) -> Result<(bool, String), Error> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["test", "-p", "chilipiper-edge", "--test", "conformance"]);
    if no_run {
        command.arg("--no-run");
    } else {
        command.args(["--", "--include-ignored", "--test-threads=4"]);
    }
    command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| failed(format!("cannot run cargo: {e}")))?;
    // Echo stderr (build progress) as it comes; keep stdout (the test report).
    let stderr = child.stderr.take().map(|s| {
        std::thread::spawn(move || {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if !line.contains("ignored, needs a Prism mock") {
                    eprintln!("{line}");
                }
            }
        })
    });
    let mut output = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("FAILED")
                || line.contains("panicked")
                || line.starts_with("  ")
                || line.starts_with("test result")
                || line.starts_with("operation ")
            {
                eprintln!("{line}");
            }
            output.push_str(&line);
            output.push('\n');
        }
    }
    if let Some(handle) = stderr {
        let _ = handle.join();
    }
    let status = child.wait().map_err(|e| failed(e.to_string()))?;
    if no_run && !status.success() {
        return Err(failed("the conformance tests do not build"));
    }
    Ok((status.success(), output))
}

/// Operation ids of the tests reported `FAILED` (hermetic tests by name).
fn failed_tests(output: &str, api: &Api) -> Vec<String> {
    let names: BTreeMap<String, &str> = api
        .operations
        .iter()
        .map(|o| {
            (
                if o.group.is_empty() {
                    o.method_name.clone()
                } else {
                    format!("{}_{}", o.group, o.method_name)
                },
                o.id.as_str(),
            )
        })
        .collect();
    output
        .lines()
        .filter_map(|l| l.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
        .map(|t| {
            names
                .get(t)
                .map_or_else(|| t.to_string(), |id| id.to_string())
        })
        .collect()
}

/// What one run's log says.
#[derive(Default)]
struct Tally {
    /// Decoded responses per operation id.
    decoded: BTreeMap<String, usize>,
    /// Prism's own failures per operation id.
    prism_failures: BTreeMap<String, usize>,
    variants: BTreeSet<(String, String)>,
}

fn tally(api: &Api, log: &Path) -> Tally {
    let synth = Synth::new(api, true);
    let responses: BTreeMap<&str, &Response> = api
        .operations
        .iter()
        .map(|o| (o.id.as_str(), &o.response))
        .collect();
    let mut t = Tally::default();
    let Ok(text) = std::fs::read_to_string(log) else {
        return t;
    };
    for line in text.lines() {
        let Ok(entry) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(op) = entry["op"].as_str() else {
            continue;
        };
        if entry.get("prism_failure").is_some() {
            *t.prism_failures.entry(op.to_string()).or_default() += 1;
        } else if let Some(response) = entry.get("response") {
            *t.decoded.entry(op.to_string()).or_default() += 1;
            if let Some(Response::Json(ty)) = responses.get(op) {
                synth::seen_variants(&synth, ty, response, &mut t.variants);
            }
        }
    }
    t
}

fn report(
    api: &Api,
    runs: &[Run],
    cli: Option<&crate::conformance_cli::CliRun>,
) -> Result<Outcome, Error> {
    let all_ops: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
    let wanted = synth::response_variants(api);
    let mut lines = vec!["\nconformance against Prism".to_string()];
    let mut exercised = BTreeSet::new();
    let mut from_prism = BTreeSet::new();
    let (mut payloads, mut prism_failures) = (0usize, 0usize);
    let mut dynamic_served = BTreeSet::new();
    let mut failures = Vec::new();
    for run in runs {
        let t = tally(api, &run.log);
        let served = t.decoded.len();
        let decoded: usize = t.decoded.values().sum();
        let prism: usize = t.prism_failures.values().sum();
        payloads += decoded;
        prism_failures += prism;
        exercised.extend(t.decoded.keys().cloned());
        from_prism.extend(t.variants.iter().filter(|v| wanted.contains(*v)).cloned());
        if run.mode != "static" {
            dynamic_served.extend(t.decoded.keys().cloned());
        }
        lines.push(format!(
            "  {:<16} {}: {served}/{} operations decoded ({decoded} responses), {prism} Prism failures{}",
            run.mode,
            if run.passed { "pass" } else { "FAIL" },
            all_ops.len(),
            if t.prism_failures.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.prism_failures.iter().map(|(op, n)| format!("{op} x{n}")).collect::<Vec<_>>().join(", "))
            }
        ));
        if !run.passed {
            failures.push(format!("{}: {}", run.mode, run.failed_ops.join(", ")));
        }
    }
    let not_dynamic: Vec<&str> = all_ops
        .iter()
        .copied()
        .filter(|op| !dynamic_served.contains(*op))
        .collect();
    if !not_dynamic.is_empty() {
        lines.push(format!(
            "  Prism never served in dynamic mode: {}",
            not_dynamic.join(", ")
        ));
    }
    // Variants Prism did not deliver count only if their synthesized payloads decoded.
    let synthesized = if runs.iter().any(|r| r.synthesized_ok) {
        wanted.len() - from_prism.len()
    } else {
        0
    };
    let response_types: BTreeSet<_> = api
        .operations
        .iter()
        .filter_map(|o| match &o.response {
            Response::Json(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let synthesized_payloads = synth::all_variants(api).len() + response_types.len();
    lines.push(format!(
        "operations exercised {}/{}",
        exercised.len(),
        all_ops.len()
    ));
    lines.push(format!(
        "variants decoded {}/{} ({} from Prism, {synthesized} from our synthesizer only)",
        from_prism.len() + synthesized,
        wanted.len(),
        from_prism.len()
    ));
    lines.push(format!(
        "payloads: {payloads} from Prism, {synthesized_payloads} from our synthesizer (every union variant and response type, round-tripped); \
         {prism_failures} Prism failures (counted apart, not as passes)"
    ));
    let missing: Vec<String> = wanted
        .difference(&from_prism)
        .map(|(u, t)| format!("{u}.{t}"))
        .collect();
    if !missing.is_empty() {
        lines.push(format!(
            "  variants Prism did not deliver (decoded from synthesized payloads): {}",
            missing.join(", ")
        ));
    }
    if let Some(cli) = cli {
        lines.push(format!(
            "chili CLI: {}/{} operations printed their response in {:.1} s, {} Prism failures (counted apart){}",
            cli.passed,
            all_ops.len(),
            cli.seconds,
            cli.prism_failures.len(),
            if cli.prism_failures.is_empty() { String::new() } else { format!(" ({})", cli.prism_failures.join(", ")) }
        ));
        lines.extend(cli.failures.iter().map(|f| format!("  FAIL {f}")));
        if !cli.failures.is_empty() {
            failures.push(format!(
                "chili CLI: {} operations failed",
                cli.failures.len()
            ));
        }
    }
    let message = lines.join("\n");
    if !failures.is_empty()
        || exercised.len() < all_ops.len()
        || from_prism.len() + synthesized < wanted.len()
    {
        return Err(failed(format!(
            "{message}\n\nconformance failed: {}",
            failures.join("; ")
        )));
    }
    Ok(Outcome::ok(message))
}
