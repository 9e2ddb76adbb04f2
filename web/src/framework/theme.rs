//! The one chart theme: colours (a colour-blind-safe palette), font, sizes and grid, in a light
//! and a dark variant; every figure draws with it.
//!
//! The series colours are Okabe & Ito's palette ("Color Universal Design", 2008,
//! <https://jfly.uni-koeln.de/color/>), distinguishable with every common colour-vision
//! deficiency. The light variant leaves out yellow (too pale on white) and the dark one leaves out
//! blue (too dark on near-black); each slot keeps its hue family across the two (blue / sky blue,
//! vermillion / orange), so a series reads the same in both. Sizes are chosen for a chart drawn
//! 400 px wide that a 360 px phone shows at about 80 %: 14 px labels stay above 11 px there.

use leptos::prelude::*;
use plotters::style::RGBColor;

/// Colours, font and sizes of a chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    /// Whether this is the dark variant.
    pub dark: bool,
    pub background: RGBColor,
    /// Labels and values.
    pub ink: RGBColor,
    /// Tick labels, axis titles and axis lines.
    pub muted: RGBColor,
    /// Grid lines: light, so the data stands in front.
    pub grid: RGBColor,
    /// Series colours, in the order charts use them.
    pub series: [RGBColor; 6],
    /// A CSS font-family list of system fonts (the site loads no font).
    pub font: &'static str,
    /// Tick labels and axis titles, in px.
    pub tick_px: u32,
    /// Row labels, legend and values, in px.
    pub label_px: u32,
    /// Width of a compact chart (bars, labelled rows), in px.
    pub width_px: u32,
    /// Thickness of a bar, in px.
    pub bar_px: u32,
    /// Width of a data line, in px.
    pub line_px: u32,
}

const FONT: &str = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif";

/// The light variant (the default, and what exports use when the page is light).
pub const LIGHT: Theme = Theme {
    dark: false,
    background: RGBColor(255, 255, 255),
    ink: RGBColor(29, 29, 31),
    muted: RGBColor(91, 91, 99),
    grid: RGBColor(230, 230, 235),
    series: [
        RGBColor(0, 114, 178),   // blue #0072B2
        RGBColor(213, 94, 0),    // vermillion #D55E00
        RGBColor(0, 158, 115),   // bluish green #009E73
        RGBColor(204, 121, 167), // reddish purple #CC79A7
        RGBColor(230, 159, 0),   // orange #E69F00
        RGBColor(86, 180, 233),  // sky blue #56B4E9
    ],
    font: FONT,
    tick_px: 13,
    label_px: 14,
    width_px: 400,
    bar_px: 16,
    line_px: 3,
};

/// The dark variant, drawn when the page is dark (`prefers-color-scheme: dark`).
pub const DARK: Theme = Theme {
    dark: true,
    background: RGBColor(29, 29, 34),
    ink: RGBColor(236, 236, 241),
    muted: RGBColor(164, 164, 176),
    grid: RGBColor(52, 52, 61),
    series: [
        RGBColor(86, 180, 233),  // sky blue #56B4E9
        RGBColor(230, 159, 0),   // orange #E69F00
        RGBColor(0, 158, 115),   // bluish green #009E73
        RGBColor(204, 121, 167), // reddish purple #CC79A7
        RGBColor(240, 228, 66),  // yellow #F0E442
        RGBColor(213, 94, 0),    // vermillion #D55E00
    ],
    ..LIGHT
};

impl Theme {
    /// The colour of series `i` (wrapping around the palette).
    pub fn color(&self, i: usize) -> RGBColor {
        self.series[i % self.series.len()]
    }

    /// The background as a CSS colour, written as plotters writes colours into SVG.
    pub fn background_css(&self) -> String {
        let RGBColor(r, g, b) = self.background;
        format!("#{r:02X}{g:02X}{b:02X}")
    }
}

thread_local! {
    /// Whether the page is dark, following `prefers-color-scheme` as it changes.
    static PREFERS_DARK: ArcRwSignal<bool> = watch_color_scheme();
}

fn watch_color_scheme() -> ArcRwSignal<bool> {
    let dark = ArcRwSignal::new(false);
    // Outside the browser (native tests) there is no window to ask.
    if !cfg!(target_arch = "wasm32") {
        return dark;
    }
    let query = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    if let Some(query) = query {
        dark.set(query.matches());
        let (signal, watched) = (dark.clone(), query.clone());
        let on_change = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || signal.set(watched.matches()));
        use wasm_bindgen::JsCast;
        // A listener that lives as long as the page, like the scheme it follows.
        if query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref()).is_ok() {
            on_change.forget();
        }
    }
    dark
}

/// The background (as CSS) of an SVG this site drew: dark if it was drawn dark, else light.
pub fn background_of(svg: &str) -> String {
    let dark = DARK.background_css();
    if svg.contains(&dark) {
        dark
    } else {
        LIGHT.background_css()
    }
}

/// The theme for the page as it is now; read inside a memo or a view, a chart redraws when the
/// reader switches between light and dark.
pub fn current() -> &'static Theme {
    if PREFERS_DARK.with(|d| d.get()) {
        &DARK
    } else {
        &LIGHT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance of an sRGB colour.
    fn luminance(RGBColor(r, g, b): RGBColor) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    fn contrast(a: RGBColor, b: RGBColor) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn text_is_readable_and_series_stand_out_in_both_variants() {
        for theme in [LIGHT, DARK] {
            assert!(contrast(theme.ink, theme.background) >= 7.0, "ink, dark={}", theme.dark);
            assert!(contrast(theme.muted, theme.background) >= 4.5, "muted, dark={}", theme.dark);
            assert!(contrast(theme.grid, theme.background) < 1.5, "the grid stays light, dark={}", theme.dark);
            // Graphical objects need 3:1 (WCAG 1.4.11) for the first three series, which carry
            // most charts; the later ones are accents.
            for (i, c) in theme.series.iter().take(3).enumerate() {
                assert!(contrast(*c, theme.background) >= 3.0, "series {i}, dark={}", theme.dark);
            }
        }
    }

    #[test]
    fn native_pages_default_to_light() {
        assert_eq!(current(), &LIGHT);
    }
}
