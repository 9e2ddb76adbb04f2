//! Figures: a chart drawn by plotters as SVG in the one theme, its text alternative, and SVG/PNG
//! export. Besides `draw_svg` for free drawing, two chart kinds cover the site's recurring shapes:
//! `BarChart` (labelled rows of horizontal bars with marks, on a linear or log axis) and
//! `LineChart` (lines over two numeric axes).

use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use wasm_bindgen::{closure::Closure, JsCast};

use super::dom;
use super::theme::{self, Theme};

/// A data table that stands in for a chart for screen readers and for export.
#[derive(Clone, Default, PartialEq)]
pub struct DataTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Draws a chart of `size` pixels on the page's current theme (light or dark) and returns the
/// SVG text. Called inside a memo or signal, the chart redraws when the reader's scheme changes;
/// the drawing reads its colours from `theme::current()` too.
pub fn draw_svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
) -> Result<String, String> {
    draw_themed(theme::current(), size, draw)
}

/// Draws a chart of `size` pixels on `theme`'s background and returns the SVG text.
pub fn draw_themed(
    theme: &Theme,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&theme.background).map_err(|e| e.to_string())?;
        draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Shows an SVG chart with its caption, a data table, and export buttons.
///
/// `svg` is produced by plotters from our own numbers and labels; nothing a user typed
/// reaches it, which is what makes `inner_html` safe here.
///
/// `children`, if given, follow the caption: a visible key figure or a link that belongs to the chart.
#[component]
pub fn Figure(
    #[prop(into)] svg: Signal<String>,
    #[prop(into)] caption: Signal<String>,
    #[prop(into)] table: Signal<DataTable>,
    name: &'static str,
    #[prop(optional)] children: Option<Children>,
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
            {children.map(|c| c())}
            <details class="data-table">
                <summary>"Data table"</summary>
                <div class="table-scroll" tabindex="0">
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
    // The canvas under the image takes the chart's own background (plotters writes it first).
    let background = theme::background_of(svg);
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
            ctx.set_fill_style_str(&background);
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

/// Puts `data-testid="{id}"` on the root `<svg>` element of a drawn chart, so that tests can find it.
pub fn with_testid(svg: String, id: &str) -> String {
    match svg.find("<svg") {
        Some(at) => format!("{}<svg data-testid=\"{id}\"{}", &svg[..at], &svg[at + 4..]),
        None => svg,
    }
}

/// A numeric axis: its range, whether it is logarithmic, the ticks to label and its title.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub min: f64,
    pub max: f64,
    pub log: bool,
    /// Where to draw grid lines, with their labels.
    pub ticks: Vec<(f64, String)>,
    pub title: String,
}

impl Axis {
    /// Where `v` falls between `min` (0) and `max` (1), clamped.
    fn frac(&self, v: f64) -> f64 {
        let f = if self.log {
            let (lo, hi) = (self.min.max(f64::MIN_POSITIVE).ln(), self.max.max(f64::MIN_POSITIVE).ln());
            (v.max(self.min).max(f64::MIN_POSITIVE).ln() - lo) / (hi - lo)
        } else {
            (v - self.min) / (self.max - self.min)
        };
        if f.is_finite() {
            f.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// How a series is marked: in the legend, and for `Mark`s in the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Bar,
    Line,
    DashedLine,
    Dot,
    Diamond,
}

/// One legend entry: a name, the series colour it goes with and its mark.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub name: String,
    pub series: usize,
    pub key: Key,
}

/// A horizontal bar from `from` to `to` on the axis, in series colour `series`, with an optional
/// value written after its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub from: f64,
    pub to: f64,
    pub series: usize,
    pub value_label: Option<String>,
}

/// A dot or diamond at `at`, centred on bar `on_bar` of its row.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub at: f64,
    pub on_bar: usize,
    pub series: usize,
    pub key: Key,
}

/// One labelled row: its label on a line of its own (so long labels fit a phone), then its bars.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label: String,
    pub bars: Vec<Bar>,
    pub marks: Vec<Mark>,
}

/// Labelled rows of horizontal bars on one axis, with marks and a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub axis: Axis,
    pub rows: Vec<BarRow>,
    pub legend: Vec<LegendEntry>,
}

/// Lines over two numeric axes.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub x: Axis,
    pub y: Axis,
    pub lines: Vec<Line>,
    pub legend: Vec<LegendEntry>,
}

/// One line of a `LineChart`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub points: Vec<(f64, f64)>,
    pub series: usize,
    pub dashed: bool,
}

const PAD: i32 = 10;

fn px(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Text of `size` px as the browser draws it (plotters' SVG backend writes font sizes divided by
/// 1.24, so the size asked of it is scaled up by as much).
fn text_style(theme: &Theme, size: u32, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    let font = (theme.font, f64::from(size) * 1.24).into_font();
    TextStyle { font, color: color.to_backend_color(), pos: Pos::new(h, v) }
}

/// A rough width of `text` at `size` px, enough to lay out legends.
fn text_width(text: &str, size: u32) -> i32 {
    (text.chars().count() as f64 * f64::from(size) * 0.56).ceil() as i32
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Draws a mark centred at `(x, y)` with a halo of background colour, so it reads over a bar.
fn draw_mark(root: &Area<'_>, theme: &Theme, key: Key, color: RGBColor, (x, y): (i32, i32)) -> Result<(), String> {
    let r = px(theme.bar_px) / 2;
    match key {
        Key::Diamond => {
            let shape = |r: i32| vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)];
            root.draw(&Polygon::new(shape(r + 3), theme.background.filled())).map_err(err)?;
            root.draw(&Polygon::new(shape(r + 1), color.filled())).map_err(err)
        }
        Key::Dot => {
            root.draw(&Circle::new((x, y), r + 1, theme.background.filled())).map_err(err)?;
            root.draw(&Circle::new((x, y), r - 1, color.filled())).map_err(err)
        }
        Key::Bar => {
            root.draw(&Rectangle::new([(x - 7, y - r / 2 - 2), (x + 7, y + r / 2 + 2)], color.filled())).map_err(err)
        }
        Key::Line | Key::DashedLine => {
            let style = color.stroke_width(theme.line_px);
            if key == Key::Line {
                root.draw(&PathElement::new(vec![(x - 9, y), (x + 9, y)], style)).map_err(err)
            } else {
                root.draw(&DashedPathElement::new(vec![(x - 10, y), (x + 10, y)], 6, 3, style)).map_err(err)
            }
        }
    }
}

/// The height a legend takes at `width`, laying its entries out in lines.
fn legend_layout(theme: &Theme, legend: &[LegendEntry], width: i32) -> (Vec<(i32, i32)>, i32) {
    let line_h = px(theme.label_px) + 10;
    let (mut x, mut y, mut at) = (PAD, 0, Vec::new());
    for e in legend {
        let w = 22 + 6 + text_width(&e.name, theme.label_px) + 14;
        if x > PAD && x + w > width - PAD {
            x = PAD;
            y += line_h;
        }
        at.push((x, y));
        x += w;
    }
    (at, if legend.is_empty() { 0 } else { y + line_h })
}

fn draw_legend(root: &Area<'_>, theme: &Theme, legend: &[LegendEntry], top: i32, width: i32) -> Result<i32, String> {
    let (at, height) = legend_layout(theme, legend, width);
    let mid = px(theme.label_px) / 2 + 2;
    for (e, (x, y)) in legend.iter().zip(at) {
        draw_mark(root, theme, e.key, theme.color(e.series), (x + 11, top + y + mid))?;
        let style = text_style(theme, theme.label_px, theme.ink, HPos::Left, VPos::Center);
        root.draw(&Text::new(e.name.clone(), (x + 28, top + y + mid), style)).map_err(err)?;
    }
    Ok(height)
}

/// Tick labels under the plot and the axis title under them; returns the height used.
fn draw_x_ticks(
    root: &Area<'_>,
    theme: &Theme,
    axis: &Axis,
    (left, right): (i32, i32),
    (top, bottom): (i32, i32),
) -> Result<i32, String> {
    let x = |v: f64| left + ((right - left) as f64 * axis.frac(v)).round() as i32;
    for (v, label) in &axis.ticks {
        root.draw(&PathElement::new(vec![(x(*v), top), (x(*v), bottom)], theme.grid.stroke_width(1))).map_err(err)?;
        let style = text_style(theme, theme.tick_px, theme.muted, HPos::Center, VPos::Top);
        root.draw(&Text::new(label.clone(), (x(*v), bottom + 5), style)).map_err(err)?;
    }
    let tick_h = px(theme.tick_px) + 8;
    if axis.title.is_empty() {
        return Ok(tick_h);
    }
    let style = text_style(theme, theme.tick_px, theme.muted, HPos::Center, VPos::Top);
    root.draw(&Text::new(axis.title.clone(), ((left + right) / 2, bottom + tick_h + 2), style)).map_err(err)?;
    Ok(tick_h + px(theme.tick_px) + 8)
}

impl BarChart {
    const BAR_GAP: i32 = 3;
    const ROW_GAP: i32 = 12;

    fn rows_height(&self, theme: &Theme) -> i32 {
        self.rows
            .iter()
            .map(|r| {
                let bars = i32::try_from(r.bars.len().max(1)).unwrap_or(1);
                px(theme.label_px) + 6 + bars * (px(theme.bar_px) + Self::BAR_GAP) + Self::ROW_GAP
            })
            .sum()
    }

    /// The chart as SVG text in `theme`, `theme.width_px` wide and as tall as its rows need.
    pub fn svg(&self, theme: &Theme) -> Result<String, String> {
        let width = px(theme.width_px);
        let legend_h = legend_layout(theme, &self.legend, width).1;
        let axis_h = px(theme.tick_px) * 2 + 26;
        let height = PAD + legend_h + 4 + self.rows_height(theme) + axis_h + PAD;
        let size = (theme.width_px, u32::try_from(height).map_err(err)?);
        draw_themed(theme, size, |root| {
            let legend_h = draw_legend(root, theme, &self.legend, PAD, width)?;
            let labelled = self.rows.iter().any(|r| r.bars.iter().any(|b| b.value_label.is_some()));
            let (left, right) = (PAD + 14, width - PAD - if labelled { 56 } else { 18 });
            let x = |v: f64| left + ((right - left) as f64 * self.axis.frac(v)).round() as i32;
            let top = PAD + legend_h + 4;
            let bottom = top + self.rows_height(theme) - Self::ROW_GAP / 2;
            draw_x_ticks(root, theme, &self.axis, (left, right), (top, bottom))?;
            let mut y = top;
            for row in &self.rows {
                let style = text_style(theme, theme.label_px, theme.ink, HPos::Left, VPos::Top);
                root.draw(&Text::new(row.label.clone(), (left, y), style)).map_err(err)?;
                y += px(theme.label_px) + 6;
                let bar_top = |i: usize| y + i32::try_from(i).unwrap_or(0) * (px(theme.bar_px) + Self::BAR_GAP);
                for (i, bar) in row.bars.iter().enumerate() {
                    let (x0, x1) = (x(bar.from.min(bar.to)), x(bar.from.max(bar.to)).max(x(bar.from.min(bar.to)) + 3));
                    let (y0, y1) = (bar_top(i), bar_top(i) + px(theme.bar_px));
                    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], theme.color(bar.series).filled())).map_err(err)?;
                    if let Some(value) = &bar.value_label {
                        let style = text_style(theme, theme.label_px, theme.ink, HPos::Left, VPos::Center);
                        root.draw(&Text::new(value.clone(), (x1 + 5, (y0 + y1) / 2), style)).map_err(err)?;
                    }
                }
                for mark in &row.marks {
                    let centre = bar_top(mark.on_bar) + px(theme.bar_px) / 2;
                    draw_mark(root, theme, mark.key, theme.color(mark.series), (x(mark.at), centre))?;
                }
                y = bar_top(row.bars.len().max(1)) + Self::ROW_GAP;
            }
            Ok(())
        })
    }
}

impl LineChart {
    /// The chart as SVG text in `theme`, `theme.width_px` wide; the y axis's title sits above the
    /// plot (no rotated text, so it reads on a phone).
    pub fn svg(&self, theme: &Theme) -> Result<String, String> {
        let width = px(theme.width_px);
        let legend_h = legend_layout(theme, &self.legend, width).1;
        let plot_h = 200;
        let title_h = if self.y.title.is_empty() { 0 } else { px(theme.tick_px) + 10 };
        let axis_h = px(theme.tick_px) * 2 + 26;
        let height = PAD + legend_h + title_h + plot_h + axis_h + PAD;
        let size = (theme.width_px, u32::try_from(height).map_err(err)?);
        draw_themed(theme, size, |root| {
            let legend_h = draw_legend(root, theme, &self.legend, PAD, width)?;
            let label_w = self.y.ticks.iter().map(|(_, l)| text_width(l, theme.tick_px)).max().unwrap_or(0);
            let (left, right) = (PAD + label_w + 8, width - PAD - 14);
            let mut top = PAD + legend_h;
            if !self.y.title.is_empty() {
                let style = text_style(theme, theme.tick_px, theme.muted, HPos::Left, VPos::Top);
                root.draw(&Text::new(self.y.title.clone(), (PAD, top), style)).map_err(err)?;
                top += title_h;
            }
            let top = top + 6;
            let bottom = top + plot_h - 6;
            let y = |v: f64| bottom - ((bottom - top) as f64 * self.y.frac(v)).round() as i32;
            for (v, label) in &self.y.ticks {
                root.draw(&PathElement::new(vec![(left, y(*v)), (right, y(*v))], theme.grid.stroke_width(1)))
                    .map_err(err)?;
                let style = text_style(theme, theme.tick_px, theme.muted, HPos::Right, VPos::Center);
                root.draw(&Text::new(label.clone(), (left - 6, y(*v)), style)).map_err(err)?;
            }
            draw_x_ticks(root, theme, &self.x, (left, right), (top, bottom))?;
            let x = |v: f64| left + ((right - left) as f64 * self.x.frac(v)).round() as i32;
            for line in &self.lines {
                let points: Vec<(i32, i32)> = line.points.iter().map(|&(a, b)| (x(a), y(b))).collect();
                let style = theme.color(line.series).stroke_width(theme.line_px);
                if line.dashed {
                    root.draw(&DashedPathElement::new(points, 8, 5, style)).map_err(err)?;
                } else {
                    root.draw(&PathElement::new(points, style)).map_err(err)?;
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(log: bool) -> Axis {
        Axis { min: 1.0, max: 100.0, log, ticks: vec![(1.0, "1".into()), (100.0, "100".into())], title: "x".into() }
    }

    #[test]
    fn axes_place_values_linearly_or_on_a_log_scale_and_clamp() {
        assert!((axis(false).frac(50.5) - 0.5).abs() < 1e-12);
        assert!((axis(true).frac(10.0) - 0.5).abs() < 1e-12);
        assert_eq!(axis(true).frac(0.0), 0.0);
        assert_eq!(axis(false).frac(1e9), 1.0);
    }

    #[test]
    fn charts_draw_in_the_theme_with_their_labels_and_a_test_id() -> Result<(), String> {
        let chart = BarChart {
            axis: axis(false),
            rows: vec![BarRow {
                label: "Counting".into(),
                bars: vec![Bar { from: 1.0, to: 60.0, series: 0, value_label: Some("60%".into()) }],
                marks: vec![Mark { at: 40.0, on_bar: 0, series: 1, key: Key::Diamond }],
            }],
            legend: vec![LegendEntry { name: "Model".into(), series: 0, key: Key::Bar }],
        };
        for theme in [theme::LIGHT, theme::DARK] {
            let svg = with_testid(chart.svg(&theme)?, "bars");
            assert!(svg.contains("<svg data-testid=\"bars\""), "{svg}");
            assert!(svg.contains("Counting") && svg.contains("60%") && svg.contains("Model"));
            assert!(svg.contains(&theme.background_css()));
        }
        let lines = LineChart {
            x: axis(false),
            y: Axis {
                min: 0.0,
                max: 1.0,
                log: false,
                ticks: vec![(0.0, "0".into()), (1.0, "1".into())],
                title: "p".into(),
            },
            lines: vec![Line { points: vec![(1.0, 0.0), (100.0, 1.0)], series: 0, dashed: true }],
            legend: Vec::new(),
        };
        assert!(lines.svg(&theme::LIGHT)?.contains("<svg"));
        Ok(())
    }
}
