//! Locations of referenced documents: paths and URLs joined and normalized
//! the way URI references resolve, so one file read twice is one document.

pub(super) fn is_url(location: &str) -> bool {
    let lower = location.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `reference` resolved against the document at `base`.
pub(super) fn join(base: &str, reference: &str) -> String {
    let lower = reference.to_ascii_lowercase();
    if is_url(reference) || lower.starts_with("file:") {
        return reference.to_string();
    }
    if is_url(base) {
        // scheme://host/path -> (scheme://host, /path)
        let after_scheme = base.find("://").map_or(0, |i| i + 3);
        let host_end = base[after_scheme..]
            .find('/')
            .map_or(base.len(), |i| after_scheme + i);
        let (origin, path) = base.split_at(host_end);
        let path = path.split(['?', '#']).next().unwrap_or("");
        if let Some(rest) = reference.strip_prefix("//") {
            let scheme = &base[..after_scheme.saturating_sub(3)];
            return format!("{scheme}://{rest}");
        }
        if reference.starts_with('/') {
            return format!("{origin}{}", normalize_path(reference));
        }
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        return format!("{origin}{}", normalize_path(&format!("{dir}/{reference}")));
    }
    let base = base.strip_prefix("file://").unwrap_or(base);
    if reference.starts_with('/') {
        return normalize_path(reference);
    }
    match base.rsplit_once('/') {
        Some((dir, _)) => normalize_path(&format!("{dir}/{reference}")),
        None => normalize_path(reference),
    }
}

pub(super) fn normalize_location(location: &str) -> String {
    if is_url(location) {
        return join(location, location.rsplit('/').next().unwrap_or(""));
    }
    normalize_path(location.strip_prefix("file://").unwrap_or(location))
}

/// Removes `.` and resolvable `..` segments.
fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            ".." if absolute => {}
            _ => out.push(part),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Decodes `%XX` escapes (URI references may escape pointer characters).
pub(super) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A location as shown in messages: without credentials (`user:pass@`) or
/// query (`?token=..`), which may be secrets.
pub fn shown(location: &str) -> String {
    let mut out = location.to_string();
    if let Some(q) = out.find('?') {
        out.truncate(q);
        out.push_str("?...");
    }
    if let Some(scheme_end) = out.find("://") {
        let rest = &out[scheme_end + 3..];
        let host_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..host_end].rfind('@') {
            out = format!("{}{}", &out[..scheme_end + 3], &rest[at + 1..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_locations_keep_no_secrets() {
        assert_eq!(
            shown("https://me:pw@x.test/a.yaml?token=t"),
            "https://x.test/a.yaml?..."
        );
        assert_eq!(shown("specs/a.yaml"), "specs/a.yaml");
    }

    #[test]
    fn locations_join_like_uris() {
        assert_eq!(join("specs/api.yaml", "common.yaml"), "specs/common.yaml");
        assert_eq!(join("specs/api.yaml", "../shared/c.yaml"), "shared/c.yaml");
        assert_eq!(join("/a/b/api.yaml", "./c/d.json"), "/a/b/c/d.json");
        assert_eq!(join("api.yaml", "c.yaml"), "c.yaml");
        assert_eq!(
            join("https://x.test/v1/api.yaml?x=1", "common.yaml"),
            "https://x.test/v1/common.yaml"
        );
        assert_eq!(
            join("https://x.test/v1/api.yaml", "/root.yaml"),
            "https://x.test/root.yaml"
        );
        assert_eq!(
            join("https://x.test/v1/api.yaml", "../c.yaml"),
            "https://x.test/c.yaml"
        );
        assert_eq!(percent_decode("/a%20b/c%7E"), "/a b/c~");
    }
}
