//! The semver bump a report calls for.

use super::Severity;

/// The next version of a crate at `current` after changes of `severity`
/// (semver, with 0.x read as Cargo does: the minor is the breaking number).
/// Breaking: `0.x.y` -> `0.(x+1).0`, `x.y.z` -> `(x+1).0.0`; compatible:
/// `0.x.y` -> `0.x.(y+1)`, `x.y.z` -> `x.(y+1).0`; no change: `current`.
/// `None` when `current` is not `MAJOR.MINOR.PATCH`.
pub fn next_version(current: &str, severity: Option<Severity>) -> Option<String> {
    let parts: Vec<u64> = current
        .trim()
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [major, minor, patch] = parts[..] else {
        return None;
    };
    Some(match (severity, major) {
        (None, _) => format!("{major}.{minor}.{patch}"),
        (Some(Severity::Breaking), 0) => format!("0.{}.0", minor + 1),
        (Some(Severity::Breaking), _) => format!("{}.0.0", major + 1),
        (Some(Severity::Compatible), 0) => format!("0.{minor}.{}", patch + 1),
        (Some(Severity::Compatible), _) => format!("{major}.{}.0", minor + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_by_semver() {
        assert_eq!(next_version("0.1.0", None).as_deref(), Some("0.1.0"));
        assert_eq!(
            next_version("0.1.3", Some(Severity::Breaking)).as_deref(),
            Some("0.2.0")
        );
        assert_eq!(
            next_version("0.1.3", Some(Severity::Compatible)).as_deref(),
            Some("0.1.4")
        );
        assert_eq!(
            next_version("1.4.2", Some(Severity::Breaking)).as_deref(),
            Some("2.0.0")
        );
        assert_eq!(
            next_version("1.4.2", Some(Severity::Compatible)).as_deref(),
            Some("1.5.0")
        );
        assert_eq!(next_version("1.4", None), None);
        assert_eq!(next_version("1.4.2-beta", Some(Severity::Breaking)), None);
    }
}
