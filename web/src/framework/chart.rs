//! Figures: a chart drawn by plotters as SVG, its text alternative, and SVG/PNG export.

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea, SVGBackend, WHITE};
use wasm_bindgen::{closure::Closure, JsCast};

use super::dom;

/// A data table that stands in for a chart for screen readers and for export.
#[derive(Clone, Default, PartialEq)]
pub struct DataTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Draws a chart of `size` pixels on a white SVG canvas and returns the SVG text.
pub fn draw_svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Shows an SVG chart with its caption, a data table, and export buttons.
///
/// `svg` is produced by plotters from our own numbers and labels; nothing a user typed
/// reaches it, which is what makes `inner_html` safe here.
#[component]
pub fn Figure(
    #[prop(into)] svg: Signal<String>,
    #[prop(into)] caption: Signal<String>,
    #[prop(into)] table: Signal<DataTable>,
    name: &'static str,
) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let export_svg = move |_| {
        if let Err(e) = dom::download_bytes(&format!("{name}.svg"), "image/svg+xml", svg.get_untracked().as_bytes()) {
            status.set(format!("Export failed: {e}"));
        }
    };
    let export_png = move |_| {
        if let Err(e) = svg_to_png(&svg.get_untracked(), &format!("{name}.png")) {
            status.set(format!("Export failed: {e}"));
        }
    };
    view! {
        <figure class="chart">
            <div class="chart-svg" role="img" aria-label=move || caption.get() inner_html=move || svg.get()></div>
            <figcaption>{move || caption.get()}</figcaption>
            <details class="data-table">
                <summary>"Data table"</summary>
                <div class="table-scroll">
                    <table>
                        <thead><tr>{move || table.get().headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {move || table.get().rows.into_iter().map(|row| view! {
                                <tr>{row.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
            <div class="chart-actions">
                <button type="button" on:click=export_svg>"SVG"</button>
                <button type="button" on:click=export_png>"PNG"</button>
                <span class="status" aria-live="polite">{move || status.get()}</span>
            </div>
        </figure>
    }
}

/// Renders an SVG string to a PNG (at twice its size, for sharp slides) and downloads it.
/// Goes through an `<img>` on a blob URL, which the CSP allows (`img-src blob:`).
fn svg_to_png(svg: &str, filename: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&js_sys::JsString::from(svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let img = web_sys::HtmlImageElement::new().map_err(err)?;
    let filename = filename.to_string();
    let img_loaded = img.clone();
    let url_loaded = url.clone();
    let on_load = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url_loaded);
        let draw = || -> Result<(), String> {
            let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
            let canvas: web_sys::HtmlCanvasElement =
                doc.create_element("canvas").map_err(err)?.dyn_into().map_err(|_| "no canvas")?;
            let (w, h) = (img_loaded.natural_width().max(1) * 2, img_loaded.natural_height().max(1) * 2);
            canvas.set_width(w);
            canvas.set_height(h);
            let ctx: web_sys::CanvasRenderingContext2d = canvas
                .get_context("2d")
                .map_err(err)?
                .ok_or("no 2d context")?
                .dyn_into()
                .map_err(|_| "no 2d context")?;
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
            ctx.draw_image_with_html_image_element_and_dw_and_dh(&img_loaded, 0.0, 0.0, f64::from(w), f64::from(h))
                .map_err(err)?;
            let data_url = canvas.to_data_url_with_type("image/png").map_err(err)?;
            let a: web_sys::HtmlAnchorElement =
                doc.create_element("a").map_err(err)?.dyn_into().map_err(|_| "no anchor")?;
            a.set_href(&data_url);
            a.set_download(&filename);
            a.click();
            Ok(())
        };
        if let Err(e) = draw() {
            web_sys::console::error_1(&format!("PNG export failed: {e}").into());
        }
    });
    img.set_onload(Some(on_load.unchecked_ref()));
    img.set_src(&url);
    Ok(())
}
