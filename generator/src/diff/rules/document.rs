//! Rules for the document as a whole: version, title, base URL, description.

use super::super::{code, Area, Differ, Severity};

impl Differ<'_> {
    pub(crate) fn document(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.version != new.version {
            self.push(
                Severity::Compatible,
                Area::Document,
                "version",
                format!(
                    "document version {} → {}",
                    code(&old.version),
                    code(&new.version)
                ),
                "`API_VERSION` and the crate description follow it.",
            );
        }
        if old.title != new.title {
            self.push(
                Severity::Compatible,
                Area::Document,
                "title",
                format!("title {} → {}", code(&old.title), code(&new.title)),
                "Documentation only.",
            );
        }
        if old.base_url != new.base_url {
            let show = |u: &Option<String>| u.as_deref().map_or("none".to_string(), code);
            self.push(
                Severity::Compatible,
                Area::Document,
                "base_url",
                format!(
                    "default base URL {} → {}",
                    show(&old.base_url),
                    show(&new.base_url)
                ),
                "Clients built without `base_url(..)` use the new one; no code change.",
            );
        }
        if old.description != new.description {
            self.push(
                Severity::Compatible,
                Area::Document,
                "description",
                "documentation changed",
                "Documentation only.",
            );
        }
    }
}
