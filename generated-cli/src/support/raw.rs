//! `chili request METHOD PATH`: any endpoint, including ones the document
//! does not describe.

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::args::optional_body;
use super::check::Ty;
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

/// Runs `chili request`. The answer is printed like an operation's: JSON
/// (pretty on a terminal), other text as received, nothing for no body.
pub async fn run(ctx: &Context, m: &ArgMatches) -> Outcome {
    let given = m
        .get_one::<String>("method")
        .map(String::as_str)
        .unwrap_or_default();
    let method = sdk::Method::from_bytes(given.to_ascii_uppercase().as_bytes())
        .map_err(|_| Failure::Usage(format!("{given:?} is not an HTTP method")))?;
    let path = m
        .get_one::<String>("path")
        .map(String::as_str)
        .unwrap_or_default();
    if !path.starts_with('/') {
        return Err(Failure::Usage(format!(
            "the path must start with / (it is appended to the base URL), got {path:?}"
        )));
    }
    let mut request = ctx.client().request(method, path.to_owned());
    if let Some(pairs) = m.get_many::<(String, String)>("query") {
        for (name, value) in pairs {
            request = request.query(name, value);
        }
    }
    if let Some(body) = optional_body::<serde_json::Value>(m, &[], &Ty::Any)? {
        request = request.json(&body);
    }
    ctx.text_or_json(request.send_text().await)
}
