//! Mutated scenario files never make parsing and validation panic or hang: byte
//! flips, deletions, duplications, truncations and id swaps over every shipped
//! scenario. `PROPTEST_CASES` raises the count (the README gives a large run).

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

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
    Insert(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let tokens = prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just("\"".to_string()),
        Just("-1e308".to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("\"self.score\"".to_string()),
        Just("Some(".to_string()),
        Just("All([".to_string()),
        Just("Not(".to_string()),
        Just("99999999999999999999".to_string()),
        Just("/*".to_string()),
        Just("r#\"".to_string()),
        Just("\u{1F600}".to_string()),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<usize>(), 1usize..256).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), tokens).prop_map(|(i, t)| Mutation::Insert(i, t)),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = bytes.len().max(1);
    match m {
        Mutation::Flip(i, b) => {
            let i = i % len;
            if i < bytes.len() {
                bytes[i] ^= b | 1;
            }
        }
        Mutation::Delete(i, n) => {
            let i = i % len;
            let end = (i + n).min(bytes.len());
            bytes.drain(i.min(end)..end);
        }
        Mutation::Duplicate(i, n) => {
            let i = i % len;
            let end = (i + n).min(bytes.len());
            let copy = bytes[i.min(end)..end].to_vec();
            bytes.splice(end..end, copy);
        }
        Mutation::Truncate(i) => bytes.truncate(i % len),
        Mutation::Insert(i, t) => {
            let i = (i % len).min(bytes.len());
            bytes.splice(i..i, t.bytes());
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1500), failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn mutated_scenarios_never_panic(which in 0usize..5, mutations in proptest::collection::vec(mutation(), 1..6)) {
        let files = shipped();
        let mut bytes = files[which].clone();
        for m in &mutations {
            bytes = apply(bytes, m);
        }
        // Either outcome is fine; a panic fails the test.
        if let Err(diagnostics) = parse_and_validate("fuzz.ron", &bytes) {
            prop_assert!(!diagnostics.is_empty());
            prop_assert!(diagnostics.iter().any(|d| d.is_error()));
        }
    }
}
