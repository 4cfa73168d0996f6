//! The layers, checked: each crate and module uses only those below it.
//!
//! The compiler enforces the crates' order (`coop-domain` ← `coop-store` ← `coopapi`): a crate
//! cannot name one it does not depend on, and cargo refuses a cycle. These tests keep the
//! dependency lists honest and check the service crate's own two rules, which the compiler
//! cannot see: `http/` (errors, extractors, paging) uses no resource module, and no
//! resource's handlers use another resource's handlers.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The names under `[dependencies]` of a crate's manifest.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = fs::read_to_string(manifest).unwrap_or_default();
    text.lines()
        .skip_while(|line| line.trim() != "[dependencies]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| {
            line.split_once('=')
                .map(|(name, _)| name.trim().to_string())
        })
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect()
}

#[test]
fn the_domain_knows_no_http_and_no_database_and_the_store_no_http() {
    let domain = dependencies(&root().join("crates/domain/Cargo.toml"));
    let store = dependencies(&root().join("crates/store/Cargo.toml"));
    assert!(domain.contains(&"serde".to_string()), "{domain:?}");
    for banned in [
        "actix-web",
        "diesel-async",
        "coop-store",
        "coopapi",
        "tokio",
    ] {
        assert!(
            !domain.iter().any(|d| d == banned),
            "coop-domain depends on {banned}"
        );
    }
    assert!(store.contains(&"coop-domain".to_string()), "{store:?}");
    for banned in ["actix-web", "coopapi", "utoipa-actix-web"] {
        assert!(
            !store.iter().any(|d| d == banned),
            "coop-store depends on {banned}"
        );
    }
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push((path.clone(), fs::read_to_string(&path).unwrap_or_default()));
        }
    }
    files
}

const RESOURCES: &[&str] = &[
    "auth",
    "companies",
    "events",
    "interests",
    "matches",
    "offers",
    "search",
    "sectors",
    "speakers",
];

#[test]
fn http_uses_no_resource_module() {
    for (path, text) in sources(&root().join("src/http")) {
        for resource in RESOURCES {
            let used = format!("crate::{resource}::");
            assert!(!text.contains(&used), "{} uses {used}", path.display());
        }
    }
}

#[test]
fn no_resource_handler_uses_another_resources_handlers() {
    for resource in RESOURCES {
        for (path, text) in sources(&root().join("src").join(resource)) {
            for other in RESOURCES.iter().filter(|other| *other != resource) {
                let used = format!("crate::{other}::handlers");
                assert!(!text.contains(&used), "{} uses {used}", path.display());
            }
        }
    }
}

#[test]
fn the_checks_see_the_sources() {
    assert!(sources(&root().join("src/http")).len() > 5);
    assert!(dependencies(&root().join("Cargo.toml")).len() > 10);
}
