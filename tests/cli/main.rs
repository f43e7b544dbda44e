//! End-to-end tests of the `chili` binary (placeholder while it is built).
#[test]
fn placeholder() {}
