//! The rules, one file per area. Each is a method of [`Differ`] that reads
//! the matching and pushes the changes it finds.

mod document;
mod limits;
mod operations;
mod types;

use super::matching::rename_refs;
use super::{Differ, Dir};
use crate::ir::TypeRef;

impl Differ<'_> {
    /// `t` from the old side with matched names translated to the new side.
    pub(crate) fn translate(&self, t: &TypeRef) -> TypeRef {
        let mut t = t.clone();
        rename_refs(&mut t, &mut |n: &str| {
            self.fwd
                .get(n)
                .cloned()
                .unwrap_or_else(|| format!("{n} (removed)"))
        });
        t
    }

    pub(crate) fn same_ref(&self, old: &TypeRef, new: &TypeRef) -> bool {
        self.translate(old) == *new
    }

    pub(crate) fn dir_of(&self, old: &str, new: &str) -> Dir {
        let o = self.old_dirs.get(old).copied().unwrap_or_default();
        let n = self.new_dirs.get(new).copied().unwrap_or_default();
        o.or(n).strict()
    }
}
