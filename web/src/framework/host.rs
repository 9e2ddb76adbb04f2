//! Hosting a widget's state: where it starts (link, saved work, or the worked example),
//! how it autosaves, and how the URL follows it.
//!
//! Rules, in order: a link's state wins over saved work, but saved work it replaces is
//! kept aside and can be restored; unreadable saved data is kept aside, never overwritten;
//! without storage the widget still works and says so.

use frontier_state::envelope::storage_key;
use frontier_state::{
    decode_link_state, encode_link_state, Envelope, LoadOutcome, Query, Route, WidgetMeta, WidgetState, LINK_MAX_CHARS,
};
use leptos::prelude::*;

use super::dom;
use super::storage::Store;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NoticeKind {
    Info,
    Warning,
}

/// A message shown above the widget. `aside_key` names data kept aside that the user can
/// download or restore.
#[derive(Clone, PartialEq, Debug)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    pub aside_key: Option<String>,
    pub restorable: bool,
}

impl Notice {
    fn info(text: impl Into<String>) -> Self {
        Notice { kind: NoticeKind::Info, text: text.into(), aside_key: None, restorable: false }
    }
    fn warning(text: impl Into<String>) -> Self {
        Notice { kind: NoticeKind::Warning, text: text.into(), aside_key: None, restorable: false }
    }
}

/// Everything a widget view needs from the framework.
#[derive(Clone)]
pub struct Host<T: WidgetState + Send + Sync + 'static> {
    pub state: RwSignal<T>,
    pub notices: RwSignal<Vec<Notice>>,
    pub query: Query,
    /// The widget's declaration in the registry.
    pub meta: &'static WidgetMeta,
    /// The widget's explanation, which the frame shows unless a classroom link hides it.
    pub explain: fn() -> AnyView,
    pub embed: bool,
    pub store: StoredValue<Store, LocalStorage>,
    example: fn() -> T,
}

impl<T: WidgetState + Send + Sync + 'static> Host<T> {
    /// Resolves the starting state and starts autosave and URL sync.
    pub fn new(
        meta: &'static WidgetMeta,
        explain: fn() -> AnyView,
        query: Query,
        embed: bool,
        example: fn() -> T,
    ) -> Self {
        let store = Store::open();
        let mut notices = Vec::new();
        let key = storage_key(T::WIDGET_ID);
        let mut autosave = !embed && store.is_available();

        if let Store::Unavailable(why) = &store {
            notices.push(Notice::info(format!(
                "Your changes are not saved in this browser: {why}. They stay in this page's link; use Export to keep results."
            )));
        }
        // Embeds never read or write saved work: the link carries their state, and a blog's
        // frame must not overwrite what the reader keeps on the full site.
        let saved = if embed || !store.is_available() {
            LoadOutcome::Missing
        } else {
            match store.get(&key) {
                Ok(raw) => Envelope::load::<T>(raw.as_deref()),
                Err(why) => LoadOutcome::Unreadable { reason: why },
            }
        };
        let saved_state = match saved {
            LoadOutcome::Restored(s) => Some(s),
            LoadOutcome::Missing => None,
            LoadOutcome::Unreadable { reason } => {
                let raw = store.get(&key).ok().flatten().unwrap_or_default();
                match store.keep_aside(T::WIDGET_ID, &raw) {
                    Ok(aside) => notices.push(Notice {
                        kind: NoticeKind::Warning,
                        text: format!("Your saved work could not be read ({reason}). It is kept aside, untouched; download it to inspect it."),
                        aside_key: Some(aside),
                        restorable: false,
                    }),
                    Err(why) => {
                        // Without a safe copy, autosave would destroy the only one: stop.
                        autosave = false;
                        notices.push(Notice::warning(format!(
                            "Your saved work could not be read ({reason}) and could not be copied aside ({why}), so this page will not save over it."
                        )));
                    }
                }
                None
            }
        };

        let from_link = query.state.as_deref().map(decode_link_state::<T>);
        let initial = match from_link {
            Some(Ok(linked)) => {
                if let Some(previous) = saved_state.filter(|prev| *prev != linked) {
                    let aside = format!("frontier-lab:previous:{}", T::WIDGET_ID);
                    if let Ok(text) = Envelope::wrap(&previous) {
                        if store.set(&aside, &text).is_ok() {
                            notices.push(Notice {
                                kind: NoticeKind::Info,
                                text: "This link replaced your earlier work on this widget. It is kept; you can bring it back.".into(),
                                aside_key: Some(aside),
                                restorable: true,
                            });
                        } else {
                            autosave = false;
                        }
                    }
                }
                linked
            }
            Some(Err(e)) => {
                let fallback = if saved_state.is_some() { "your saved work" } else { "the worked example" };
                notices.push(Notice::warning(format!(
                    "The link's settings could not be used ({e}). Showing {fallback} instead."
                )));
                saved_state.unwrap_or_else(example)
            }
            None => saved_state.unwrap_or_else(example),
        };

        let host = Host {
            state: RwSignal::new(initial),
            notices: RwSignal::new(notices),
            query,
            meta,
            explain,
            embed,
            store: StoredValue::new_local(store),
            example,
        };
        host.start_sync(autosave);
        host
    }

    /// Keeps the URL and the saved copy in step with the state.
    fn start_sync(&self, autosave: bool) {
        let host = self.clone();
        Effect::new(move |_| {
            let state = host.state.get();
            host.sync_url(&state);
            if autosave {
                let saved = Envelope::wrap(&state)
                    .and_then(|text| host.store.with_value(|s| s.set(&storage_key(T::WIDGET_ID), &text)));
                if let Err(why) = saved {
                    host.warn_once(format!(
                        "Your changes could not be saved in this browser: {why}. Use Export to keep them."
                    ));
                }
            }
        });
    }

    fn sync_url(&self, state: &T) {
        match encode_link_state(state) {
            Ok(s) if s.len() <= LINK_MAX_CHARS => {
                dom::replace_hash(&self.route_with_state(Some(s), self.embed).to_hash())
            }
            _ => {
                // The address must not keep a state it no longer shows (a refused link's, or an
                // older one): the route stays, without `s=`.
                dom::replace_hash(&self.route_with_state(None, self.embed).to_hash());
                self.warn_once("These settings are too large for a link; use Export → state file to share them.".into())
            }
        }
    }

    /// Shows a warning above the widget, once however often it is asked for.
    pub fn warn_once(&self, text: String) {
        if !self.notices.with_untracked(|n| n.iter().any(|x| x.text == text)) {
            self.notices.update(|n| n.push(Notice::warning(text)));
        }
    }

    /// The route of this widget with a given state, full-size or embedded.
    pub fn route_with_state(&self, state: Option<String>, embed: bool) -> Route {
        let query = Query { state, hide: self.query.hide.clone() };
        if embed {
            Route::Embed { widget: T::WIDGET_ID.to_string(), query }
        } else {
            Route::Widget { problem: self.meta.problem.to_string(), widget: T::WIDGET_ID.to_string(), query }
        }
    }

    /// An absolute link to this widget in its current state, with `hide` replaced.
    pub fn link(&self, embed: bool, hide: Vec<String>) -> String {
        let state = self.state.with_untracked(|s| encode_link_state(s).ok());
        let query = Query { state, hide };
        let route = if embed {
            Route::Embed { widget: T::WIDGET_ID.to_string(), query }
        } else {
            Route::Widget { problem: self.meta.problem.to_string(), widget: T::WIDGET_ID.to_string(), query }
        };
        format!("{}{}", dom::page_base_url(), route.to_hash())
    }

    pub fn hides(&self, control: &str) -> bool {
        self.query.hides(control)
    }

    /// A `Copy`-free predicate for views: whether a control is shown (not hidden by the link).
    pub fn shows(&self) -> impl Fn(&str) -> bool + Clone + 'static {
        let query = self.query.clone();
        move |control: &str| !query.hides(control)
    }

    pub fn reset(&self) {
        self.state.set((self.example)());
    }

    /// Replaces the state with an imported file's, or explains why it cannot.
    pub fn import(&self, text: &str) {
        match Envelope::unwrap::<T>(text) {
            Ok(state) => {
                self.state.set(state);
                self.notices.update(|n| n.push(Notice::info("State imported.")));
            }
            Err(why) => {
                self.notices.update(|n| n.push(Notice::warning(format!("That file could not be imported: {why}"))))
            }
        }
    }

    /// Brings back work a link replaced.
    pub fn restore_aside(&self, key: &str) {
        let text = self.store.with_value(|s| s.get(key));
        match text {
            Ok(Some(text)) => self.import(&text),
            _ => self.notices.update(|n| n.push(Notice::warning("The earlier work could not be read back."))),
        }
    }

    /// The raw text kept aside under `key`, for download.
    pub fn aside_text(&self, key: &str) -> Option<String> {
        self.store.with_value(|s| s.get(key).ok().flatten())
    }
}
