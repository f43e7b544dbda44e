//! `--verbose`: one stderr line per call, read from the client's own
//! `chilipiper.request` tracing span (method, path template, attempts, last
//! status) plus its duration, and a line per retry. The span never holds the
//! URL or the token, so neither can reach these lines.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Installs the logger for the whole process.
pub fn install() {
    let _ = tracing::subscriber::set_global_default(Logger::default());
}

/// The recorded fields of one open span.
struct Call {
    fields: HashMap<&'static str, String>,
    started: Instant,
    /// Open handles on the span; the line is printed when the last closes.
    refs: usize,
}

#[derive(Default)]
struct Logger {
    next: AtomicU64,
    calls: Mutex<HashMap<u64, Call>>,
}

/// Collects a span's or event's fields as text.
struct Fields<'a>(&'a mut HashMap<&'static str, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
}

impl Subscriber for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // The client's call span (`<api>.request`) and the events inside it.
        metadata.name().ends_with(".request") || metadata.is_event()
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = HashMap::new();
        span.record(&mut Fields(&mut fields));
        let call = Call {
            fields,
            started: Instant::now(),
            refs: 1,
        };
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, call);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(call) = self
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&span.into_u64())
        {
            values.record(&mut Fields(&mut call.fields));
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = HashMap::new();
        event.record(&mut Fields(&mut fields));
        // The client's retry notes: attempt, status or error summary, wait.
        if fields.get("message").map(String::as_str) == Some("retrying") {
            let why = fields
                .get("status")
                .filter(|s| s.as_str() != "None")
                .cloned()
                .or_else(|| fields.get("error").cloned());
            eprintln!(
                "{}: attempt {} failed ({}), retrying in {} ms",
                env!("CARGO_BIN_NAME"),
                fields.get("attempt").map_or("?", String::as_str),
                why.unwrap_or_default(),
                fields.get("wait_ms").map_or("?", String::as_str),
            );
        }
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}

    fn clone_span(&self, id: &Id) -> Id {
        if let Some(call) = self
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&id.into_u64())
        {
            call.refs += 1;
        }
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let Some(call) = calls.get_mut(&id.into_u64()) else {
            return false;
        };
        call.refs -= 1;
        if call.refs > 0 {
            return false;
        }
        let call = calls.remove(&id.into_u64()).expect("present above");
        drop(calls);
        let field = |name: &str| call.fields.get(name).map_or("?", String::as_str);
        let attempts = field("attempt");
        eprintln!(
            "{}: {} {} -> {} ({} attempt{}, {} ms)",
            env!("CARGO_BIN_NAME"),
            field("method"),
            field("path"),
            call.fields
                .get("status")
                .map_or("no response", String::as_str),
            attempts,
            if attempts == "1" { "" } else { "s" },
            call.started.elapsed().as_millis(),
        );
        true
    }
}
