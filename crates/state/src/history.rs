//! A widget's recent work: the last [`MAX_ENTRIES`] distinct states that something replaced (a
//! link, an import, Reset, another tab, a restore), each with when and how, newest first. The
//! app keeps it in local storage beside the autosaved state, so that no replacement loses work.

use serde::{Deserialize, Serialize};

/// How many replaced states a widget keeps.
pub const MAX_ENTRIES: usize = 20;

/// What replaced a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Replaced {
    /// A link opened with other settings.
    Link,
    /// A state file was imported.
    Import,
    /// Reset returned the worked example.
    Reset,
    /// Another tab saved other work for the same widget, and this tab took it.
    OtherTab,
    /// An earlier state was restored from this history.
    Restore,
}

impl Replaced {
    /// "replaced by a link", for the Recent work menu.
    pub fn describe(self) -> &'static str {
        match self {
            Replaced::Link => "replaced by a link",
            Replaced::Import => "replaced by an import",
            Replaced::Reset => "replaced by Reset",
            Replaced::OtherTab => "replaced by another tab's work",
            Replaced::Restore => "replaced by a restored version",
        }
    }
}

/// One replaced state: its stored envelope (so that it migrates like saved work), when it was
/// replaced (milliseconds since 1970, from the page's clock) and by what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub envelope: String,
    pub replaced_at_ms: f64,
    pub replaced_by: Replaced,
}

/// The recent work of one widget, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub entries: Vec<Entry>,
}

impl History {
    /// Reads a stored history; an error says why (the caller keeps the text aside).
    pub fn parse(text: &str) -> Result<History, String> {
        serde_json::from_str(text).map_err(|e| format!("the recent work is not readable: {e}"))
    }

    /// Adds a replaced state. A state already kept moves to the front instead of appearing
    /// twice; beyond [`MAX_ENTRIES`] the oldest goes.
    pub fn push(&mut self, entry: Entry) {
        self.entries.retain(|e| e.envelope != entry.envelope);
        self.entries.insert(0, entry);
        self.entries.truncate(MAX_ENTRIES);
    }

    /// Removes and returns entry `index`.
    pub fn take(&mut self, index: usize) -> Option<Entry> {
        (index < self.entries.len()).then(|| self.entries.remove(index))
    }

    /// The stored text, dropping the oldest entries until it is at most `max_chars` long;
    /// returns the text and how many entries were dropped.
    pub fn to_text_within(&self, max_chars: usize) -> (String, usize) {
        let mut kept = self.clone();
        let mut dropped = 0;
        loop {
            let text = serde_json::to_string(&kept).unwrap_or_else(|_| "{\"entries\":[]}".into());
            if text.len() <= max_chars || kept.entries.is_empty() {
                return (text, dropped);
            }
            kept.entries.pop();
            dropped += 1;
        }
    }
}

/// The local-storage key of a widget's recent work.
pub fn history_key(widget_id: &str) -> String {
    format!("frontier-lab:history:v1:{widget_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u32, by: Replaced) -> Entry {
        Entry { envelope: format!("{{\"n\":{n}}}"), replaced_at_ms: f64::from(n), replaced_by: by }
    }

    #[test]
    fn keeps_twenty_distinct_states_newest_first() {
        let mut h = History::default();
        for n in 0..25 {
            h.push(entry(n, Replaced::Link));
        }
        assert_eq!(h.entries.len(), MAX_ENTRIES);
        assert_eq!((h.entries[0].replaced_at_ms, h.entries[19].replaced_at_ms), (24.0, 5.0));
        // The same state again moves to the front with its new time and cause.
        h.push(entry(10, Replaced::Reset));
        assert_eq!(h.entries.len(), MAX_ENTRIES);
        assert_eq!((h.entries[0].replaced_at_ms, h.entries[0].replaced_by), (10.0, Replaced::Reset));
        assert_eq!(h.entries.iter().filter(|e| e.envelope == "{\"n\":10}").count(), 1);
        assert_eq!(h.take(0).map(|e| e.replaced_at_ms), Some(10.0));
        assert_eq!(h.take(99), None);
    }

    #[test]
    fn over_its_budget_the_oldest_entries_go_first() {
        let mut h = History::default();
        for n in 0..5 {
            h.push(entry(n, Replaced::Import));
        }
        let (whole, dropped) = h.to_text_within(usize::MAX);
        assert_eq!(dropped, 0);
        assert_eq!(History::parse(&whole), Ok(h.clone()));
        let (text, dropped) = h.to_text_within(whole.len() - 1);
        let kept = History::parse(&text).unwrap_or_default();
        assert_eq!(dropped, 1);
        assert_eq!(kept.entries.last().map(|e| e.replaced_at_ms), Some(1.0), "the oldest (0) went");
        assert!(History::parse("{not json").is_err());
        assert_eq!(serde_json::to_value(Replaced::OtherTab).ok(), Some(serde_json::json!("other-tab")));
    }
}
