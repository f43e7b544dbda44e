//! Limits (pattern, lengths, bounds, formats): which way each one moved.

use super::super::{Dir, Severity};
use crate::ir::Constraints;

/// One changed limit, and which way it moved.
pub(crate) struct Limit {
    /// The change in words.
    pub(crate) text: String,
    /// Fewer values are valid now.
    narrower: bool,
    /// More values are valid now.
    wider: bool,
}

/// How constraints changed, facet by facet.
pub(crate) fn limit_changes(old: &Constraints, new: &Constraints) -> Vec<Limit> {
    let mut out = Vec::new();
    let mut exact = |name: &str, o: Option<String>, n: Option<String>| match (o, n) {
        (o, n) if o == n => {}
        (None, Some(n)) => out.push(Limit {
            text: format!("{name} `{n}` added"),
            narrower: true,
            wider: false,
        }),
        (Some(o), None) => out.push(Limit {
            text: format!("{name} `{o}` removed"),
            narrower: false,
            wider: true,
        }),
        (Some(o), Some(n)) => out.push(Limit {
            text: format!("{name} `{o}` → `{n}`"),
            narrower: true,
            wider: true,
        }),
        (None, None) => {}
    };
    exact("pattern", old.pattern.clone(), new.pattern.clone());
    exact("format", old.format.clone(), new.format.clone());
    fn bound<T: PartialOrd + std::fmt::Display + Copy>(
        out: &mut Vec<Limit>,
        name: &str,
        lower: bool,
        o: Option<T>,
        n: Option<T>,
    ) {
        let show = |v: Option<T>| v.map_or("none".to_string(), |v| v.to_string());
        let (narrower, wider) = match (o, n) {
            (None, None) => return,
            (Some(a), Some(b)) if a == b => return,
            (None, Some(_)) => (true, false),
            (Some(_), None) => (false, true),
            (Some(a), Some(b)) => {
                let up = b > a;
                // A lower bound going up, or an upper bound going down, admits less.
                (up == lower, up != lower)
            }
        };
        out.push(Limit {
            text: format!("{name} {} → {}", show(o), show(n)),
            narrower,
            wider,
        });
    }
    bound(&mut out, "minLength", true, old.min_length, new.min_length);
    bound(&mut out, "maxLength", false, old.max_length, new.max_length);
    bound(&mut out, "minimum", true, old.minimum, new.minimum);
    bound(&mut out, "maximum", false, old.maximum, new.maximum);
    bound(&mut out, "minItems", true, old.min_items, new.min_items);
    bound(&mut out, "maxItems", false, old.max_items, new.max_items);
    let mut flag = |name: &str, o: bool, n: bool| {
        if o != n {
            out.push(Limit {
                text: format!("{name} {o} → {n}"),
                narrower: n,
                wider: o,
            });
        }
    };
    flag(
        "exclusiveMinimum",
        old.exclusive_minimum,
        new.exclusive_minimum,
    );
    flag(
        "exclusiveMaximum",
        old.exclusive_maximum,
        new.exclusive_maximum,
    );
    flag("uniqueItems", old.unique_items, new.unique_items);
    out
}

/// Severity and reason of limit changes on something used in `dir`.
pub(crate) fn classify_limits(limits: &[Limit], dir: Dir) -> (Severity, String) {
    let narrower = limits.iter().any(|l| l.narrower);
    let wider = limits.iter().any(|l| l.wider);
    if dir.request && narrower {
        (
            Severity::Breaking,
            "Narrowed in a request: values that were accepted may now be rejected by the server."
                .into(),
        )
    } else if dir.response && wider {
        (
            Severity::Breaking,
            "Widened in a response: the server may now send values outside the old limits (the client does not check them, but code may rely on them).".into(),
        )
    } else if dir.request {
        (
            Severity::Compatible,
            "Widened in a request: every value that was accepted still is.".into(),
        )
    } else {
        (
            Severity::Compatible,
            "Narrowed in a response: every value sent was already within the old limits.".into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_know_their_direction() {
        let a = Constraints {
            max_length: Some(100),
            ..Default::default()
        };
        let b = Constraints {
            max_length: Some(50),
            pattern: Some("^x".into()),
            ..Default::default()
        };
        let l = limit_changes(&a, &b);
        assert!(
            l.iter().all(|l| l.narrower && !l.wider),
            "{:?}",
            l.iter().map(|l| &l.text).collect::<Vec<_>>()
        );
        let back = limit_changes(&b, &a);
        assert!(back.iter().all(|l| l.wider && !l.narrower));
        assert_eq!(
            classify_limits(
                &l,
                Dir {
                    request: true,
                    response: false
                }
            )
            .0,
            Severity::Breaking
        );
        assert_eq!(
            classify_limits(
                &l,
                Dir {
                    request: false,
                    response: true
                }
            )
            .0,
            Severity::Compatible
        );
        assert_eq!(
            classify_limits(
                &back,
                Dir {
                    request: false,
                    response: true
                }
            )
            .0,
            Severity::Breaking
        );
    }
}
