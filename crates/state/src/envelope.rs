//! The stored and exported form of a widget's state: a JSON object that names its format,
//! widget and version, so a file or a storage entry can be recognized and migrated later.

use serde::{Deserialize, Serialize};

use crate::{from_versioned, WidgetState};

/// The `format` value every envelope carries.
pub const FORMAT: &str = "frontier-lab/widget-state";

/// The largest state file Import reads, checked before a byte is read: the largest valid
/// states (a 256 KB trace, 200 memory operations of text) are far smaller.
pub const MAX_STATE_FILE_BYTES: u64 = 4 << 20;

/// Refuses a state file over [`MAX_STATE_FILE_BYTES`], naming both sizes.
pub fn check_state_file_size(bytes: u64) -> Result<(), String> {
    if bytes > MAX_STATE_FILE_BYTES {
        return Err(format!(
            "the file is {:.1} MB; a saved widget state is at most {} MB",
            bytes as f64 / 1_048_576.0,
            MAX_STATE_FILE_BYTES >> 20
        ));
    }
    Ok(())
}

/// A state wrapped with what is needed to read it back in a later release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub format: String,
    pub widget: String,
    pub version: u32,
    pub state: serde_json::Value,
}

/// What reading a stored entry found.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadOutcome<T> {
    /// Nothing was stored.
    Missing,
    Restored(T),
    /// Something was stored but cannot be used. The caller keeps the raw text aside and
    /// tells the user; it must never be silently overwritten.
    Unreadable {
        reason: String,
    },
}

impl Envelope {
    /// Wraps a state; pretty-printed so an exported file reads well.
    pub fn wrap<T: WidgetState>(state: &T) -> Result<String, String> {
        // Through text, not `to_value`: an f32 field then keeps its shortest form ("0.001"), as in
        // a share link, instead of its f64 widening ("0.0010000000474974513").
        let text = serde_json::to_string(state).map_err(|e| format!("state cannot be serialized: {e}"))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("state cannot be serialized: {e}"))?;
        let env = Envelope { format: FORMAT.into(), widget: T::WIDGET_ID.into(), version: T::VERSION, state: value };
        serde_json::to_string_pretty(&env).map_err(|e| format!("state cannot be serialized: {e}"))
    }

    /// Reads a stored entry (`None` when the key is absent).
    pub fn load<T: WidgetState>(raw: Option<&str>) -> LoadOutcome<T> {
        match raw {
            None => LoadOutcome::Missing,
            Some(text) => match Self::unwrap::<T>(text) {
                Ok(state) => LoadOutcome::Restored(state),
                Err(reason) => LoadOutcome::Unreadable { reason },
            },
        }
    }

    /// Reads an envelope from text (a stored entry or an imported file).
    pub fn unwrap<T: WidgetState>(text: &str) -> Result<T, String> {
        let env: Envelope = serde_json::from_str(text)
            .map_err(|e| format!("not a saved widget state: {e} (line {}, column {})", e.line(), e.column()))?;
        if env.format != FORMAT {
            return Err(format!("format is {:?}, expected {FORMAT:?}", env.format));
        }
        if env.widget != T::WIDGET_ID {
            return Err(format!("this file is for the widget {:?}, not {:?}", env.widget, T::WIDGET_ID));
        }
        from_versioned::<T>(env.version, env.state)
    }
}

/// The local-storage key of a widget's autosaved state.
pub fn storage_key(widget_id: &str) -> String {
    format!("frontier-lab:v1:{widget_id}")
}

/// The local-storage key of the data a user loaded into a widget (an uploaded file, parsed),
/// kept apart from the state because it never goes into links.
pub fn data_key(widget_id: &str) -> String {
    format!("frontier-lab:data:v1:{widget_id}")
}

/// The key under which unreadable data is kept aside; `stamp` makes it unique (a time).
pub fn aside_key(widget_id: &str, stamp: &str) -> String {
    format!("frontier-lab:aside:{widget_id}:{stamp}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_state::Demo;

    fn hostile(name: &str) -> String {
        let path = format!("{}/../../tests/hostile/files/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The hostile state files of `tests/hostile/files/`: each is refused with its reason, and
    /// none overflows the stack.
    #[test]
    fn hostile_state_files_are_refused() {
        let deep = Envelope::unwrap::<Demo>(&hostile("state-deep.json")).err().unwrap_or_default();
        assert!(deep.contains("recursion limit") && deep.contains("line 1"), "{deep}");
        let other = Envelope::unwrap::<Demo>(&hostile("state-other-widget.json")).err().unwrap_or_default();
        assert!(other.contains("no-such-widget"), "{other}");
        let future = Envelope::unwrap::<Demo>(&hostile("state-future-version.json").replace("train-cost", "demo"));
        let future = future.err().unwrap_or_default();
        assert!(future.contains("newer release") && future.contains("4294967295"), "{future}");
        assert!(check_state_file_size(MAX_STATE_FILE_BYTES).is_ok());
        let big = check_state_file_size(MAX_STATE_FILE_BYTES + 1).err().unwrap_or_default();
        assert!(big.contains("at most 4 MB"), "{big}");
    }

    #[test]
    fn wrap_then_load() {
        let state = Demo { gpus: 3.0, label: "x".into() };
        let text = Envelope::wrap(&state).unwrap_or_default();
        assert_eq!(Envelope::load::<Demo>(Some(&text)), LoadOutcome::Restored(state));
        assert_eq!(Envelope::load::<Demo>(None), LoadOutcome::Missing);
    }

    #[test]
    fn a_version_1_file_is_migrated() {
        let text = r#"{"format":"frontier-lab/widget-state","widget":"demo","version":1,"state":{"n":2,"label":"v1"}}"#;
        assert_eq!(Envelope::unwrap::<Demo>(text), Ok(Demo { gpus: 2.0, label: "v1".into() }));
    }

    #[test]
    fn unreadable_entries_explain_why() {
        let cases = [
            ("{not json", "not a saved widget state"),
            (r#"{"format":"other","widget":"demo","version":2,"state":{}}"#, "format is"),
            (
                r#"{"format":"frontier-lab/widget-state","widget":"edge","version":2,"state":{}}"#,
                "for the widget \"edge\"",
            ),
            (r#"{"format":"frontier-lab/widget-state","widget":"demo","version":9,"state":{}}"#, "newer release"),
            (
                r#"{"format":"frontier-lab/widget-state","widget":"demo","version":2,"state":{"gpus":"x"}}"#,
                "does not match",
            ),
        ];
        for (text, expected) in cases {
            match Envelope::load::<Demo>(Some(text)) {
                LoadOutcome::Unreadable { reason } => assert!(reason.contains(expected), "{reason}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn keys() {
        assert_eq!(storage_key("train-cost"), "frontier-lab:v1:train-cost");
        assert_eq!(aside_key("train-cost", "17"), "frontier-lab:aside:train-cost:17");
    }
}
