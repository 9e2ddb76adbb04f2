//! Share-link state: `?s=<version>.<base64url(JSON)>`.
//!
//! JSON keeps links readable by other tools and stable across releases; base64url keeps
//! them free of characters that chat apps and CMS editors mangle. Decoding is strict: size
//! caps before any work, a known version, and the widget's own validation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::{from_versioned, WidgetState};

/// Above this many characters a link still works but may be truncated by mail and chat.
pub const LINK_WARN_CHARS: usize = 2000;
/// Above this many characters (RFC 9110's recommended minimum URI support) the state is
/// offered as a file instead of a link.
pub const LINK_MAX_CHARS: usize = 8000;

/// Why a link's state could not be read. `position` is a character offset in the `s` value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkError {
    #[error("the link's state is {len} characters; the limit is {LINK_MAX_CHARS}")]
    TooLong { len: usize },
    #[error("the link's state has no version prefix (expected \"<version>.<data>\")")]
    NoVersion,
    #[error("the link's version {0:?} is not a number")]
    BadVersion(String),
    #[error("the link's data is not valid base64url at character {position}")]
    BadEncoding { position: usize },
    #[error("the link's data is not JSON: {message} (line {line}, column {column})")]
    BadJson { message: String, line: usize, column: usize },
    #[error("the link's state is not valid: {0}")]
    Invalid(String),
}

/// Encodes a state for the `s` query parameter.
pub fn encode_link_state<T: WidgetState>(state: &T) -> Result<String, String> {
    let json = serde_json::to_vec(state).map_err(|e| format!("state cannot be serialized: {e}"))?;
    Ok(format!("{}.{}", T::VERSION, URL_SAFE_NO_PAD.encode(json)))
}

/// Decodes and validates the `s` query parameter.
pub fn decode_link_state<T: WidgetState>(s: &str) -> Result<T, LinkError> {
    let len = s.chars().count();
    if len > LINK_MAX_CHARS {
        return Err(LinkError::TooLong { len });
    }
    let (version, data) = s.split_once('.').ok_or(LinkError::NoVersion)?;
    let version: u32 = version.parse().map_err(|_| LinkError::BadVersion(version.to_string()))?;
    let bytes = URL_SAFE_NO_PAD.decode(data.trim_end_matches('=')).map_err(|e| LinkError::BadEncoding {
        position: version_prefix_len(s) + decode_error_offset(&e, data.len()),
    })?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| LinkError::BadJson {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    from_versioned::<T>(version, value).map_err(LinkError::Invalid)
}

fn version_prefix_len(s: &str) -> usize {
    s.find('.').map_or(0, |i| i + 1)
}

fn decode_error_offset(e: &base64::DecodeError, len: usize) -> usize {
    match e {
        base64::DecodeError::InvalidByte(offset, _) | base64::DecodeError::InvalidLastSymbol(offset, _) => *offset,
        _ => len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_state::Demo;
    use proptest::prelude::*;

    #[test]
    fn known_link_decodes() {
        // {"gpus":8.0,"label":"a"} in base64url by hand-checked encoding.
        let s = format!("2.{}", URL_SAFE_NO_PAD.encode(br#"{"gpus":8.0,"label":"a"}"#));
        assert_eq!(decode_link_state::<Demo>(&s), Ok(Demo { gpus: 8.0, label: "a".into() }));
    }

    #[test]
    fn old_version_is_migrated() {
        let s = format!("1.{}", URL_SAFE_NO_PAD.encode(br#"{"n":4,"label":"old"}"#));
        assert_eq!(decode_link_state::<Demo>(&s), Ok(Demo { gpus: 4.0, label: "old".into() }));
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(decode_link_state::<Demo>("abc"), Err(LinkError::NoVersion));
        assert_eq!(decode_link_state::<Demo>("x.abc"), Err(LinkError::BadVersion("x".into())));
        assert_eq!(decode_link_state::<Demo>("2.ab*d"), Err(LinkError::BadEncoding { position: 4 }));
        let newer = format!("3.{}", URL_SAFE_NO_PAD.encode(br#"{"gpus":1,"label":""}"#));
        assert!(matches!(decode_link_state::<Demo>(&newer), Err(LinkError::Invalid(m)) if m.contains("newer release")));
        let invalid = format!("2.{}", URL_SAFE_NO_PAD.encode(br#"{"gpus":0,"label":""}"#));
        assert!(matches!(decode_link_state::<Demo>(&invalid), Err(LinkError::Invalid(m)) if m.starts_with("gpus")));
        let not_json = format!("2.{}", URL_SAFE_NO_PAD.encode(b"{\n  \"gpus\": ,"));
        assert!(matches!(decode_link_state::<Demo>(&not_json), Err(LinkError::BadJson { line: 2, .. })));
        let long = "2.".to_string() + &"A".repeat(LINK_MAX_CHARS);
        assert_eq!(decode_link_state::<Demo>(&long), Err(LinkError::TooLong { len: LINK_MAX_CHARS + 2 }));
    }

    proptest! {
        #[test]
        fn round_trip(gpus in 1.0..1e7f64, label in ".{0,40}") {
            let state = Demo { gpus, label };
            let s = encode_link_state(&state).map_err(TestCaseError::fail)?;
            prop_assert_eq!(decode_link_state::<Demo>(&s), Ok(state));
        }

        #[test]
        fn arbitrary_input_never_panics(s in ".{0,200}") {
            let _ = decode_link_state::<Demo>(&s);
        }
    }
}
