//! The image: a bundled example, or the user's own file, decoded by the browser in this page.
//! Only the size goes into the state; a copy scaled down for display is kept in local storage
//! so a reload still shows it. Nothing leaves the page.

use frontier_state::envelope::data_key;
use frontier_state::WidgetState;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use frontier_grounding::image_header::{declared_size, HeaderError, HEADER_BYTES};

use super::state::{GroundingState, ImageChoice, EXAMPLES};
use crate::framework::storage::{load_saved, Store};
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::{DisplayCopy, Job};

/// Files above this are refused before decoding.
const MAX_FILE_BYTES: f64 = 100.0 * 1024.0 * 1024.0;
/// The display copy's longest side: enough to see a 14-px patch grid, small enough to keep.
const DISPLAY_MAX_SIDE: u32 = 1600;
/// Display copies above this are not kept across reloads (a site gets about 5 MB of storage).
const MAX_SAVED_CHARS: usize = 2_500_000;

/// The user's image as this page holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Uploaded {
    pub name: String,
    pub width: u32,
    pub height: u32,
    /// A JPEG data URL, scaled down to at most `DISPLAY_MAX_SIDE` on its longer side.
    pub display_url: String,
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| "the browser gave no reason".into())
}

/// Decodes `file` and makes its display copy (raster formats in `runner`'s worker).
pub async fn decode(file: &web_sys::File, runner: JobRunner) -> Result<Uploaded, String> {
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        return Err(format!("{name} is {:.0} MB; the limit is 100 MB.", file.size() / 1048576.0));
    }
    match check_declared_size(file, &name).await? {
        Some((width, height)) => decode_scaled(file, width, height, &name, runner).await,
        None => {
            let url = web_sys::Url::create_object_url_with_blob(file).map_err(js_err)?;
            let result = decode_url(&url, &name).await;
            let _ = web_sys::Url::revoke_object_url(&url);
            result
        }
    }
}

/// The display copy's size for an image of `width` × `height`.
fn display_size(width: u32, height: u32) -> (u32, u32) {
    let scale = (f64::from(DISPLAY_MAX_SIDE) / f64::from(width.max(height))).min(1.0);
    (((f64::from(width) * scale).round() as u32).max(1), ((f64::from(height) * scale).round() as u32).max(1))
}

/// Decodes a raster file and scales it to its display size in the worker ([`Job::DisplayCopy`]):
/// on the page's thread, decoding and scaling 64 million pixels held the page for over half a
/// second, even through `createImageBitmap`. Only the width is asked for, so the browser keeps
/// the image's aspect ratio after any EXIF rotation; a rotation shows as swapped sides, and the
/// size reported follows it.
async fn decode_scaled(
    file: &web_sys::File,
    width: u32,
    height: u32,
    name: &str,
    runner: JobRunner,
) -> Result<Uploaded, String> {
    let (sender, receiver) = futures_channel::oneshot::channel();
    let job = Job::DisplayCopy { width: display_size(width, height).0 };
    runner.start(&job, Some(file.clone().into()), move |outcome| {
        let _ = sender.send(outcome);
    });
    // Cancel drops the job's callback, and with it the sender.
    let copy: DisplayCopy = match receiver.await.map_err(|_| format!("Reading {name} was cancelled."))? {
        JobOutcome::Done(json) => serde_json::from_str(&json).map_err(|e| e.to_string())?,
        JobOutcome::Failed(e) => return Err(format!("{name}: {e}.")),
    };
    let rotated = width != height && (copy.width > copy.height) != (width > height);
    let (width, height) = if rotated { (height, width) } else { (width, height) };
    Ok(Uploaded { name: name.to_string(), width, height, display_url: copy.url })
}

/// A JPEG data URL of a `width` × `height` canvas on white, with `draw` painted over it.
fn jpeg_copy(
    width: u32,
    height: u32,
    draw: impl FnOnce(&web_sys::CanvasRenderingContext2d) -> Result<(), JsValue>,
) -> Result<String, String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").map_err(js_err)?.dyn_into().map_err(|_| "no canvas".to_string())?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js_err)?
        .ok_or("no 2-D canvas")?
        .dyn_into()
        .map_err(|_| "no 2-D canvas".to_string())?;
    // JPEG has no transparency: paint white first so transparent areas do not turn black.
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    draw(&ctx).map_err(js_err)?;
    canvas.to_data_url_with_type("image/jpeg").map_err(js_err)
}

/// Reads the file's header and refuses what declares more than `MAX_IMAGE_PIXELS` (or is broken)
/// before the browser decodes a pixel; the declared size for the formats it knows. SVG and
/// AVIF, which the header reader does not know, go on to the browser (`None`): an SVG is drawn
/// only at display size here.
async fn check_declared_size(file: &web_sys::File, name: &str) -> Result<Option<(u32, u32)>, String> {
    let head = file.slice_with_f64_and_f64(0.0, HEADER_BYTES as f64).map_err(js_err)?;
    let buffer = JsFuture::from(head.array_buffer()).await.map_err(js_err)?;
    let head = js_sys::Uint8Array::new(&buffer).to_vec();
    match declared_size(&head) {
        Ok(d) => Ok(Some((d.width, d.height))),
        Err(HeaderError::UnknownFormat(_)) if is_svg_or_avif(&head) => Ok(None),
        Err(e) => Err(format!("{name}: {e}.")),
    }
}

fn is_svg_or_avif(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]);
    let start = text.trim_start_matches('\u{feff}').trim_start();
    start.starts_with('<') || head.get(4..12).is_some_and(|b| b == b"ftypavif" || b == b"ftypavis")
}

async fn decode_url(url: &str, name: &str) -> Result<Uploaded, String> {
    let img = web_sys::HtmlImageElement::new().map_err(js_err)?;
    img.set_src(url);
    JsFuture::from(img.decode()).await.map_err(|_| {
        format!("{name} could not be read as an image (PNG, JPEG, GIF, WebP, AVIF, BMP or SVG are supported).")
    })?;
    let (width, height) = (img.natural_width(), img.natural_height());
    if width == 0 || height == 0 {
        return Err(format!("{name} has no size (an SVG needs width and height, or a viewBox)."));
    }
    let (dw, dh) = display_size(width, height);
    let display_url = jpeg_copy(dw, dh, |ctx| {
        ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, f64::from(dw), f64::from(dh))
    })?;
    Ok(Uploaded { name: name.to_string(), width, height, display_url })
}

fn key() -> String {
    data_key(GroundingState::WIDGET_ID)
}

/// Keeps the display copy for the next visit; says why not when it cannot.
pub fn save(image: &Uploaded) -> Option<String> {
    let store = Store::open();
    let text = serde_json::to_string(image).ok()?;
    if text.len() > MAX_SAVED_CHARS {
        let _ = store.remove(&key());
        return Some("This image is too large to keep across reloads; its size and regions are kept.".into());
    }
    store.set(&key(), &text).err().map(|e| format!("The image could not be kept across reloads ({e})."))
}

/// The image saved by an earlier visit; unreadable data is moved aside, not overwritten.
pub fn load() -> Result<Option<Uploaded>, String> {
    load_saved(&key(), "grounding-image", "image")
}

/// Chooses an example, or reads a file chosen or dropped.
#[component]
pub fn Picker(state: RwSignal<GroundingState>, uploaded: RwSignal<Option<Uploaded>>) -> impl IntoView {
    let message = RwSignal::new(None::<(bool, String)>);
    let runner = JobRunner::new();
    let accept = move |file: web_sys::File| {
        message.set(Some((false, format!("Reading {}…", file.name()))));
        leptos::task::spawn_local(async move {
            match decode(&file, runner).await {
                Ok(image) => {
                    let note = save(&image);
                    let text = format!(
                        "{}: {}×{} px, read in this page (nothing was uploaded).{}",
                        image.name,
                        image.width,
                        image.height,
                        note.map(|n| format!(" {n}")).unwrap_or_default()
                    );
                    state.update(|s| {
                        s.image =
                            ImageChoice::Upload { name: image.name.clone(), width: image.width, height: image.height };
                        s.regions.clear();
                    });
                    uploaded.set(Some(image));
                    message.set(Some((false, text)));
                }
                Err(e) => message.set(Some((true, e))),
            }
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let file = input.files().and_then(|f| f.get(0));
        input.set_value("");
        if let Some(file) = file {
            accept(file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            accept(file);
        }
    };
    let selected = move || match state.with(|s| s.image.clone()) {
        ImageChoice::Example { id } => id,
        ImageChoice::Upload { .. } => "upload".into(),
    };
    let on_example = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        if let Some(e) = EXAMPLES.iter().find(|e| e.id == id) {
            state.set(GroundingState {
                scheme: state.with_untracked(|s| s.scheme),
                ..GroundingState::for_example(e)
            });
            message.set(None);
        }
    };
    view! {
        <div class="drop-zone" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <div class="field">
                <label for="grounding-image">"Image"</label>
                <select id="grounding-image" data-testid="grounding-image" prop:value=selected on:change=on_example>
                    {EXAMPLES.iter().map(|e| view! { <option value=e.id>{e.label}</option> }).collect_view()}
                    <option value="upload" disabled=true>{move || match state.with(|s| s.image.clone()) {
                        ImageChoice::Upload { name, .. } => format!("Your image: {name}"),
                        ImageChoice::Example { .. } => "Your image (choose a file)".into(),
                    }}</option>
                </select>
            </div>
            <label class="button">"Use your own image…"
                <input type="file" class="visually-hidden" data-testid="grounding-file" accept="image/*" on:change=on_file/>
            </label>
            <span class="hint">"or drop one here. It is read in this page and never uploaded."</span>
        </div>
        <p class="status" class:error=move || message.with(|m| m.as_ref().is_some_and(|(e, _)| *e)) aria-live="polite"
            data-testid="grounding-message">
            {move || message.get().map(|(_, t)| t)}
        </p>
        <JobProgress runner=runner label="Scaling the image"/>
    }
}
