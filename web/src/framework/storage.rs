//! Local storage that may be missing. In a sandboxed or partitioned iframe the browser
//! throws on access; that is a normal state here, not an error to crash on.
//!
//! Data that cannot be read back is never overwritten: it is kept aside under
//! `frontier-lab:aside:<what>:<time>` first. Every widget's saved state and every persisted upload
//! goes through [`Store::keep_aside`] and [`load_saved`] for that.

use frontier_state::envelope::aside_key;
use serde::de::DeserializeOwned;

use super::dom;

/// Either a usable `localStorage` or the reason there is none.
#[derive(Clone)]
pub enum Store {
    Available(web_sys::Storage),
    Unavailable(String),
}

impl Store {
    /// Opens `localStorage`, catching the `SecurityError` sandboxed frames raise, and
    /// checking that a write works (Safari's private mode used to refuse every write).
    pub fn open() -> Store {
        let Some(window) = web_sys::window() else { return Store::Unavailable("no window".into()) };
        match window.local_storage() {
            Ok(Some(storage)) => {
                let probe = "frontier-lab:probe";
                match storage.set_item(probe, "1") {
                    Ok(()) => {
                        let _ = storage.remove_item(probe);
                        Store::Available(storage)
                    }
                    Err(_) => Store::Unavailable("this browser refuses to save data for this page".into()),
                }
            }
            Ok(None) => Store::Unavailable("this browser has no local storage".into()),
            Err(_) => Store::Unavailable("storage is blocked here (for example in a sandboxed embed)".into()),
        }
    }

    pub fn is_available(&self) -> bool {
        matches!(self, Store::Available(_))
    }

    pub fn get(&self, key: &str) -> Result<Option<String>, String> {
        match self {
            Store::Available(s) => s.get_item(key).map_err(|_| format!("cannot read {key}")),
            Store::Unavailable(why) => Err(why.clone()),
        }
    }

    pub fn set(&self, key: &str, value: &str) -> Result<(), String> {
        match self {
            Store::Available(s) => {
                s.set_item(key, value).map_err(|_| "the browser refused to save (storage full?)".to_string())
            }
            Store::Unavailable(why) => Err(why.clone()),
        }
    }

    pub fn remove(&self, key: &str) -> Result<(), String> {
        match self {
            Store::Available(s) => s.remove_item(key).map_err(|_| format!("cannot remove {key}")),
            Store::Unavailable(why) => Err(why.clone()),
        }
    }

    /// Copies `text` aside under a new `frontier-lab:aside:<what>:<time>` key, and returns it.
    pub fn keep_aside(&self, what: &str, text: &str) -> Result<String, String> {
        let aside = aside_key(what, &format!("{}", dom::now_ms() as u64));
        self.set(&aside, text).map(|()| aside)
    }
}

/// What an earlier visit saved under `key` (an upload kept across reloads). Data that does not
/// parse is moved aside (`what` names it in the aside key) and reported; `noun` is what the
/// message calls it ("file", "image").
pub fn load_saved<T: DeserializeOwned>(key: &str, what: &str, noun: &str) -> Result<Option<T>, String> {
    let store = Store::open();
    let Ok(Some(text)) = store.get(key) else { return Ok(None) };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        match store.keep_aside(what, &text).and_then(|aside| store.remove(key).map(|()| aside)) {
            Ok(aside) => format!("Your saved {noun} could not be read ({e}); it is kept aside under {aside}."),
            Err(why) => format!("Your saved {noun} could not be read ({e}) and could not be moved aside ({why})."),
        }
    })
}
