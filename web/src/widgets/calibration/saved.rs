//! Keeping the user's parsed file across reloads, in local storage beside the widget state
//! (never in links). Large files are not kept: local storage holds a few megabytes per site.

use frontier_calibration::data::Dataset;
use frontier_state::envelope::data_key;
use serde::{Deserialize, Serialize};

use super::state::CalibrationState;
use crate::framework::storage::{load_saved, Store};
use frontier_state::WidgetState;

/// Serialized uploads above this are not kept (browsers give a site about 5 MB in all).
pub const MAX_SAVED_CHARS: usize = 2_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedUpload {
    /// The file's name, or "Pasted text".
    pub name: String,
    pub dataset: Dataset,
}

/// What saving did, for the status line.
pub enum SaveOutcome {
    Saved,
    TooLarge { chars: usize },
    Failed(String),
}

fn key() -> String {
    data_key(CalibrationState::WIDGET_ID)
}

/// A floor on the serialized size: every row writes at least a confidence, a flag and a label
/// (about 14 characters) plus its scores, so larger files are turned away without the cost of
/// serializing them.
fn least_chars(d: &Dataset) -> usize {
    let per_row = 14 + 8 * d.scores.first().map_or(0, Vec::len);
    d.confidences.len() * per_row
}

pub fn save(upload: &SavedUpload) -> SaveOutcome {
    let store = Store::open();
    let least = least_chars(&upload.dataset);
    if least > MAX_SAVED_CHARS {
        let _ = store.remove(&key());
        return SaveOutcome::TooLarge { chars: least };
    }
    let text = match serde_json::to_string(upload) {
        Ok(t) => t,
        Err(e) => return SaveOutcome::Failed(e.to_string()),
    };
    if text.len() > MAX_SAVED_CHARS {
        // An older, smaller upload must not come back in its place after a reload.
        let _ = store.remove(&key());
        return SaveOutcome::TooLarge { chars: text.len() };
    }
    match store.set(&key(), &text) {
        Ok(()) => SaveOutcome::Saved,
        Err(e) => SaveOutcome::Failed(e),
    }
}

/// The upload saved by an earlier visit. Unreadable data is moved aside (kept, not
/// overwritten) and reported as the error.
pub fn load() -> Result<Option<SavedUpload>, String> {
    load_saved(&key(), &format!("{}-data", CalibrationState::WIDGET_ID), "file")
}
