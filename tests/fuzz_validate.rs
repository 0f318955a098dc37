//! Mutated scenario files never make parsing and validation panic or hang: byte
//! flips, deletions, duplications, truncations and id swaps over every shipped
//! scenario. `PROPTEST_CASES` raises the count (the README gives a large run).

mod common;

use common::mutate::{apply_all, mutation};
use common_enemy::scenario::parse_and_validate;
use proptest::prelude::*;

fn shipped() -> Vec<Vec<u8>> {
    ["syria_2015", "prisoners_dilemma", "stag_hunt", "chicken"]
        .iter()
        .map(|s| std::fs::read(format!("scenarios/{s}.ron")).unwrap())
        .chain(std::iter::once(
            std::fs::read("tests/corpus/base.ron").unwrap(),
        ))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1500), failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn mutated_scenarios_never_panic(which in 0usize..5, mutations in proptest::collection::vec(mutation(), 1..6)) {
        let files = shipped();
        let bytes = apply_all(&files[which], &mutations);
        // Either outcome is fine; a panic fails the test.
        if let Err(diagnostics) = parse_and_validate("fuzz.ron", &bytes) {
            prop_assert!(!diagnostics.is_empty());
            prop_assert!(diagnostics.iter().any(|d| d.is_error()));
        }
    }
}
