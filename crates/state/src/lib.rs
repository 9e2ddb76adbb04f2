//! The widget contract's plain parts, kept out of the app so they are tested natively:
//! hash routes, share-link state codec, stored-state envelopes, recent work and classroom options.
//!
//! Nothing here touches the browser; the app passes strings in and gets typed values out.

pub mod envelope;
pub mod history;
pub mod link;
pub mod quantity;
pub mod registry;
pub mod route;

pub use envelope::{Envelope, LoadOutcome};
// `from_versioned` is public for lesson files, which carry a state as JSON with its version.
pub use link::{decode_link_state, encode_link_state, LinkError, LINK_MAX_CHARS, LINK_WARN_CHARS};
pub use quantity::{parse_quantity, QuantityError};
pub use registry::{CompactView, Control, WidgetMeta};
pub use route::{Query, Route};

/// A widget's state: a plain serde struct with a schema version and a validity check.
pub trait WidgetState: serde::Serialize + serde::de::DeserializeOwned + Clone + PartialEq {
    /// The widget's id in routes and stored keys (`train-cost`).
    const WIDGET_ID: &'static str;
    /// Bumped whenever the serialized shape changes; older versions go through `migrate`.
    const VERSION: u32;

    /// Checks values serde cannot (ranges, known ids). The message says which field.
    fn validate(&self) -> Result<(), String>;

    /// Turns a state saved by an older version into the current shape. The default knows
    /// only the current version.
    fn migrate(version: u32, value: serde_json::Value) -> Result<serde_json::Value, String> {
        if version == Self::VERSION {
            Ok(value)
        } else {
            Err(format!("version {version} is not known to this release (current {})", Self::VERSION))
        }
    }
}

/// Parses a versioned JSON value into a validated state.
pub fn from_versioned<T: WidgetState>(version: u32, value: serde_json::Value) -> Result<T, String> {
    if version > T::VERSION {
        return Err(format!("saved by a newer release (version {version}; this one reads up to {})", T::VERSION));
    }
    let value = T::migrate(version, value)?;
    let state: T = serde_json::from_value(value).map_err(|e| format!("state does not match the widget: {e}"))?;
    state.validate()?;
    Ok(state)
}

#[cfg(test)]
pub(crate) mod test_state {
    use serde::{Deserialize, Serialize};

    /// A small state used by this crate's tests.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Demo {
        pub gpus: f64,
        pub label: String,
    }

    impl super::WidgetState for Demo {
        const WIDGET_ID: &'static str = "demo";
        const VERSION: u32 = 2;

        fn validate(&self) -> Result<(), String> {
            if self.gpus >= 1.0 {
                Ok(())
            } else {
                Err(format!("gpus: must be at least 1 (got {})", self.gpus))
            }
        }

        fn migrate(version: u32, mut value: serde_json::Value) -> Result<serde_json::Value, String> {
            // Version 1 called the field "n".
            if version == 1 {
                if let Some(obj) = value.as_object_mut() {
                    if let Some(n) = obj.remove("n") {
                        obj.insert("gpus".into(), n);
                    }
                }
            }
            Ok(value)
        }
    }
}
