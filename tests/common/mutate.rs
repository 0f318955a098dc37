//! Mutations of real files for the fuzz tests: byte flips, deletions,
//! duplications, truncations and hostile tokens.

use proptest::prelude::*;

#[derive(Debug, Clone)]
pub enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
    Insert(usize, String),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
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

pub fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
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

/// Applies every mutation in turn.
pub fn apply_all(bytes: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    mutations.iter().fold(bytes.to_vec(), apply)
}
