//! IR -> the sources of a command-line crate over the generated client: one
//! subcommand per operation (`chili <group> <operation>`), named by
//! kebab-casing the IR's group and method names. The generated code only
//! declares commands and maps flags onto the client's request builders; the
//! shared logic (settings, output, exit codes, dry runs) is the hand-written
//! `generator/cli/`, copied verbatim as `src/support/`.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToShoutySnakeCase};
use proc_macro2::TokenStream;
use quote::quote;

use super::api::groups;
use super::cli_schema::{check_ty, has_json_body, is_json_body, schema_rs};
use super::{add_job_files, clean_doc, ident, run_jobs, rust_type, Job};
use crate::ir::{Api, Operation, Param, Response, TypeDef, TypeKind, TypeRef};
use crate::{Error, GeneratedCrate};

/// The hand-written support module, copied into the CLI crate as `src/support/`.
const SUPPORT: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../cli/mod.rs")),
    ("args.rs", include_str!("../../cli/args.rs")),
    ("check.rs", include_str!("../../cli/check.rs")),
    ("dry_run.rs", include_str!("../../cli/dry_run.rs")),
    ("output.rs", include_str!("../../cli/output.rs")),
    ("raw.rs", include_str!("../../cli/raw.rs")),
    ("verbose.rs", include_str!("../../cli/verbose.rs")),
];

/// Commands the support module defines at the top level; a group with one of
/// these names gets `-ops` appended.
const BUILTIN_COMMANDS: &[&str] = &["request", "completions", "help"];

/// Flags every operation command has (global settings, `--body`, `--all`); a
/// parameter with one of these names is spelled `--<name>-param`.
const RESERVED_FLAGS: &[&str] = &[
    "all",
    "body",
    "help",
    "token-file",
    "base-url",
    "timeout",
    "max-attempts",
    "verbose",
    "dry-run",
    "version",
];

/// How to name and place the CLI crate.
#[derive(Debug, Clone)]
pub struct CliOptions {
    /// Cargo package name, e.g. `chilipiper-cli`.
    pub crate_name: String,
    /// Name of the binary, e.g. `chili`.
    pub bin_name: String,
    /// Cargo package version.
    pub crate_version: String,
    /// Package name of the generated client it calls.
    pub client_crate: String,
    /// Path from the CLI crate to the client crate.
    pub client_path: String,
    /// Integration tests kept outside the generated crate, as `(name, path
    /// relative to the CLI crate)`; they get the dev-dependencies they use.
    /// `cargo package` leaves them out of a published crate.
    pub tests: Vec<(String, String)>,
    /// The client's token variable (its `TOKEN_ENV_VAR`), for the README.
    pub token_env_var: String,
    /// crates.io metadata: with it the crate can be published (it requires
    /// the client at `crate_version`, which it shares); without it the
    /// manifest says `publish = false`.
    pub package: Option<crate::Package>,
}

/// `["workspace", "list-users"]`: the words that select `op` on the command
/// line (one word for an operation without a group).
pub fn command_words(op: &Operation) -> Vec<String> {
    let method = op.method_name.trim_start_matches("r#").to_kebab_case();
    if op.group.is_empty() {
        vec![method]
    } else {
        vec![group_word(&op.group), method]
    }
}

/// The long flag of a parameter, without the dashes: `workspace-id`.
pub fn flag_name(param: &Param) -> String {
    let flag = param.name.trim_start_matches("r#").to_kebab_case();
    if RESERVED_FLAGS.contains(&flag.as_str()) {
        format!("{flag}-param")
    } else {
        flag
    }
}

fn group_word(group: &str) -> String {
    let word = group.trim_start_matches("r#").to_kebab_case();
    if BUILTIN_COMMANDS.contains(&word.as_str()) {
        format!("{word}-ops")
    } else {
        word
    }
}

/// Emits every file of the CLI crate for `api`.
pub fn emit_cli(api: &Api, options: &CliOptions) -> Result<GeneratedCrate, Error> {
    let groups = groups(api);
    let types: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut jobs: Vec<Job<'_>> = vec![
        Job::tokens("src/main.rs", Box::new(|| main_rs(api, options))),
        Job::tokens(
            "src/commands/mod.rs",
            Box::new(|| commands_mod(api, options, &groups)),
        ),
    ];
    for (group, ops) in &groups {
        let types = &types;
        jobs.push(Job::tokens(
            format!("src/commands/{group}.rs"),
            Box::new(move || group_file(api, options, types, group, ops)),
        ));
    }
    if has_json_body(api) {
        jobs.push(Job::tokens(
            "src/commands/schema.rs",
            Box::new(|| schema_rs(api, &types)),
        ));
    }
    let parts = run_jobs(&jobs)?;
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_string(), cargo_toml(api, options));
    files.insert("README.md".to_string(), readme(options, &groups));
    add_job_files(&mut files, &jobs, parts);
    for (name, text) in SUPPORT {
        files.insert(format!("src/support/{name}"), (*text).to_string());
    }
    Ok(GeneratedCrate { files })
}

fn cargo_toml(api: &Api, options: &CliOptions) -> String {
    // Published, the client is required at the version both crates share.
    let client_version = match &options.package {
        Some(_) => format!("version = {}, ", toml_str(&options.crate_version)),
        None => String::new(),
    };
    let mut deps = vec![
        format!(
            "sdk = {{ package = {}, {client_version}path = {} }}",
            toml_str(&options.client_crate),
            toml_str(&options.client_path)
        ),
        // Without color and terminal-width detection: help text is the same everywhere.
        "clap = { version = \"4.5\", default-features = false, features = [\"std\", \"help\", \"usage\", \"error-context\", \"suggestions\"] }".to_string(),
        "clap_complete = \"4.5\"".to_string(),
        "serde = \"1\"".to_string(),
        "serde_json = \"1\"".to_string(),
        "serde_path_to_error = \"0.1\"".to_string(),
        "tokio = { version = \"1\", default-features = false, features = [\"rt\", \"time\"] }".to_string(),
        "tracing = { version = \"0.1\", default-features = false, features = [\"std\"] }".to_string(),
    ];
    let param_types = || {
        api.operations
            .iter()
            .flat_map(|o| o.params.iter().map(|p| &p.ty))
    };
    if param_types().any(|t| mentions(t, &TypeRef::DateTime) || mentions(t, &TypeRef::Date)) {
        deps.push("chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }".to_string());
    }
    if param_types().any(|t| mentions(t, &TypeRef::Uuid)) {
        deps.push("uuid = { version = \"1\", features = [\"serde\"] }".to_string());
    }
    deps.sort();
    let description = format!(
        "`{}`: {} from the command line (generated from its OpenAPI document, version {}).",
        options.bin_name, api.title, api.version
    );
    let mut meta = super::package_meta(
        options
            .package
            .as_ref()
            .unwrap_or(&crate::Package::default()),
        &options.crate_name,
        &options.crate_version,
        &description,
        false,
    );
    if options.package.is_none() {
        meta.push("publish = false".to_string());
    }
    let meta = meta.join("\n");
    let mut out = format!(
        "# @generated by chili-gen. Do not edit: run `cargo xtask regen`.\n[package]\n{meta}\n\n[[bin]]\nname = {}\npath = \"src/main.rs\"\n\n[dependencies]\n{}\n",
        toml_str(&options.bin_name),
        deps.join("\n")
    );
    if !options.tests.is_empty() {
        out.push_str("\n[dev-dependencies]\ninsta = \"1\"\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\nwiremock = \"0.6\"\n");
        for (name, path) in &options.tests {
            out.push_str(&format!(
                "\n[[test]]\nname = {}\npath = {}\n",
                toml_str(name),
                toml_str(path)
            ));
        }
    }
    out
}

/// `README.md`: the crates.io page of the CLI: install, authenticate, the
/// commands by group, output and exit status.
fn readme(options: &CliOptions, groups: &BTreeMap<&str, Vec<&Operation>>) -> String {
    let bin = &options.bin_name;
    let mut rows = String::new();
    for ops in groups.values() {
        let mut words: Vec<Vec<String>> = ops.iter().map(|op| command_words(op)).collect();
        words.sort();
        let group = if ops[0].group.is_empty() {
            String::new()
        } else {
            format!(" {}", words[0][0])
        };
        let names: Vec<String> = words
            .iter()
            .map(|w| format!("`{}`", w.last().map_or("", String::as_str)))
            .collect();
        rows.push_str(&format!("| `{bin}{group}` | {} |\n", names.join(", ")));
    }
    // A list that needs nothing but the token, to show `--all` on.
    let paged = groups.values().flatten().find(|op| {
        op.pagination.is_some()
            && op.arguments().is_empty()
            && op.body.as_ref().is_none_or(|b| !b.required)
    });
    let mut lines: Vec<(String, &str)> = vec![
        (
            format!("export {}=...", options.token_env_var),
            "or --token-file FILE",
        ),
        (format!("{bin} --help"), "the commands"),
        (
            format!("{bin} <group> <operation> --help"),
            "an operation's flags",
        ),
    ];
    if let Some(op) = paged {
        lines.push((
            format!("{bin} {} --all", command_words(op).join(" ")),
            "every page, one JSON object per line",
        ));
    }
    lines.push((
        format!("{bin} request GET /any/path"),
        "a request the document does not describe",
    ));
    lines.push((format!("{bin} completions bash"), "shell completions"));
    let width = lines.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    let usage: String = lines
        .iter()
        .map(|(command, note)| format!("{command:width$}  # {note}\n"))
        .collect();
    format!(
        "<!-- @generated by chili-gen. Do not edit: run `cargo xtask regen`. -->\n\
         # `{bin}`\n\n\
         Every operation of the API, from the command line, through the [`{client}`]\
         (https://docs.rs/{client}) client: one command per operation, its parameters as flags, \
         JSON bodies inline, from a file or from stdin.\n\n\
         ## Install\n\n\
         ```sh\ncargo install {krate}\n```\n\n\
         ## Use\n\n\
         ```sh\n{usage}```\n\n\
         `--dry-run` prints the request as a curl command (token masked) instead of sending it; \
         `--verbose` logs each request on stderr without its values.\n\n\
         Output: JSON on stdout (indented on a terminal); with `--all`, one JSON object per line. \
         Exit status: 0 ok, 2 bad usage or input (nothing sent), 3 API 4xx, 4 API 5xx, \
         5 no response (connect, timeout), 6 undecodable response.\n\n\
         ## Commands\n\n\
         | command | operations |\n|---|---|\n{rows}",
        client = options.client_crate,
        krate = options.crate_name,
    )
}

fn mentions(t: &TypeRef, wanted: &TypeRef) -> bool {
    match t {
        TypeRef::List(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => mentions(i, wanted),
        other => other == wanted,
    }
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialize")
}

fn main_rs(api: &Api, options: &CliOptions) -> TokenStream {
    let doc = format!(
        " `{}`: every operation of {} (version {}) from the command line, through the `{}` client.",
        options.bin_name, api.title, api.version, options.client_crate
    );
    quote! {
        #![doc = #doc]
        #![doc = ""]
        #![doc = " Generated by chili-gen from the same IR as the client. Do not edit by hand: run `cargo xtask regen`."]
        // Laid out by the generator, not by `cargo fmt` (see the client's lib.rs).
        #![cfg_attr(rustfmt, rustfmt::skip)]

        #[rustfmt::skip]
        mod commands;
        mod support;

        fn main() -> std::process::ExitCode {
            support::main(commands::command, |ctx, matches| Box::pin(commands::run(ctx, matches)))
        }
    }
}

fn commands_mod(
    api: &Api,
    options: &CliOptions,
    groups: &BTreeMap<&str, Vec<&Operation>>,
) -> TokenStream {
    let mut mods: Vec<TokenStream> = groups
        .keys()
        .map(|g| {
            let m = ident(g);
            quote!(mod #m;)
        })
        .collect();
    if has_json_body(api) {
        mods.push(quote!(
            mod schema;
        ));
    }
    let mut subcommands = Vec::new();
    let mut arms = Vec::new();
    let mut untagged = quote!();
    let mut fallback = quote!(_ => Err(Failure::Internal(format!("unknown command {group}"))),);
    for (group, ops) in groups {
        let module = ident(group);
        if ops[0].group.is_empty() {
            untagged = quote!(.subcommands(#module::commands()));
            fallback = quote!(_ => #module::run(ctx, group, m).await,);
            continue;
        }
        let word = group_word(group);
        let about = group_about(ops);
        subcommands.push(quote! {
            .subcommand(
                Command::new(#word)
                    .about(#about)
                    .subcommand_required(true)
                    .arg_required_else_help(true)
                    .subcommands(#module::commands())
            )
        });
        arms.push(quote! {
            #word => {
                let (name, m) = m.subcommand().ok_or_else(|| Failure::Internal(format!("no operation for {group}")))?;
                #module::run(ctx, name, m).await
            }
        });
    }
    let bin = &options.bin_name;
    let about = format!(
        "{} from the command line: every operation of the API document (version {})",
        api.title, api.version
    );
    let after = "Authentication: set {} (or pass --token-file FILE). {} or --base-url changes the server.\n\
         Output: JSON on stdout (indented on a terminal); with --all, one JSON object per line.\n\
         Exit status: 0 ok, 2 bad usage or input (nothing sent), 3 API 4xx, 4 API 5xx, 5 no response (connect, timeout), 6 undecodable response.";
    quote! {
        //! The operation commands: one subcommand per group (the document's
        //! tags), one per operation inside it.
        // Deprecated operations stay callable; their help says so.
        #![allow(deprecated)]

        #(#mods)*

        use clap::{ArgMatches, Command};

        use crate::support::{Context, Failure, Outcome};

        /// The whole command tree, before the support module adds its settings.
        pub(crate) fn command() -> Command {
            let after = format!(#after, sdk::TOKEN_ENV_VAR, sdk::BASE_URL_ENV_VAR);
            Command::new(#bin)
                .version(env!("CARGO_PKG_VERSION"))
                .about(#about)
                .after_help(after)
                #untagged
                #(#subcommands)*
        }

        /// Runs the operation the command line selects.
        pub(crate) async fn run(ctx: &Context, m: &ArgMatches) -> Outcome {
            let (group, m) = m.subcommand().ok_or_else(|| Failure::Internal("no command".to_string()))?;
            match group {
                #(#arms)*
                #fallback
            }
        }
    }
}

/// `4 operations: list, list-users, add-users, remove-users`, cut to one short line.
fn group_about(ops: &[&Operation]) -> String {
    let mut about = format!(
        "{} operation{}: ",
        ops.len(),
        if ops.len() == 1 { "" } else { "s" }
    );
    for (i, op) in ops.iter().enumerate() {
        let name = command_words(op).pop().unwrap_or_default();
        if about.len() + name.len() > 72 {
            about.push_str("...");
            break;
        }
        if i > 0 {
            about.push_str(", ");
        }
        about.push_str(&name);
    }
    about
}

fn group_file(
    api: &Api,
    options: &CliOptions,
    types: &BTreeMap<&str, &TypeDef>,
    group: &str,
    ops: &[&Operation],
) -> TokenStream {
    let doc = if ops[0].group.is_empty() {
        " Operations without a tag: top-level commands.".to_string()
    } else {
        format!(
            " `{}`: operations tagged `{}`.",
            group_word(group),
            ops[0].group
        )
    };
    let commands = ops
        .iter()
        .map(|op| command(api, &options.bin_name, types, op));
    let arms = ops.iter().map(|op| arm(types, op));
    // Imports and names only as used, so every document's crate builds without warnings.
    let takes_args = ops.iter().any(|o| !o.params.is_empty() || o.body.is_some());
    let clap_items = if takes_args {
        quote!(
            use clap::{Arg, ArgAction, ArgMatches, Command};
        )
    } else {
        quote!(
            use clap::{ArgMatches, Command};
        )
    };
    let m = if takes_args { quote!(m) } else { quote!(_m) };
    quote! {
        #![doc = #doc]
        #clap_items

        #[allow(unused_imports)]
        use crate::support::{self, Context, Failure, Kind, Outcome};

        /// One subcommand per operation.
        pub(crate) fn commands() -> Vec<Command> {
            Vec::from([#(#commands),*])
        }

        /// Runs the operation called `name`.
        pub(crate) async fn run(ctx: &Context, name: &str, #m: &ArgMatches) -> Outcome {
            match name {
                #(#arms)*
                _ => Err(Failure::Internal(format!("unknown operation {name}"))),
            }
        }
    }
}

/// How a parameter's flag is read.
struct Shape<'a> {
    /// The type of one value (the item type of a list).
    item: &'a TypeRef,
    list: bool,
    kind: &'static str,
    /// Wire values, for an enum.
    choices: Option<Vec<String>>,
}

fn shape<'a>(types: &BTreeMap<&str, &TypeDef>, ty: &'a TypeRef) -> Shape<'a> {
    let (item, list) = match ty {
        TypeRef::List(inner) => (&**inner, true),
        other => (other, false),
    };
    let (kind, choices) = kind(types, item);
    Shape {
        item,
        list,
        kind,
        choices,
    }
}

fn kind(types: &BTreeMap<&str, &TypeDef>, ty: &TypeRef) -> (&'static str, Option<Vec<String>>) {
    match ty {
        TypeRef::String | TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid => ("Text", None),
        TypeRef::I32 | TypeRef::I64 => ("Integer", None),
        TypeRef::F32 | TypeRef::F64 => ("Number", None),
        TypeRef::Bool => ("Bool", None),
        TypeRef::Nullable(inner) => kind(types, inner),
        TypeRef::Named(name) => match types.get(name.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Enum { values }) => (
                "Text",
                Some(values.iter().map(|v| v.wire.clone()).collect()),
            ),
            Some(TypeKind::Newtype { inner, .. }) => kind(types, inner),
            _ => ("Json", None),
        },
        TypeRef::Json | TypeRef::Map(_) | TypeRef::List(_) => ("Json", None),
    }
}

fn types_path() -> TokenStream {
    quote!(sdk::types::)
}

/// The parameter's id in clap's matches: its Rust name, or the flag when the
/// name is reserved.
fn arg_id(p: &Param) -> String {
    flag_name(p).replace('-', "_")
}

fn command(api: &Api, bin: &str, types: &BTreeMap<&str, &TypeDef>, op: &Operation) -> TokenStream {
    let words = command_words(op);
    let name = words.last().expect("at least one word");
    let summary = op
        .docs
        .summary
        .as_deref()
        .map(clean_doc)
        .filter(|s| !s.is_empty());
    let description = op
        .docs
        .description
        .as_deref()
        .map(clean_doc)
        .filter(|s| !s.is_empty());
    let mut about = summary
        .clone()
        .or_else(|| {
            description
                .as_ref()
                .and_then(|d| d.lines().next().map(str::to_string))
        })
        .unwrap_or_else(|| format!("{} {}", op.http_method, op.path));
    about = about
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_string();
    if op.docs.deprecated {
        about = format!("[deprecated] {about}");
    }
    let mut long = vec![about.clone()];
    if let Some(d) = description.filter(|d| Some(d) != summary.as_ref()) {
        long.push(d);
    }
    let long = long.join("\n\n");

    let mut after = Vec::new();
    if op.docs.deprecated {
        let replacement = op
            .replacement
            .as_ref()
            .and_then(|r| api.operations.iter().find(|o| &o.id == r));
        after.push(match replacement {
            Some(r) => format!(
                "Deprecated: use `{bin} {}` instead.",
                command_words(r).join(" ")
            ),
            None => "Deprecated in the API document.".to_string(),
        });
    }
    if !op.permissions.is_empty() {
        after.push(format!(
            "Required permissions: {}",
            op.permissions.join(", ")
        ));
    }
    after.push(format!(
        "HTTP: {} {} (operation {})",
        op.http_method, op.path, op.id
    ));
    if let Some(b) = &op.body {
        after.push(format!(
            "Body: {} as JSON, inline, from a file, or - for stdin",
            b.ty
        ));
    }
    match &op.response {
        Response::Json(t) => after.push(format!("Output: {t} as JSON")),
        Response::Text { content_type } => {
            after.push(format!("Output: the {content_type} text, as received"))
        }
        Response::Empty => after.push("Output: nothing".to_string()),
    }
    if op.pagination.is_some() {
        after.push(
            "Paging: --all walks every page and prints one JSON object per item and line."
                .to_string(),
        );
    }
    let after = after.join("\n");

    let required: Vec<&str> = op.arguments().iter().map(|p| p.name.as_str()).collect();
    let args = op.params.iter().map(|p| {
        let s = shape(types, &p.ty);
        let id = arg_id(p);
        let long_flag = flag_name(p);
        let value_name = long_flag.to_shouty_snake_case();
        let mut help = p
            .docs
            .summary
            .as_deref()
            .or(p.docs.description.as_deref())
            .map(|t| {
                clean_doc(t)
                    .split("\n\n")
                    .next()
                    .unwrap_or_default()
                    .replace('\n', " ")
            })
            .unwrap_or_else(|| {
                format!(
                    "`{}` {} parameter",
                    p.wire_name,
                    format!("{:?}", p.location).to_lowercase()
                )
            });
        if let Some(d) = p.default.as_ref().filter(|d| !d.is_null()) {
            help.push_str(&format!(" [server default: {d}]"));
        }
        if s.list {
            help.push_str(" (repeatable)");
        }
        let item = rust_type(s.item, &types_path());
        let parser = match &s.choices {
            Some(values) => quote!(support::choice::<#item>(&[#(#values),*])),
            None => {
                let k = ident(s.kind);
                quote!(support::value::<#item>(Kind::#k))
            }
        };
        let action = if s.list {
            quote!(ArgAction::Append)
        } else {
            quote!(ArgAction::Set)
        };
        let is_required = required.contains(&p.name.as_str());
        quote! {
            .arg(
                Arg::new(#id)
                    .long(#long_flag)
                    .value_name(#value_name)
                    .required(#is_required)
                    .action(#action)
                    .value_parser(#parser)
                    .help(#help)
            )
        }
    });
    let body = op.body.as_ref().map(|b| {
        let required = b.required;
        let help = format!("Request body ({}): JSON inline, a file name, or - for stdin", b.ty);
        quote! {
            .arg(Arg::new("body").long("body").value_name("JSON|FILE|-").required(#required).help(#help))
        }
    });
    let all = op.pagination.as_ref().map(|_| {
        quote! {
            .arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help("Walk every page; print each item as one JSON line"))
        }
    });
    quote! {
        Command::new(#name)
            .about(#about)
            .long_about(#long)
            .after_help(#after)
            #(#args)*
            #body
            #all
    }
}

/// The `match` arm that builds and sends `op`'s request from the matches.
fn arm(types: &BTreeMap<&str, &TypeDef>, op: &Operation) -> TokenStream {
    let name = command_words(op).pop().expect("at least one word");
    let mut steps = Vec::new();
    let mut args = Vec::new();
    for p in op.arguments() {
        let s = shape(types, &p.ty);
        let item = rust_type(s.item, &types_path());
        let id = arg_id(p);
        let var = ident(&format!("arg_{}", p.name.trim_start_matches("r#")));
        steps.push(if s.list {
            quote!(let #var = support::required_many::<#item>(m, #id)?;)
        } else {
            quote!(let #var = support::required::<#item>(m, #id)?;)
        });
        args.push(quote!(#var));
    }
    let body_is_text = op.body.as_ref().is_some_and(|b| !is_json_body(b));
    let mut setters = Vec::new();
    if let Some(b) = &op.body {
        let t = rust_type(&b.ty, &types_path());
        match (b.required, body_is_text) {
            (true, false) => {
                let ty = check_ty(types, &b.ty);
                steps.push(quote!(let body = support::body::<#t>(m, super::schema::TYPES, &#ty)?;));
                args.push(quote!(body));
            }
            (true, true) => {
                steps.push(quote!(let body = support::text_body(m)?.unwrap_or_default();));
                args.push(quote!(body));
            }
            (false, false) => setters.push({
                let ty = check_ty(types, &b.ty);
                quote! {
                if let Some(body) = support::optional_body::<#t>(m, super::schema::TYPES, &#ty)? {
                    request = request.body(body);
                }
            }}),
            (false, true) => setters.push(quote! {
                if let Some(body) = support::text_body(m)? {
                    request = request.body(body);
                }
            }),
        }
    }
    for p in op.setters() {
        let s = shape(types, &p.ty);
        let item = rust_type(s.item, &types_path());
        let id = arg_id(p);
        let setter = ident(&p.name);
        let read = if s.list {
            quote!(support::many::<#item>(m, #id))
        } else {
            quote!(support::one::<#item>(m, #id))
        };
        setters.push(quote! {
            if let Some(value) = #read {
                request = request.#setter(value);
            }
        });
    }
    let method = ident(&op.method_name);
    let call = if op.group.is_empty() {
        quote!(ctx.client().#method(#(#args),*))
    } else {
        let group = ident(&op.group);
        quote!(ctx.client().#group().#method(#(#args),*))
    };
    let binding = if setters.is_empty() {
        quote!(let request)
    } else {
        quote!(let mut request)
    };
    let paging = op.pagination.as_ref().map(|_| {
        quote! {
            if support::all(m) {
                return ctx.items(request.items()).await;
            }
        }
    });
    let print = match &op.response {
        Response::Json(_) => quote!(ctx.json(request.await)),
        Response::Text { .. } => quote!(ctx.text(request.await)),
        Response::Empty => quote!(ctx.empty(request.await)),
    };
    quote! {
        #name => {
            #(#steps)*
            #binding = #call;
            #(#setters)*
            #paging
            #print
        }
    }
}
