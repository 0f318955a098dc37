//! The modding reference must name every field and variant of the scenario format:
//! this reads `src/scenario/schema.rs` and fails on any name missing from
//! `scenarios/README.md` (written in backticks).

use std::collections::BTreeSet;

/// Field and variant names declared in the schema source.
fn schema_names() -> BTreeSet<String> {
    let src = std::fs::read_to_string("src/scenario/schema.rs").unwrap();
    let mut names = BTreeSet::new();
    let mut in_enum = false;
    for line in src.lines() {
        let t = line.trim();
        if t.starts_with("//") || t.starts_with("#[") {
            continue;
        }
        if t.starts_with("pub enum ") {
            in_enum = true;
        } else if t.starts_with("pub struct ") || t.starts_with("impl ") || t.starts_with("fn ") {
            in_enum = false;
        }
        if let Some(rest) = t.strip_prefix("pub ")
            && let Some((name, _)) = rest.split_once(':')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            names.insert(name.to_string());
        }
        // Enum variants sit at four spaces of indent; their struct fields deeper.
        if in_enum && line.starts_with("    ") && !line.starts_with("     ") {
            let name: String = t
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                names.insert(name);
            }
        }
        if in_enum
            && line.starts_with("        ")
            && let Some((name, _)) = t.split_once(':')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.is_empty()
        {
            names.insert(name.to_string());
        }
        // Inline struct variants: `Above { metric: String, value: f64 },`
        if in_enum && let Some((_, inner)) = t.split_once('{') {
            for part in inner.trim_end_matches(['}', ',', ' ']).split(',') {
                if let Some((name, _)) = part.trim().split_once(':') {
                    names.insert(name.trim().to_string());
                }
            }
        }
    }
    names
}

#[test]
fn every_schema_name_is_in_the_modding_reference() {
    let reference =
        std::fs::read_to_string("scenarios/README.md").expect("scenarios/README.md exists");
    let names = schema_names();
    assert!(
        names.len() > 60,
        "the schema scan found too few names: {names:?}"
    );
    for must in [
        "initial_for",
        "months_per_turn",
        "Misperceive",
        "AddPer",
        "pressure_metric",
        "LastTurn",
    ] {
        assert!(names.contains(must), "the schema scan missed {must}");
    }
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !reference.contains(&format!("`{n}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "scenarios/README.md does not document: {missing:?}"
    );
}
