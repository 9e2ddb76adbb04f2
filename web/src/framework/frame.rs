//! The chrome every widget shares: title, notices, Share / Embed / Export / Import / Reset,
//! the classroom-link builder and the explanation.

use std::sync::Arc;

use frontier_state::{WidgetMeta, WidgetState};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::dom;
use super::host::{Host, NoticeKind};

/// One file the Export menu offers.
#[derive(Clone)]
pub struct ExportItem {
    pub label: &'static str,
    pub filename: String,
    pub mime: &'static str,
    pub make: Arc<dyn Fn() -> Result<String, String> + Send + Sync>,
}

/// A link to this widget's embed, whole or in a compact view.
type LinkTo = Arc<dyn Fn(Option<&'static str>) -> String + Send + Sync>;
/// The widget's state as JSON, for a lesson step.
type StateJson = Arc<dyn Fn() -> Result<serde_json::Value, String> + Send + Sync>;

/// The height of an embed of the whole widget: embed.js resizes it to the widget's own.
const WHOLE_WIDGET_HEIGHT_PX: u32 = 720;

/// The `<iframe>` line for embedding `url` at `height_px`.
fn iframe_line(url: &str, title: &str, height_px: u32) -> String {
    let escape = |s: &str| s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    format!(
        r#"<iframe src="{}" title="{}" width="100%" height="{height_px}" style="border:0;max-width:100%" loading="lazy" data-frontier-lab></iframe>"#,
        escape(url),
        escape(title)
    )
}

#[component]
pub fn WidgetFrame<T: WidgetState + Send + Sync + 'static>(
    host: Host<T>,
    exports: Vec<ExportItem>,
    children: Children,
) -> impl IntoView {
    let meta = host.meta;
    let title = meta.title;
    let status = RwSignal::new(String::new());
    let manual_copy = RwSignal::new(None::<String>);
    let copy = move |text: String, what: &'static str| {
        leptos::task::spawn_local(async move {
            match dom::copy_text(&text).await {
                Ok(()) => {
                    status.set(format!("{what} copied to the clipboard."));
                    manual_copy.set(None);
                }
                Err(_) => {
                    status.set(format!("The browser did not allow copying; select the {what} below and copy it."));
                    manual_copy.set(Some(text));
                }
            }
        });
    };

    let share = {
        let host = host.clone();
        move |_| copy(host.link(false, host.query.hide.clone()), "link")
    };
    let link_to: LinkTo = {
        let host = host.clone();
        Arc::new(move |view| host.link_to_view(true, host.query.hide.clone(), view))
    };
    let copy_text = Callback::new(move |(text, what): (String, &'static str)| copy(text, what));
    let reset = {
        let host = host.clone();
        move |_| {
            host.reset();
            status.set("Back to the worked example.".into());
        }
    };
    let export_state = {
        let host = host.clone();
        move |_| {
            let text = host.state.with_untracked(|s| frontier_state::Envelope::wrap(s));
            let result = text.and_then(|t| {
                dom::download_bytes(&format!("{}-state.json", T::WIDGET_ID), "application/json", t.as_bytes())
            });
            if let Err(e) = result {
                status.set(format!("Export failed: {e}"));
            }
        }
    };
    let import = {
        let host = host.clone();
        move |ev: leptos::ev::Event| {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            if let Err(e) = frontier_state::envelope::check_state_file_size(file.size() as u64) {
                input.set_value("");
                return status.set(format!("{}: {e}.", file.name()));
            }
            let host = host.clone();
            leptos::task::spawn_local(async move {
                match dom::read_file_text(&file).await {
                    Ok(text) => host.import(&text),
                    Err(e) => status.set(format!("The file could not be read: {e}")),
                }
            });
            input.set_value("");
        }
    };

    let export_buttons = exports
        .into_iter()
        .map(|item| {
            let on_click = move |_| {
                let result =
                    (item.make)().and_then(|text| dom::download_bytes(&item.filename, item.mime, text.as_bytes()));
                if let Err(e) = result {
                    status.set(format!("Export failed: {e}"));
                }
            };
            view! { <button type="button" on:click=on_click>{item.label}</button> }
        })
        .collect_view();

    let notices = {
        let host = host.clone();
        move || {
            host.notices
                .get()
                .into_iter()
                .enumerate()
                .map(|(i, n)| {
                    let class = match n.kind {
                        NoticeKind::Info => "notice info",
                        NoticeKind::Warning => "notice warning",
                    };
                    let host_dl = host.clone();
                    let host_restore = host.clone();
                    let host_dismiss = host.clone();
                    let key_dl = n.aside_key.clone();
                    let key_restore = n.aside_key.clone();
                    view! {
                        <div class=class role="status">
                            <span>{n.text.clone()}</span>
                            {key_dl.map(|key| {
                                let on_click = move |_| {
                                    if let Some(text) = host_dl.aside_text(&key) {
                                        let _ = dom::download_bytes("frontier-lab-kept-aside.json", "application/json", text.as_bytes());
                                    }
                                };
                                view! { <button type="button" on:click=on_click>"Download it"</button> }
                            })}
                            {(n.restorable).then(|| key_restore.map(|key| {
                                let on_click = move |_| host_restore.restore_aside(&key);
                                view! { <button type="button" on:click=on_click>"Restore it"</button> }
                            }))}
                            <button type="button" class="dismiss" aria-label="Dismiss this notice"
                                on:click=move |_| host_dismiss.notices.update(|v| { if i < v.len() { v.remove(i); } })>"×"</button>
                        </div>
                    }
                })
                .collect_view()
        }
    };

    let other_tab = {
        let host = host.clone();
        move || {
            host.other_tab.get().map(|_| {
                let (theirs, mine) = (host.clone(), host.clone());
                view! {
                    <div class="notice warning" role="alert" data-testid="other-tab">
                        <span>"Another tab saved different work for this widget, so this tab has stopped saving. Which version should stay? The other goes to Recent work."</span>
                        <button type="button" data-testid="use-other-tab" on:click=move |_| theirs.use_other_tab()>"Use the other tab's"</button>
                        <button type="button" data-testid="keep-this-tab" on:click=move |_| mine.keep_this_tab()>"Keep this tab's"</button>
                    </div>
                }
            })
        }
    };

    let recent = (!host.embed).then(|| {
        let host = host.clone();
        let count = move || host.history.with(|h| h.entries.len());
        let list = {
            let host = host.clone();
            move || {
                let entries = host.history.get().entries;
                if entries.is_empty() {
                    return view! { <p class="hint">"Nothing replaced yet. A link, an import, Reset or another tab keeps the version it replaces here."</p> }.into_any();
                }
                let rows = entries
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let host = host.clone();
                        view! {
                            <li>
                                <span>{format!("{}, {}", local_time(e.replaced_at_ms), e.replaced_by.describe())}</span>
                                " "
                                <button type="button" data-testid=format!("restore-{i}") on:click=move |_| host.restore_recent(i)>"Restore"</button>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ol class="recent-list">{rows}</ol> }.into_any()
            }
        };
        view! {
            <details class="recent-work" data-testid="recent-work">
                <summary>{move || format!("Recent work ({})", count())}</summary>
                {list}
            </details>
        }
    });

    let classroom = (!host.embed).then(|| {
        let chosen = RwSignal::new(host.query.hide.clone());
        let host = host.clone();
        let boxes = meta
            .hideable()
            .map(|h| {
                let checked = move || chosen.with(|c| c.iter().any(|x| x == h.id));
                let toggle = move |_| {
                    chosen.update(|c| {
                        if let Some(pos) = c.iter().position(|x| x == h.id) {
                            c.remove(pos);
                        } else {
                            c.push(h.id.to_string());
                        }
                    })
                };
                view! { <label class="check"><input type="checkbox" prop:checked=checked on:change=toggle/>{h.label}</label> }
            })
            .collect_view();
        let copy_classroom = move |_| copy(host.link(false, chosen.get_untracked()), "classroom link");
        view! {
            <details class="classroom">
                <summary>"Classroom link"</summary>
                <p>"Fix this widget's current settings and hide what would distract. Students get a focused version; the hidden parts stay hidden after a reload."</p>
                <fieldset><legend>"Hide"</legend>{boxes}</fieldset>
                <button type="button" on:click=copy_classroom>"Copy classroom link"</button>
            </details>
        }
    });

    let add_to_lesson = (!host.embed && frontier_labs::state_version(T::WIDGET_ID).is_some()).then(|| {
        let host = host.clone();
        let state: StateJson = Arc::new(move || {
            let bytes = host.state.with_untracked(|s| serde_json::to_vec(s)).map_err(|e| e.to_string())?;
            serde_json::from_slice(&bytes).map_err(|e| e.to_string())
        });
        add_to_lesson_button(T::WIDGET_ID, T::VERSION, title, state, host.query.hide.clone(), status)
    });
    let in_lesson = host.lesson.is_some();
    // A compact view shows its parts and the way to the full widget, not the toolbar.
    let bare = in_lesson || host.view.is_some();
    let open_full = (host.embed && !in_lesson).then(|| {
        let href = host.link(false, host.query.hide.clone());
        view! { <a class="open-full" href=href target="_blank" rel="noopener">"Open in Frontier Lab ↗"</a> }
    });
    let explain = (!host.hides(frontier_state::registry::EXPLAIN.id)).then_some(host.explain);

    view! {
        <section class="widget" data-widget=T::WIDGET_ID aria-labelledby=format!("{}-title", T::WIDGET_ID)>
            <header class="widget-head">
                <h2 id=format!("{}-title", T::WIDGET_ID)>{title}</h2>
                <p class="summary" hidden=host.view.is_some()>{meta.intro}</p>
                {open_full}
            </header>
            <div class="notices" aria-live="polite">{notices}{other_tab}</div>
            {(!bare).then(|| view! {
            <div class="toolbar" role="toolbar" aria-label="Widget actions">
                <button type="button" on:click=share>"Share link"</button>
                <EmbedMenu meta=meta link_to=link_to copy=copy_text/>
                <details class="menu export-menu">
                    <summary>"Export"</summary>
                    <div class="menu-items">
                        {export_buttons}
                        <button type="button" on:click=export_state>"State file (JSON)"</button>
                    </div>
                </details>
                <label class="button">"Import state"<input type="file" accept=".json,application/json" class="visually-hidden" on:change=import/></label>
                <button type="button" data-testid="reset" on:click=reset>"Reset"</button>
                {add_to_lesson}
            </div>
            })}
            <p class="status" aria-live="polite">{move || status.get()}</p>
            {move || manual_copy.get().map(|text| view! {
                <textarea class="manual-copy" readonly aria-label="Text to copy" rows="3" prop:value=text></textarea>
            })}
            <div class="widget-body">{children()}</div>
            {recent}
            {classroom}
            {explain.map(|explain| view! { <div class="explain" data-control="explain">{explain()}</div> })}
        </section>
    }
}

/// A stored time (milliseconds since 1970) in the reader's own format.
fn local_time(ms: f64) -> String {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms))
        .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

/// The Embed menu: the whole widget or one of its compact views, a preview on request, and the
/// `<iframe>` line at the right height. Not generic over the widget, so the app carries it once.
#[component]
fn EmbedMenu(meta: &'static WidgetMeta, link_to: LinkTo, copy: Callback<(String, &'static str)>) -> impl IntoView {
    let title = meta.title;
    let chosen = RwSignal::new(None::<&'static str>);
    let previewing = RwSignal::new(false);
    let height_of = move |view: Option<&'static str>| {
        view.and_then(|v| meta.view(v)).map_or(WHOLE_WIDGET_HEIGHT_PX, |v| v.height_px)
    };
    let copy_line = {
        let link_to = link_to.clone();
        move |_| {
            let view = chosen.get_untracked();
            copy.run((iframe_line(&link_to(view), title, height_of(view)), "embed code"));
        }
    };
    let choices = std::iter::once((None, "The whole widget", WHOLE_WIDGET_HEIGHT_PX))
        .chain(meta.views.iter().map(|v| (Some(v.id), v.label, v.height_px)))
        .map(|(id, label, height)| {
            let name = format!("{}-embed-view", meta.id);
            let testid = format!("embed-view-{}", id.unwrap_or("whole"));
            view! {
                <label class="check">
                    <input type="radio" name=name data-testid=testid prop:checked=move || chosen.get() == id on:change=move |_| chosen.set(id)/>
                    {format!("{label} ({height} px)")}
                </label>
            }
        })
        .collect_view();
    let preview = move || {
        previewing.get().then(|| {
            let view = chosen.get();
            view! { <iframe class="embed-preview" src=link_to(view) title=format!("Preview: {title}") height=height_of(view).to_string()></iframe> }
        })
    };
    view! {
        <details class="menu embed-menu">
            <summary>"Embed"</summary>
            <div class="menu-items">
                <fieldset><legend>"What to embed"</legend>{choices}</fieldset>
                <button type="button" data-testid="copy-embed" on:click=copy_line>"Copy the <iframe> line"</button>
                <button type="button" on:click=move |_| previewing.update(|p| *p = !*p)>
                    {move || if previewing.get() { "Hide the preview" } else { "Preview" }}
                </button>
                {preview}
            </div>
        </details>
    }
}

/// "Add to lesson": the widget's current state becomes the next step of the lesson draft.
fn add_to_lesson_button(
    widget: &'static str,
    version: u32,
    title: &'static str,
    state: StateJson,
    hide: Vec<String>,
    status: RwSignal<String>,
) -> AnyView {
    let on_click = move |_| {
        let added = state().and_then(|s| crate::lessons::store::add_step(widget, version, s, hide.clone(), title));
        match added {
            Ok(n) => status.set(format!(
                "Added as step {n} of your lesson draft. Open Lessons → Write a lesson to add questions."
            )),
            Err(e) => status.set(format!("Could not add to the lesson draft: {e}")),
        }
    };
    view! { <button type="button" data-testid="add-to-lesson" on:click=on_click>"Add to lesson"</button> }.into_any()
}
