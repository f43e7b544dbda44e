//! Hand-written support shared by every generated command: global settings,
//! the client, exit codes, error lines, output, argument decoding, dry runs
//! and `--verbose` logging.
//!
//! Copied verbatim into the generated CLI crate as `src/support/` by chili-gen;
//! edit it in `generator/cli/`, not in the generated crate. Generated code only
//! declares commands and maps arguments onto the client's request builders.

// A document may not need every kind of argument.
#[allow(dead_code)]
mod args;
// Used when the document has JSON request bodies.
#[allow(dead_code)]
pub mod check;
mod dry_run;
mod output;
mod raw;
mod verbose;

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use sdk::{Client, Error, RetryPolicy};

#[allow(unused_imports)]
pub use args::{
    all, body, choice, many, one, optional_body, required, required_many, text_body, value, Kind,
};
pub use output::Context;

/// Exit status when everything worked.
pub const EXIT_OK: u8 = 0;
/// Something else failed: writing the output, an internal error.
pub const EXIT_FAILURE: u8 = 1;
/// Bad usage or bad input (unknown flag, malformed body, missing token):
/// nothing was sent. Also clap's status for usage errors.
pub const EXIT_USAGE: u8 = 2;
/// The API answered with a 4xx status: fix the request (or the token).
pub const EXIT_API_CLIENT: u8 = 3;
/// The API answered with a 5xx status (or another non-2xx one): try later.
pub const EXIT_API_SERVER: u8 = 4;
/// No answer: connect, TLS, timeout or reset.
pub const EXIT_TRANSPORT: u8 = 5;
/// A 2xx answer whose body does not match the documented type.
pub const EXIT_DECODE: u8 = 6;

/// Why a command failed; each kind has its exit status.
#[derive(Debug)]
pub enum Failure {
    /// Bad input caught before anything was sent.
    Usage(String),
    /// The client's error: API status, transport, decode, or a request it
    /// refused to build.
    Client(Error),
    /// Writing to stdout failed.
    Output(std::io::Error),
    /// A bug of the CLI itself.
    Internal(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Client(e)
    }
}

/// What a command returns.
pub type Outcome = Result<(), Failure>;

/// The generated dispatcher: runs the operation the matches select.
pub type Dispatch =
    for<'a> fn(&'a Context, &'a ArgMatches) -> Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// Settings every command accepts (declared `global`, so they may follow the
/// subcommand).
fn global_args() -> Vec<Arg> {
    let token_var = sdk::TOKEN_ENV_VAR;
    let base_var = sdk::BASE_URL_ENV_VAR;
    vec![
        Arg::new("token_file")
            .long("token-file")
            .value_name("FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .global(true)
            .help(format!(
                "Read the API token from FILE instead of ${token_var}"
            )),
        Arg::new("base_url")
            .long("base-url")
            .value_name("URL")
            .global(true)
            .help(format!(
                "API base URL [default: ${base_var}, else {}]",
                sdk::DEFAULT_BASE_URL
            )),
        Arg::new("timeout")
            .long("timeout")
            .value_name("DURATION")
            .value_parser(args::duration)
            .global(true)
            .help("Limit each call, retries included (30s, 500ms, 2m; a bare number is seconds)"),
        Arg::new("max_attempts")
            .long("max-attempts")
            .value_name("N")
            .value_parser(clap::value_parser!(u32).range(1..=20))
            .global(true)
            .help("Send a failing request at most N times [default: 3]"),
        Arg::new("verbose")
            .long("verbose")
            .short('v')
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Log each request on stderr: method, path template, status, attempts, time"),
        Arg::new("dry_run")
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Print the request as a curl command (token masked) instead of sending it"),
    ]
    .into_iter()
    .map(|arg| arg.help_heading("Settings"))
    .collect()
}

/// The whole command line: the generated operation commands plus the
/// built-in `request` and `completions` commands and the global settings.
pub fn command(operations: Command) -> Command {
    operations
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args())
        .subcommand(raw::command())
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .long_about("Print a shell completion script.\n\nbash: chili completions bash > /etc/bash_completion.d/chili\nzsh:  chili completions zsh > \"${fpath[1]}/_chili\"\nfish: chili completions fish > ~/.config/fish/completions/chili.fish")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell))
                        .help("The shell to complete for"),
                ),
        )
}

/// Parses the command line, runs the command and maps the outcome to an exit
/// status. Usage errors (clap's) exit with 2 before anything is sent.
pub fn main(operations: fn() -> Command, dispatch: Dispatch) -> ExitCode {
    let matches = match command(operations()).try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            // Help and version go to stdout with status 0; real errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    if let Some(("completions", m)) = matches.subcommand() {
        let shell = *m
            .get_one::<clap_complete::Shell>("shell")
            .expect("required by clap");
        let mut cli = command(operations());
        let name = cli.get_name().to_owned();
        clap_complete::generate(shell, &mut cli, name, &mut std::io::stdout());
        return ExitCode::from(EXIT_OK);
    }
    ExitCode::from(execute(&matches, dispatch))
}

/// Builds the client from the settings, runs the command on a tokio runtime
/// and reports failures; returns the exit status.
fn execute(matches: &ArgMatches, dispatch: Dispatch) -> u8 {
    let dry_run = matches.get_flag("dry_run");
    let token = match token(matches) {
        Ok(token) => token,
        // A dry run prints the token as a variable; it does not need one.
        Err(_) if dry_run => Token {
            value: "dry-run-token".to_owned(),
            shown_as: format!("${}", sdk::TOKEN_ENV_VAR),
        },
        Err(message) => return report(&Failure::Usage(message), None),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return report(
                &Failure::Internal(format!("cannot start the async runtime: {e}")),
                None,
            )
        }
    };
    let base_url = base_url(matches);
    let mut capture = None;
    let client = if dry_run {
        match dry_run::Capture::start(&base_url) {
            Ok(c) => {
                let client = client(matches, &token.value, c.local_base_url());
                capture = Some(c);
                client
            }
            Err(e) => {
                return report(
                    &Failure::Internal(format!("cannot prepare the dry run: {e}")),
                    None,
                )
            }
        }
    } else {
        if matches.get_flag("verbose") {
            verbose::install();
        }
        client(matches, &token.value, base_url.clone())
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => return report(&Failure::Usage(e.to_string()), Some(&token.value)),
    };
    let ctx = Context::new(client, dry_run);
    let outcome = runtime.block_on(async {
        match matches.subcommand() {
            Some(("request", m)) => raw::run(&ctx, m).await,
            _ => dispatch(&ctx, matches).await,
        }
    });
    drop(ctx);
    if let Some(capture) = capture {
        // The capture server answered with an error on purpose; what counts is
        // whether a request reached it.
        return match (capture.finish(), outcome) {
            (Some(request), _) => {
                let curl = dry_run::curl(&request, &base_url, &token.shown_as);
                match writeln!(std::io::stdout(), "{curl}") {
                    Ok(()) => EXIT_OK,
                    Err(e) => report(&Failure::Output(e), Some(&token.value)),
                }
            }
            (None, Err(failure)) => report(&failure, Some(&token.value)),
            (None, Ok(())) => report(
                &Failure::Internal("the dry run captured no request".to_owned()),
                None,
            ),
        };
    }
    match outcome {
        Ok(()) => EXIT_OK,
        Err(failure) => report(&failure, Some(&token.value)),
    }
}

/// The token and how a printed command refers to it.
struct Token {
    value: String,
    /// Shell text standing for the token in `--dry-run` output.
    shown_as: String,
}

/// The token from `--token-file`, else from the environment variable.
fn token(matches: &ArgMatches) -> Result<Token, String> {
    let var = sdk::TOKEN_ENV_VAR;
    if let Some(path) = matches.get_one::<PathBuf>("token_file") {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?;
        let value = text.trim().to_owned();
        if value.is_empty() {
            return Err(format!(
                "the token file {} is empty; put your API token in it",
                path.display()
            ));
        }
        let shown_as = format!(
            "$(cat {})",
            dry_run::shell_quote(&path.display().to_string())
        );
        return Ok(Token { value, shown_as });
    }
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Ok(Token {
            value: v.trim().to_owned(),
            shown_as: format!("${var}"),
        }),
        Ok(_) | Err(std::env::VarError::NotPresent) => {
            Err(format!("no API token: set {var} or pass --token-file FILE"))
        }
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{var} is not valid UTF-8")),
    }
}

/// `--base-url`, else the environment variable, else the document's server.
fn base_url(matches: &ArgMatches) -> String {
    if let Some(url) = matches.get_one::<String>("base_url") {
        return url.clone();
    }
    match std::env::var(sdk::BASE_URL_ENV_VAR) {
        Ok(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ => sdk::DEFAULT_BASE_URL.to_owned(),
    }
}

fn client(matches: &ArgMatches, token: &str, base_url: String) -> Result<Client, Error> {
    let mut builder = Client::builder()
        .token(token)
        .base_url(base_url)
        .user_agent(format!(
            "{}/{}",
            env!("CARGO_BIN_NAME"),
            env!("CARGO_PKG_VERSION")
        ));
    if let Some(timeout) = matches.get_one::<Duration>("timeout") {
        builder = builder.timeout(*timeout);
    }
    let attempts = if matches.get_flag("dry_run") {
        Some(1)
    } else {
        matches.get_one::<u32>("max_attempts").copied()
    };
    if let Some(n) = attempts {
        builder = builder.retry(RetryPolicy::default().max_attempts(n));
    }
    builder.build()
}

/// The exit status of `failure`, after printing its one-line reason on stderr.
/// The token never appears: it is masked should any text contain it.
fn report(failure: &Failure, token: Option<&str>) -> u8 {
    let (status, line) = describe(failure);
    let line = match token {
        Some(t) if t.len() >= 4 => line.replace(t, "***"),
        _ => line,
    };
    // A closed stdout (`chili ... | head`) is not worth a message.
    if let Failure::Output(e) = failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return EXIT_OK;
        }
    }
    eprintln!("{}: error: {line}", env!("CARGO_BIN_NAME"));
    status
}

/// Exit status and message of a failure. Messages name the operation and the
/// path template, never the URL: its query and path may hold personal data.
pub fn describe(failure: &Failure) -> (u8, String) {
    match failure {
        Failure::Usage(m) => (EXIT_USAGE, m.clone()),
        Failure::Output(e) => (EXIT_FAILURE, format!("cannot write the output: {e}")),
        Failure::Internal(m) => (
            EXIT_FAILURE,
            format!("internal error: {m}; please report it"),
        ),
        Failure::Client(e) => client_error(e),
    }
}

/// Reads the error through its accessors and variant names only, so it
/// keeps working as the runtime's error type grows.
fn client_error(e: &Error) -> (u8, String) {
    let op = e.operation().unwrap_or("request");
    let attempts = match e.attempts() {
        0 | 1 => String::new(),
        n => format!(", {n} attempts"),
    };
    match e {
        Error::Api { .. } => {
            let Some(status) = e.status() else {
                return (EXIT_API_SERVER, e.to_string());
            };
            let mut line = format!("HTTP {}", status.as_u16());
            if let Some(reason) = status.canonical_reason() {
                line.push_str(&format!(" {reason}"));
            }
            line.push_str(&format!(" ({op}{attempts})"));
            match e.error_code() {
                Some(code) => {
                    line.push_str(&format!(" errorCode={}", output::one_line(code)));
                    if let Some(message) = e.error_message().filter(|m| !m.trim().is_empty()) {
                        line.push_str(&format!(" errorMessage={:?}", output::one_line(message)));
                    }
                }
                // Not the API's error object: plain text, or a proxy's page.
                None => {
                    if let Some(body) = e.raw_body().filter(|b| !b.trim().is_empty()) {
                        line.push_str(&format!(" body={:?}", output::one_line(body)));
                    }
                }
            }
            line.push_str(&format!(
                " requestId={}",
                e.request_id()
                    .map(output::one_line)
                    .unwrap_or_else(|| "-".to_owned())
            ));
            (
                if status.is_client_error() {
                    EXIT_API_CLIENT
                } else {
                    EXIT_API_SERVER
                },
                line,
            )
        }
        Error::Transport { .. } => {
            // The HTTP client's own message may carry the URL (its query and
            // path may hold personal data); the root cause does not.
            let mut root: &dyn std::error::Error = e;
            while let Some(next) = root.source() {
                root = next;
            }
            let kind = if e.is_timeout() {
                "timed out"
            } else {
                "no response"
            };
            (
                EXIT_TRANSPORT,
                format!(
                    "{kind} ({op}{attempts}): {}",
                    output::one_line(&root.to_string())
                ),
            )
        }
        Error::Decode { .. } => (
            EXIT_DECODE,
            format!("the response does not match the documented type: {e}"),
        ),
        // The client refused to build the request: bad input, nothing sent.
        Error::Request { .. } => (EXIT_USAGE, e.to_string()),
        other => (EXIT_FAILURE, other.to_string()),
    }
}
