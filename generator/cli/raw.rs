//! `chili request METHOD PATH`: any endpoint, including ones the document
//! does not describe.

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{Context, Failure, Outcome};

/// The `request` command.
pub fn command() -> Command {
    Command::new("request")
        .about("Send any request, including to endpoints the document does not describe")
        .after_help("The response is printed like an operation's: JSON as JSON, text as received.\nExample: chili request GET /v1/org/workspace --query page=0 --query pageSize=3")
        .arg(Arg::new("method").required(true).value_name("METHOD").help("HTTP method: GET, POST, PUT, PATCH, DELETE, ..."))
        .arg(Arg::new("path").required(true).value_name("PATH").help("Path after the base URL, e.g. /v1/org/workspace"))
        .arg(
            Arg::new("query")
                .long("query")
                .short('q')
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .value_parser(pair)
                .help("Add a query parameter (repeatable)"),
        )
        .arg(Arg::new("body").long("body").value_name("JSON|FILE|-").help("JSON body: inline, a file, or - for stdin"))
}

fn pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| "expected NAME=VALUE".to_owned())
}

/// Runs `chili request`.
pub async fn run(ctx: &Context, m: &ArgMatches) -> Outcome {
    let _ = (ctx, m);
    Err(Failure::Internal("not implemented yet".to_owned()))
}
