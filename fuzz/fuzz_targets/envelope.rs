//! The signed-envelope parser and verifier on arbitrary bytes: never a panic, never an
//! envelope accepted that the key did not sign. Half the runs start from a genuine envelope
//! with the fuzzer's bytes spliced in, so the fuzzer reaches past the header quickly.
#![no_main]

use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;
use storekeep_domain::envelope::{Envelope, Header, Kind};

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_bytes(&[7; 32]);
    let now: jiff::Timestamp = "2026-11-28T10:00:00Z".parse().expect("time");
    let check = |bytes: &[u8]| {
        if let Ok(e) = Envelope::parse(bytes) {
            if e.verify(&key.verifying_key(), "butik-1", None, now).is_ok() {
                // Accepted: it must be exactly what the key sealed for its header and body.
                assert_eq!(
                    Envelope::seal(&e.header, &e.body, &key),
                    bytes,
                    "accepted bytes the key did not seal"
                );
            }
        }
    };
    check(data);
    if let Some((&at, rest)) = data.split_first() {
        let header = Header {
            store_id: "butik-1".into(),
            counter: 1,
            expires: "2026-11-28T11:00:00Z".parse().expect("time"),
            kind: Kind::Command,
        };
        let mut genuine = Envelope::seal(&header, br#"{"command":"ping"}"#, &key);
        let i = usize::from(at) % genuine.len();
        let end = (i + rest.len().min(8)).min(genuine.len());
        genuine.splice(i..end, rest.iter().copied());
        check(&genuine);
    }
});
