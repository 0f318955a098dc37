//! Secrets of a class: seat and teacher tokens (128 random bits from the thread's
//! cryptographic generator), kept on disk and in memory only as SHA-256 hashes, and
//! the short join codes students type.

use sha2::{Digest, Sha256};

/// A new secret token: 128 bits, as 32 hex digits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    hex(&bytes)
}

/// What is kept of a token: its SHA-256, hex. A leaked data folder gives no seat.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Letters and digits a class cannot confuse when read off a projector (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A join code: six characters of [`CODE_ALPHABET`], about 2^29 codes. Guessing is
/// slowed by the per-connection rate limit, and the teacher can close a code.
pub fn new_code() -> String {
    let mut bytes = [0u8; 6];
    rand::fill(&mut bytes);
    bytes
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect()
}

/// A typed code as it is looked up: upper case, spaces and dashes dropped.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_kept_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), a);
        assert_eq!(hash(&a).len(), 64);
    }

    #[test]
    fn codes_are_short_unambiguous_and_forgiving_to_type() {
        let code = new_code();
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|c| CODE_ALPHABET.contains(&c)));
        assert_eq!(normalise_code(" k7p-m2q "), "K7PM2Q");
    }
}
