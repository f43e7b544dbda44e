//! `cargo xtask generate` on documents that reference other documents: files
//! relative to the referencing one, and URLs served by a real HTTP server on
//! 127.0.0.1.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;

use xtask::{Error, Status};

const API: &str = "openapi: 3.0.3
info: {title: Split Pets, version: '1'}
paths:
  /pets:
    $ref: 'paths/pets.yaml'
components:
  schemas:
    Page:
      type: object
      properties:
        items: {type: array, items: {$ref: 'schemas.yaml#/Pet'}}
";

const PETS: &str = "get:
  operationId: petList
  responses:
    '200':
      description: ok
      content:
        application/json:
          schema: {$ref: '../api.yaml#/components/schemas/Page'}
";

const SCHEMAS: &str = "Pet:
  type: object
  required: [name]
  properties:
    name: {type: string}
    owner: {$ref: '#/Owner'}
Owner:
  type: object
  properties:
    name: {type: string}
";

/// Serves `files` by path to any number of requests until the test ends;
/// unknown paths get a 404. Returns the base URL.
fn serve(files: BTreeMap<&'static str, &'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let head = String::from_utf8_lossy(&request);
            let path = head.split_whitespace().nth(1).unwrap_or("");
            let (status, body) = match files.get(path) {
                Some(body) => ("200 OK", *body),
                None => ("404 Not Found", "not here"),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn generate(root: &Path, spec: &str) -> Result<xtask::Outcome, Error> {
    let args: Vec<String> = ["generate", "--spec", spec, "--out", "out/pets"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    xtask::run(&args, root)
}

fn assert_bundled(root: &Path, spec: &str) {
    let outcome = generate(root, spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
    assert_eq!(outcome.status, Status::Ok);
    let types = fs::read_to_string(root.join("out/pets/src/types.rs")).unwrap();
    for expected in [
        "pub struct Page",
        "pub items: Option<Vec<Pet>>",
        "pub struct Pet",
        "pub owner: Option<Owner>",
        "pub struct Owner",
    ] {
        assert!(
            types.contains(expected),
            "{spec}: no `{expected}` in\n{types}"
        );
    }
}

#[test]
fn generate_reads_referenced_files_relative_to_the_referencing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    for (name, text) in [
        ("docs/api.yaml", API),
        ("docs/paths/pets.yaml", PETS),
        ("docs/schemas.yaml", SCHEMAS),
    ] {
        let path = root.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    assert_bundled(&root, "docs/api.yaml");
}

#[test]
fn generate_fetches_referenced_urls() {
    let base = serve(BTreeMap::from([
        ("/v1/api.yaml", API),
        ("/v1/paths/pets.yaml", PETS),
        ("/v1/schemas.yaml", SCHEMAS),
    ]));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    fs::create_dir_all(&root).unwrap();
    assert_bundled(&root, &format!("{base}/v1/api.yaml"));
}

#[test]
fn an_unreachable_reference_is_an_error_naming_it_and_where_it_is() {
    // schemas.yaml is missing from the server.
    let base = serve(BTreeMap::from([
        ("/v1/api.yaml", API),
        ("/v1/paths/pets.yaml", PETS),
    ]));
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    fs::create_dir_all(&root).unwrap();
    let err = generate(&root, &format!("{base}/v1/api.yaml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/components/schemas/Page/properties/items/items/$ref"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{base}/v1/schemas.yaml")) && err.contains("404"),
        "{err}"
    );
    assert!(!root.join("out").exists(), "nothing is written on error");
}
