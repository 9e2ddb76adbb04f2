//! Hosting a widget's state: where it starts (link, saved work, or the worked example),
//! how it autosaves, and how the URL follows it.
//!
//! Rules, in order: a link's state wins over saved work, but saved work it replaces is
//! kept aside and can be restored; unreadable saved data is kept aside, never overwritten;
//! without storage the widget still works and says so. Whatever replaces a state (a link, an
//! import, Reset, another tab, a restore) first puts it in the widget's recent work
//! (`frontier_state::history`), the last 20 distinct states. When another tab saves other work
//! for the same widget, this tab stops saving and offers both versions.

use frontier_state::envelope::storage_key;
use frontier_state::history::{history_key, Entry, History, Replaced};
use frontier_state::{
    decode_link_state, encode_link_state, CompactView, Envelope, LoadOutcome, Query, Route, WidgetMeta, WidgetState,
    LINK_MAX_CHARS,
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
    /// The recent work, newest first (empty in embeds, which never store anything).
    pub history: RwSignal<History>,
    /// Another tab's saved work for this widget (its stored text), while the reader has not
    /// chosen between it and this tab's; autosave waits meanwhile.
    pub other_tab: RwSignal<Option<String>>,
    /// Set when the widget is a lesson's step: the lesson reads the state from here, and the
    /// widget neither stores anything nor touches the address.
    pub lesson: Option<LessonProbe>,
    /// The compact view an embed asked for (`view=`), when the widget declares it: it shows
    /// only the parts the view names.
    pub view: Option<&'static CompactView>,
    example: fn() -> T,
}

/// What a lesson sees of the widget it hosts: the state's schema version and JSON, kept up to
/// date as the student moves the controls. Provided as context around the widget.
#[derive(Clone, Copy, Debug)]
pub struct LessonProbe {
    pub state: RwSignal<Option<(u32, serde_json::Value)>>,
}

/// The most characters the recent work of one widget may take in storage; over it (or over the
/// browser's quota) the oldest entries go first.
const MAX_HISTORY_CHARS: usize = 1_000_000;

impl<T: WidgetState + Send + Sync + 'static> Host<T> {
    /// Resolves the starting state and starts autosave and URL sync.
    pub fn new(
        meta: &'static WidgetMeta,
        explain: fn() -> AnyView,
        query: Query,
        embed: bool,
        example: fn() -> T,
    ) -> Self {
        let lesson = use_context::<LessonProbe>();
        // A lesson's widget is an embed as far as storage goes: the lesson carries its state.
        let embed = embed || lesson.is_some();
        let store = Store::open();
        let mut notices = Vec::new();
        let key = storage_key(T::WIDGET_ID);
        let mut autosave = !embed && store.is_available();

        // An embed never saves, so blocked storage (a sandboxed frame, partitioned third-party
        // storage) changes nothing there and is not worth a notice.
        if let (Store::Unavailable(why), false) = (&store, embed) {
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
        let mut replaced_by_link = None;
        let initial = match from_link {
            Some(Ok(linked)) => {
                if let Some(previous) = saved_state.filter(|prev| *prev != linked) {
                    replaced_by_link = Some(previous.clone());
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

        let view = match (&query.view, embed) {
            (Some(id), true) => {
                let found = meta.view(id);
                if found.is_none() {
                    notices.push(Notice::info(format!("This widget has no view called {id:?}; here is all of it.")));
                }
                found
            }
            _ => None,
        };
        let history = if embed { History::default() } else { read_history::<T>(&store) };
        let host = Host {
            state: RwSignal::new(initial),
            notices: RwSignal::new(notices),
            query,
            meta,
            explain,
            embed,
            store: StoredValue::new_local(store),
            history: RwSignal::new(history),
            other_tab: RwSignal::new(None),
            lesson,
            view,
            example,
        };
        if let Some(previous) = replaced_by_link {
            host.record(&previous, Replaced::Link);
        }
        host.start_sync(autosave);
        if autosave {
            host.watch_other_tabs();
        }
        host
    }

    /// Keeps the URL and the saved copy in step with the state.
    fn start_sync(&self, autosave: bool) {
        let host = self.clone();
        Effect::new(move |_| {
            let state = host.state.get();
            if let Some(lesson) = host.lesson {
                // Through text, not `to_value`: the link's encoder and decoder already bring
                // these two paths into the app.
                let value = serde_json::to_vec(&state).ok().and_then(|b| serde_json::from_slice(&b).ok());
                lesson.state.set(value.map(|v| (T::VERSION, v)));
                return;
            }
            host.sync_url(&state);
            if autosave && host.other_tab.with_untracked(Option::is_none) {
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
        let query =
            Query { state, hide: self.query.hide.clone(), view: if embed { self.query.view.clone() } else { None } };
        if embed {
            Route::Embed { widget: T::WIDGET_ID.to_string(), query }
        } else {
            Route::Widget { problem: self.meta.problem.to_string(), widget: T::WIDGET_ID.to_string(), query }
        }
    }

    /// An absolute link to this widget in its current state, with `hide` replaced.
    pub fn link(&self, embed: bool, hide: Vec<String>) -> String {
        self.link_to_view(embed, hide, None)
    }

    /// As [`Host::link`], for an embed showing compact view `view`.
    pub fn link_to_view(&self, embed: bool, hide: Vec<String>, view: Option<&str>) -> String {
        let state = self.state.with_untracked(|s| encode_link_state(s).ok());
        let query = Query { state, hide, view: view.map(String::from) };
        let route = if embed {
            Route::Embed { widget: T::WIDGET_ID.to_string(), query }
        } else {
            Route::Widget { problem: self.meta.problem.to_string(), widget: T::WIDGET_ID.to_string(), query }
        };
        format!("{}{}", dom::page_base_url(), route.to_hash())
    }

    /// Whether a control or part is hidden: by a classroom link, or by a compact view that
    /// does not name it.
    pub fn hides(&self, control: &str) -> bool {
        self.query.hides(control) || self.view.is_some_and(|v| !v.shows.contains(&control))
    }

    /// A `Copy`-free predicate for views: whether a control is shown (not hidden by the link).
    pub fn shows(&self) -> impl Fn(&str) -> bool + Clone + 'static {
        let (query, view) = (self.query.clone(), self.view);
        move |control: &str| !query.hides(control) && view.is_none_or(|v| v.shows.contains(&control))
    }

    pub fn reset(&self) {
        self.replace((self.example)(), Replaced::Reset);
    }

    /// Sets the state to `next`, first keeping the current one in the recent work.
    fn replace(&self, next: T, how: Replaced) {
        let current = self.state.get_untracked();
        if current != next {
            self.record(&current, how);
        }
        self.state.set(next);
    }

    /// Puts `previous` at the front of the recent work and stores it (never in an embed).
    pub fn record(&self, previous: &T, how: Replaced) {
        if self.embed {
            return;
        }
        let Ok(envelope) = Envelope::wrap(previous) else { return };
        let mut history = self.history.get_untracked();
        history.push(Entry { envelope, replaced_at_ms: js_sys::Date::now(), replaced_by: how });
        self.write_history(history);
    }

    /// Stores the recent work whole or not at all: over the budget or the browser's quota the
    /// oldest entries go first, and the reader is told.
    fn write_history(&self, history: History) {
        let key = history_key(T::WIDGET_ID);
        // Stored text this release cannot read is never written over.
        if let Ok(Some(stored)) = self.store.with_value(|s| s.get(&key)) {
            if History::parse(&stored).is_err() {
                self.warn_once("Recent work is stored in a form this page cannot read, so it is left as it is.".into());
                return;
            }
        }
        let mut budget = MAX_HISTORY_CHARS;
        loop {
            let (text, dropped) = history.to_text_within(budget);
            match self.store.with_value(|s| s.set(&key, &text)) {
                Ok(()) => {
                    if dropped > 0 {
                        self.warn_once(format!(
                            "Storage is nearly full: the {dropped} oldest versions in Recent work were let go."
                        ));
                    }
                    let kept = History::parse(&text).unwrap_or_default();
                    self.history.set(kept);
                    return;
                }
                Err(_) if budget > 2_000 => budget /= 2,
                Err(why) => {
                    self.warn_once(format!("Recent work could not be stored ({why}); use Export to keep versions."));
                    self.history.set(history);
                    return;
                }
            }
        }
    }

    /// Brings back entry `index` of the recent work; the current state takes its place there.
    pub fn restore_recent(&self, index: usize) {
        let mut history = self.history.get_untracked();
        let Some(entry) = history.take(index) else { return };
        match Envelope::unwrap::<T>(&entry.envelope) {
            Ok(state) => {
                self.write_history(history);
                self.replace(state, Replaced::Restore);
                self.notices.update(|n| {
                    n.push(Notice::info("An earlier version is back; the one it replaced is in Recent work."))
                });
            }
            Err(why) => self.warn_once(format!("That version could not be read back: {why}")),
        }
    }

    /// Listens for other tabs saving this widget; a different state stops autosave here until
    /// the reader chooses (`use_other_tab`, `keep_this_tab`).
    fn watch_other_tabs(&self) {
        let host = self.clone();
        let key = storage_key(T::WIDGET_ID);
        let handle = window_event_listener(leptos::ev::storage, move |ev: web_sys::StorageEvent| {
            if ev.key().as_deref() != Some(key.as_str()) {
                return;
            }
            let Some(theirs) = ev.new_value() else { return };
            let same = Envelope::unwrap::<T>(&theirs).is_ok_and(|s| host.state.with_untracked(|mine| *mine == s));
            if !same {
                host.other_tab.set(Some(theirs));
            }
        });
        on_cleanup(move || handle.remove());
    }

    /// Takes the other tab's version; this tab's goes to the recent work.
    pub fn use_other_tab(&self) {
        let Some(theirs) = self.other_tab.get_untracked() else { return };
        match Envelope::unwrap::<T>(&theirs) {
            Ok(state) => {
                self.other_tab.set(None);
                self.replace(state, Replaced::OtherTab);
            }
            Err(why) => self.warn_once(format!("The other tab's version could not be read: {why}")),
        }
    }

    /// Keeps this tab's version and saves it; the other tab's goes to the recent work.
    pub fn keep_this_tab(&self) {
        let Some(theirs) = self.other_tab.get_untracked() else { return };
        if let Ok(state) = Envelope::unwrap::<T>(&theirs) {
            self.record(&state, Replaced::OtherTab);
        }
        self.other_tab.set(None);
        let saved = self
            .state
            .with_untracked(Envelope::wrap)
            .and_then(|text| self.store.with_value(|s| s.set(&storage_key(T::WIDGET_ID), &text)));
        if let Err(why) = saved {
            self.warn_once(format!("Your changes could not be saved in this browser: {why}. Use Export to keep them."));
        }
    }

    /// Replaces the state with an imported file's, or explains why it cannot.
    pub fn import(&self, text: &str) {
        match Envelope::unwrap::<T>(text) {
            Ok(state) => {
                self.replace(state, Replaced::Import);
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

/// The stored recent work of widget `T`; unreadable text is kept aside and the history starts
/// empty (nothing is overwritten that could not be read).
fn read_history<T: WidgetState>(store: &Store) -> History {
    let key = history_key(T::WIDGET_ID);
    match store.get(&key) {
        Ok(Some(text)) => History::parse(&text).unwrap_or_else(|_| {
            if store.keep_aside(&format!("{}-history", T::WIDGET_ID), &text).is_ok() {
                let _ = store.remove(&key);
            }
            History::default()
        }),
        Ok(None) | Err(_) => History::default(),
    }
}
