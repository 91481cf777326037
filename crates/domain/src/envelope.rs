//! Signed envelopes: the only way a remote command, a config or a catalog from HQ reaches a
//! store (issue 8; docs/remote-control.md).
//!
//! The signature (ed25519, by HQ's key, pinned in the store) covers the exact bytes that are
//! parsed, so there is no second, "canonical" encoding to get wrong: the store checks the
//! signature over the bytes as received, then reads the header from those same bytes. The
//! header names the store, a counter that only goes up and an expiry, so an envelope cannot be
//! replayed, reordered, kept for later or sent to another store.
//!
//! ```text
//! storekeep-signed/1\n
//! store=<store id>\n
//! counter=<1..2^63, no leading zero>\n
//! expires=<UTC, RFC 3339, e.g. 2026-11-28T12:00:00Z>\n
//! kind=<command|config|catalog>\n
//! length=<body length in bytes>\n
//! \n
//! <body: exactly length bytes>\n
//! signature=<ed25519 signature of every byte above, 128 lowercase hex digits>\n
//! ```
//!
//! Parsing is strict: the fields in this order, once each, no spaces, no other line endings, no
//! trailing bytes. Nothing in an envelope is ever run as code: the body is data the backend
//! reads into closed types (a fixed set of commands, a config, a catalog file).

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const FORMAT: &str = "storekeep-signed/1";
/// The largest body accepted (a whole catalog fits; a flood does not).
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// Store ids are short and plain.
pub const MAX_STORE_ID: usize = 64;

/// What an envelope carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One remote command from a fixed list.
    Command,
    /// Store configuration (the payment caps and fallback rules).
    Config,
    /// A catalog file, imported all or nothing.
    Catalog,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Config => "config",
            Kind::Catalog => "catalog",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        [Kind::Command, Kind::Config, Kind::Catalog].into_iter().find(|k| k.as_str() == s)
    }
}

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub store_id: String,
    pub counter: u64,
    pub expires: Timestamp,
    pub kind: Kind,
}

/// An envelope read from its bytes; its signature not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub header: Header,
    pub body: Vec<u8>,
    /// The bytes the signature covers (everything before `signature=`).
    pub signed: Vec<u8>,
    pub signature: [u8; 64],
}

/// Why an envelope was not accepted. Every one is refused and audited; none is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    #[error("not a signed envelope: {detail}")]
    Malformed { detail: String },
    #[error("the store has no HQ key pinned, so it accepts nothing from outside")]
    NoPinnedKey,
    #[error("the signature is not HQ's (forged or altered)")]
    BadSignature,
    #[error("meant for store {got}, not this store ({expected})")]
    WrongStore { expected: String, got: String },
    #[error("expired at {expires}")]
    Expired { expires: String },
    #[error("counter {counter} was already accepted (a replay)")]
    Replayed {
        #[ts(type = "number")]
        counter: u64,
    },
    #[error("counter {counter} is older than the last accepted, {last} (reordered or replayed)")]
    OutOfOrder {
        #[ts(type = "number")]
        counter: u64,
        #[ts(type = "number")]
        last: u64,
    },
    #[error("island mode: remote control is cut off")]
    Island,
    #[error("the content cannot be applied: {detail}")]
    BadContent { detail: String },
}

impl Refusal {
    /// In Swedish, for the manager.
    pub fn sv(&self) -> String {
        match self {
            Refusal::Malformed { detail } => format!("Inte ett signerat kuvert: {detail}"),
            Refusal::NoPinnedKey => {
                "Butiken har ingen HK-nyckel inlagd och tar inte emot något utifrån".into()
            }
            Refusal::BadSignature => "Signaturen är inte HK:s (förfalskad eller ändrad)".into(),
            Refusal::WrongStore { expected, got } => {
                format!("Avsett för butik {got}, inte den här butiken ({expected})")
            }
            Refusal::Expired { expires } => format!("Gick ut {expires}"),
            Refusal::Replayed { counter } => format!("Nummer {counter} är redan mottaget (en upprepning)"),
            Refusal::OutOfOrder { counter, last } => {
                format!("Nummer {counter} är äldre än det senast mottagna, {last} (omkastat eller upprepat)")
            }
            Refusal::Island => "Ö-läge: fjärrstyrningen är avstängd".into(),
            Refusal::BadContent { detail } => format!("Innehållet kan inte tillämpas: {detail}"),
        }
    }

    /// A sign of compromise (as opposed to an old or misdirected message): the island policy
    /// may cut remote control on it.
    pub fn is_forgery(&self) -> bool {
        matches!(self, Refusal::BadSignature)
    }
}

fn malformed(detail: impl Into<String>) -> Refusal {
    Refusal::Malformed { detail: detail.into() }
}

/// Takes `prefix` and the value up to the next `\n` off the front of `rest`.
fn field<'a>(rest: &mut &'a [u8], name: &str) -> Result<&'a str, Refusal> {
    let want = format!("{name}=");
    let Some(after) = rest.strip_prefix(want.as_bytes()) else {
        return Err(malformed(format!("expected the field {name}")));
    };
    let end =
        after.iter().position(|&b| b == b'\n').ok_or_else(|| malformed(format!("{name}: no end of line")))?;
    let value = std::str::from_utf8(&after[..end]).map_err(|_| malformed(format!("{name}: not UTF-8")))?;
    if value.is_empty()
        || value.len() > 64
        || value.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(malformed(format!("{name}: empty, too long or with spaces")));
    }
    *rest = &after[end + 1..];
    Ok(value)
}

fn number(s: &str, name: &str) -> Result<u64, Refusal> {
    if !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return Err(malformed(format!("{name}: not a plain number")));
    }
    s.parse::<u64>().map_err(|_| malformed(format!("{name}: out of range")))
}

/// Whether `s` is a store id as the header may carry it.
pub fn valid_store_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_STORE_ID
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl Envelope {
    /// Reads an envelope from its bytes, strictly; checks nothing about who signed it.
    pub fn parse(bytes: &[u8]) -> Result<Envelope, Refusal> {
        let mut rest = bytes;
        rest = rest
            .strip_prefix(FORMAT.as_bytes())
            .and_then(|r| r.strip_prefix(b"\n"))
            .ok_or_else(|| malformed(format!("it does not start with {FORMAT}")))?;
        let store_id = field(&mut rest, "store")?.to_string();
        if !valid_store_id(&store_id) {
            return Err(malformed("store: letters, digits, '-', '_' and '.' only"));
        }
        let counter = number(field(&mut rest, "counter")?, "counter")?;
        if counter == 0 || counter > i64::MAX as u64 {
            return Err(malformed("counter: from 1 to 2^63-1"));
        }
        let expires_text = field(&mut rest, "expires")?;
        let expires: Timestamp =
            expires_text.parse().map_err(|_| malformed("expires: not an RFC 3339 time"))?;
        // One spelling only: what jiff writes back (UTC, `Z`).
        if expires.to_string() != expires_text {
            return Err(malformed("expires: write it in UTC as YYYY-MM-DDTHH:MM:SSZ"));
        }
        let kind = Kind::parse(field(&mut rest, "kind")?)
            .ok_or_else(|| malformed("kind: command, config or catalog"))?;
        let length = usize::try_from(number(field(&mut rest, "length")?, "length")?)
            .map_err(|_| malformed("length: out of range"))?;
        if length > MAX_BODY {
            return Err(malformed(format!("length: over {MAX_BODY} bytes")));
        }
        rest = rest.strip_prefix(b"\n").ok_or_else(|| malformed("no blank line after the header"))?;
        if rest.len() < length + 1 {
            return Err(malformed("the body is shorter than its length"));
        }
        let body = rest[..length].to_vec();
        rest = &rest[length..];
        rest = rest.strip_prefix(b"\n").ok_or_else(|| malformed("no end of line after the body"))?;
        let signed = bytes[..bytes.len() - rest.len()].to_vec();
        let hex_sig = rest
            .strip_prefix(b"signature=")
            .and_then(|r| r.strip_suffix(b"\n"))
            .ok_or_else(|| malformed("expected signature=<hex> and an end of line, then nothing"))?;
        if hex_sig.len() != 128 || !hex_sig.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)) {
            return Err(malformed("signature: 128 lowercase hex digits"));
        }
        let mut signature = [0u8; 64];
        hex::decode_to_slice(hex_sig, &mut signature).map_err(|_| malformed("signature: not hex"))?;
        Ok(Envelope { header: Header { store_id, counter, expires, kind }, body, signed, signature })
    }

    /// The exact bytes for a header and body, signed with `key` (HQ's side, and tests).
    pub fn seal(header: &Header, body: &[u8], key: &SigningKey) -> Vec<u8> {
        let mut out = format!(
            "{FORMAT}\nstore={}\ncounter={}\nexpires={}\nkind={}\nlength={}\n\n",
            header.store_id,
            header.counter,
            header.expires,
            header.kind.as_str(),
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        out.push(b'\n');
        let signature = key.sign(&out);
        out.extend_from_slice(format!("signature={}\n", hex::encode(signature.to_bytes())).as_bytes());
        out
    }

    /// Checks, in this order: the signature against the pinned key, the store, the expiry, and
    /// the counter against the last accepted (`None`: none yet). A forged envelope is called
    /// forged whatever its header claims.
    pub fn verify(
        &self,
        pinned: &VerifyingKey,
        store_id: &str,
        last_counter: Option<u64>,
        now: Timestamp,
    ) -> Result<(), Refusal> {
        let signature = Signature::from_bytes(&self.signature);
        pinned.verify_strict(&self.signed, &signature).map_err(|_| Refusal::BadSignature)?;
        if self.header.store_id != store_id {
            return Err(Refusal::WrongStore { expected: store_id.into(), got: self.header.store_id.clone() });
        }
        if self.header.expires <= now {
            return Err(Refusal::Expired { expires: self.header.expires.to_string() });
        }
        match last_counter {
            Some(last) if self.header.counter == last => Err(Refusal::Replayed { counter: last }),
            Some(last) if self.header.counter < last => {
                Err(Refusal::OutOfOrder { counter: self.header.counter, last })
            }
            _ => Ok(()),
        }
    }
}

/// A public key as the store pins it: 64 hex digits.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, String> {
    let text = text.trim();
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text, &mut bytes).map_err(|_| "a public key is 64 hex digits".to_string())?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "not a valid ed25519 public key".to_string())
}

/// A secret key from its 64 hex digits (HQ's signing key file).
pub fn parse_secret_key(text: &str) -> Result<SigningKey, String> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut bytes).map_err(|_| "a secret key is 64 hex digits".to_string())?;
    Ok(SigningKey::from_bytes(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn now() -> Timestamp {
        "2026-11-28T10:00:00Z".parse().expect("time")
    }

    fn header(counter: u64) -> Header {
        Header {
            store_id: "butik-7".into(),
            counter,
            expires: "2026-11-28T11:00:00Z".parse().expect("time"),
            kind: Kind::Command,
        }
    }

    const BODY: &[u8] = br#"{"command":"ping"}"#;

    fn check(bytes: &[u8], last: Option<u64>) -> Result<Envelope, Refusal> {
        let e = Envelope::parse(bytes)?;
        e.verify(&key(1).verifying_key(), "butik-7", last, now())?;
        Ok(e)
    }

    #[test]
    fn a_sealed_envelope_reads_back_and_verifies() {
        let bytes = Envelope::seal(&header(5), BODY, &key(1));
        let e = check(&bytes, Some(4)).expect("accepted");
        assert_eq!(e.header, header(5));
        assert_eq!(e.body, BODY);
        assert!(bytes.starts_with(b"storekeep-signed/1\nstore=butik-7\ncounter=5\nexpires=2026-11-28T11:00:00Z\nkind=command\nlength=18\n\n{"));
    }

    #[test]
    fn every_kind_of_bad_envelope_is_refused_for_what_it_is() {
        let good = Envelope::seal(&header(5), BODY, &key(1));
        // Signed by another key.
        assert_eq!(check(&Envelope::seal(&header(5), BODY, &key(2)), None), Err(Refusal::BadSignature));
        // Altered after signing: body, counter, store, expiry, kind.
        for (from, to) in [
            (&b"ping"[..], &b"pong"[..]),
            (b"counter=5", b"counter=6"),
            (b"store=butik-7", b"store=butik-8"),
            (b"T11:00:00Z", b"T12:00:00Z"),
            (b"kind=command", b"kind=config"),
        ] {
            let at = good.windows(from.len()).position(|w| w == from).expect("present");
            let mut forged = good.clone();
            forged.splice(at..at + from.len(), to.iter().copied());
            assert_eq!(check(&forged, None), Err(Refusal::BadSignature), "{}", String::from_utf8_lossy(to));
        }
        // A flipped signature bit.
        let mut flipped = good.clone();
        let n = flipped.len();
        flipped[n - 2] = if flipped[n - 2] == b'0' { b'1' } else { b'0' };
        assert_eq!(check(&flipped, None), Err(Refusal::BadSignature));
        // For another store (honestly signed).
        let mut other = header(5);
        other.store_id = "butik-8".into();
        assert!(matches!(
            check(&Envelope::seal(&other, BODY, &key(1)), None),
            Err(Refusal::WrongStore { got, .. }) if got == "butik-8"
        ));
        // Expired, and expiring exactly now.
        let mut old = header(5);
        old.expires = now();
        assert!(matches!(check(&Envelope::seal(&old, BODY, &key(1)), None), Err(Refusal::Expired { .. })));
        // Replayed and reordered.
        assert_eq!(check(&good, Some(5)), Err(Refusal::Replayed { counter: 5 }));
        assert_eq!(check(&good, Some(9)), Err(Refusal::OutOfOrder { counter: 5, last: 9 }));
        assert!(check(&good, Some(4)).is_ok());
    }

    #[test]
    fn malformed_envelopes_say_what_is_wrong() {
        let good = Envelope::seal(&header(5), BODY, &key(1));
        let text = String::from_utf8(good.clone()).expect("text");
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "does not start"),
            (text.replace("storekeep-signed/1", "storekeep-signed/2"), "does not start"),
            (text.replace("counter=5", "counter=05"), "plain number"),
            (text.replace("counter=5", "counter=0"), "from 1"),
            (text.replace("counter=5", "counter=-5"), "plain number"),
            (text.replace("counter=5", "counter=99999999999999999999"), "out of range"),
            (text.replace("counter=5\n", ""), "counter"),
            (text.replace("expires=2026-11-28T11:00:00Z", "expires=2026-11-28T12:00:00+01:00"), "UTC"),
            (text.replace("expires=2026-11-28T11:00:00Z", "expires=tomorrow"), "RFC 3339"),
            (text.replace("kind=command", "kind=shell"), "kind"),
            (text.replace("length=18", "length=19"), "end of line after the body"),
            (text.replace("length=18", "length=900"), "shorter"),
            (text.replace("length=18", "length=99999999"), "over"),
            (text.replace("store=butik-7", "store=butik 7"), "spaces"),
            (text.replace("store=butik-7", "store=../etc"), "letters"),
            (text.replace("\n\n{", "\n{"), "blank line"),
            (format!("{text}extra"), "then nothing"),
            (text.replace("signature=", "signature=A"), "128 lowercase"),
            (text.replace("\n", "\r\n"), "does not start"),
        ];
        for (bytes, want) in cases {
            match Envelope::parse(bytes.as_bytes()) {
                Err(Refusal::Malformed { detail }) => {
                    assert!(detail.contains(want), "{detail} (wanted {want})")
                }
                other => panic!("{want}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_binary_body_with_newlines_is_carried_exactly() {
        let body: Vec<u8> = (0..=255u8).chain(*b"\n\nsignature=00\n").collect();
        let mut h = header(1);
        h.kind = Kind::Catalog;
        let e = check(&Envelope::seal(&h, &body, &key(1)), None).expect("accepted");
        assert_eq!(e.body, body);
    }

    proptest::proptest! {
        /// Whatever the bytes, parsing answers (never panics), and a parsed envelope that
        /// verifies came from the key: random changes to a good envelope never verify.
        #[test]
        fn no_change_to_a_signed_envelope_goes_unnoticed(at in 0usize..400, byte in 0u8..=255) {
            let good = Envelope::seal(&header(5), BODY, &key(1));
            let mut changed = good.clone();
            let i = at % changed.len();
            proptest::prop_assume!(changed[i] != byte);
            changed[i] = byte;
            proptest::prop_assert!(check(&changed, None).is_err());
        }

        #[test]
        fn parsing_any_bytes_never_panics(bytes in proptest::collection::vec(0u8..=255, 0..300)) {
            let _ = Envelope::parse(&bytes);
            let mut prefixed = b"storekeep-signed/1\nstore=a\ncounter=1\n".to_vec();
            prefixed.extend_from_slice(&bytes);
            let _ = Envelope::parse(&prefixed);
        }
    }
}
