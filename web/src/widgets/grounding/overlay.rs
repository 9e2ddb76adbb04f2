//! The image with the chosen scheme drawn over it: each tile's patch grid, what is cropped
//! (darkened), what is padding (grey around the image), the overview in dashes, and the regions
//! of interest, which can be drawn by dragging. Every coordinate is in original pixels; the
//! browser scales the drawing to the page.

use std::fmt::Write as _;

use frontier_grounding::roi::Region;
use frontier_grounding::{Plan, Tile};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::GroundingState;

/// The drawing's extent: the image and every view (padding reaches outside the image).
fn view_box(w: f64, h: f64, tiles: &[Tile]) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (0.0f64, 0.0f64, w, h);
    for t in tiles {
        x0 = x0.min(t.x);
        y0 = y0.min(t.y);
        x1 = x1.max(t.x + t.width);
        y1 = y1.max(t.y + t.height);
    }
    (x0, y0, x1 - x0, y1 - y0)
}

/// One path with every grid line of the high-resolution tiles.
fn grid_path(tiles: &[Tile]) -> String {
    let mut d = String::new();
    for t in tiles.iter().filter(|t| !t.overview) {
        for i in 0..=t.columns {
            let x = t.x + t.width * f64::from(i) / f64::from(t.columns.max(1));
            let _ = write!(d, "M{x:.2} {:.2}V{:.2}", t.y, t.y + t.height);
        }
        for j in 0..=t.rows {
            let y = t.y + t.height * f64::from(j) / f64::from(t.rows.max(1));
            let _ = write!(d, "M{:.2} {y:.2}H{:.2}", t.x, t.x + t.width);
        }
    }
    d
}

/// The part of the image no high-resolution view covers (even-odd: image minus the views).
fn cropped_path(w: f64, h: f64, tiles: &[Tile]) -> String {
    let mut d = format!("M0 0H{w}V{h}H0Z");
    for t in tiles.iter().filter(|t| !t.overview) {
        let _ = write!(d, "M{} {}h{}v{}h{}Z", t.x, t.y, t.width, t.height, -t.width);
    }
    d
}

fn describe(plan: &Plan, w: u32, h: u32, regions: usize) -> String {
    let views = plan.tiles.iter().filter(|t| !t.overview).count();
    let mut text = format!(
        "{}×{} image under {}: {} visual tokens and {} delimiter token{}, {} high-resolution view{} of {}×{} tokens each, about {:.0}×{:.0} original pixels per token.",
        w,
        h,
        plan.scheme,
        plan.tokens,
        plan.delimiter_tokens,
        if plan.delimiter_tokens == 1 { "" } else { "s" },
        views,
        if views == 1 { "" } else { "s" },
        plan.tiles.first().map_or(0, |t| t.columns),
        plan.tiles.first().map_or(0, |t| t.rows),
        plan.pixels_per_token.0,
        plan.pixels_per_token.1
    );
    if plan.cropped_fraction > 0.0 {
        let _ = write!(text, " {:.1} % of the image is cropped away.", 100.0 * plan.cropped_fraction);
    }
    if plan.padded_fraction > 0.0 {
        let _ = write!(text, " {:.1} % of the encoder's input is padding.", 100.0 * plan.padded_fraction);
    }
    if regions > 0 {
        let _ = write!(text, " {regions} region{} of interest drawn.", if regions == 1 { "" } else { "s" });
    }
    text
}

#[component]
pub fn Overlay(
    state: RwSignal<GroundingState>,
    plan: Memo<Result<Plan, String>>,
    #[prop(into)] image_url: Signal<Option<String>>,
) -> impl IntoView {
    // A box being drawn: where the pointer went down and where it is now (original pixels).
    let drag = RwSignal::new(None::<((f64, f64), (f64, f64))>);
    let geometry = Memo::new(move |_| {
        let (w, h) = state.with(|s| s.size());
        let tiles = plan.with(|p| p.as_ref().map(|p| p.tiles.clone()).unwrap_or_default());
        (f64::from(w), f64::from(h), view_box(f64::from(w), f64::from(h), &tiles), tiles)
    });
    // Client coordinates to original pixels, through the viewBox's "meet" scaling.
    let to_image = move |ev: &leptos::ev::PointerEvent| -> Option<(f64, f64)> {
        let svg: web_sys::Element = ev.current_target()?.dyn_into().ok()?;
        let rect = svg.get_bounding_client_rect();
        let (_, _, (vx, vy, vw, vh), _) = geometry.get_untracked();
        let scale = (rect.width() / vw).min(rect.height() / vh);
        if !(scale.is_finite() && scale > 0.0) {
            return None;
        }
        let off_x = (rect.width() - vw * scale) / 2.0;
        let off_y = (rect.height() - vh * scale) / 2.0;
        Some((
            vx + (f64::from(ev.client_x()) - rect.left() - off_x) / scale,
            vy + (f64::from(ev.client_y()) - rect.top() - off_y) / scale,
        ))
    };
    let on_down = move |ev: leptos::ev::PointerEvent| {
        if let Some(p) = to_image(&ev) {
            if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = el.set_pointer_capture(ev.pointer_id());
            }
            drag.set(Some((p, p)));
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        if drag.with_untracked(Option::is_some) {
            if let Some(p) = to_image(&ev) {
                drag.update(|d| {
                    if let Some((_, end)) = d {
                        *end = p;
                    }
                });
            }
        }
    };
    let on_up = move |_| {
        if let Some(((x0, y0), (x1, y1))) = drag.get_untracked() {
            drag.set(None);
            let (w, h, _, _) = geometry.get_untracked();
            let (left, top) = (x0.min(x1).max(0.0), y0.min(y1).max(0.0));
            let (right, bottom) = (x0.max(x1).min(w), y0.max(y1).min(h));
            // A click, or a box off the image, adds nothing.
            if right - left >= 4.0 && bottom - top >= 4.0 {
                state.update(|s| {
                    if s.regions.len() < frontier_grounding::roi::MAX_REGIONS {
                        s.regions.push(Region {
                            x: left.round(),
                            y: top.round(),
                            width: (right - left).round(),
                            height: (bottom - top).round(),
                        });
                    }
                });
            }
        }
    };

    view! {
        <figure class="grounding-figure">
            <svg class="grounding-overlay" data-testid="grounding-overlay" role="img"
                aria-label=move || plan.with(|p| match p { Ok(p) => { let (w, h) = state.with(|s| s.size()); describe(p, w, h, state.with(|s| s.regions.len())) } Err(e) => e.clone() })
                viewBox=move || { let (_, _, (x, y, w, h), _) = geometry.get(); format!("{x} {y} {w} {h}") }
                on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=move |_| drag.set(None)>
                // Padding: the views' area, visible where the image does not cover it.
                {move || geometry.with(|(_, _, _, tiles)| tiles.iter().filter(|t| !t.overview).map(|t| view! {
                    <rect class="pad" x=t.x y=t.y width=t.width height=t.height/>
                }).collect_view())}
                {move || {
                    let (w, h, _, _) = geometry.get();
                    match image_url.get() {
                        Some(url) => view! { <image href=url x="0" y="0" width=w height=h preserveAspectRatio="none"/> }.into_any(),
                        None => view! {
                            <rect class="no-image" x="0" y="0" width=w height=h/>
                            <text class="no-image-text" x=w / 2.0 y=h / 2.0 text-anchor="middle" font-size=w.min(h) / 20.0>
                                "Your image is not in this browser; links carry only its size."
                            </text>
                        }.into_any(),
                    }
                }}
                {move || geometry.with(|(w, h, _, tiles)| plan.with(|p| p.as_ref().is_ok_and(|p| p.cropped_fraction > 0.0)).then(|| view! {
                    <path class="cropped" fill-rule="evenodd" d=cropped_path(*w, *h, tiles)/>
                }))}
                <path class="patch-grid" vector-effect="non-scaling-stroke" d=move || geometry.with(|(_, _, _, tiles)| grid_path(tiles))/>
                {move || geometry.with(|(_, _, _, tiles)| tiles.iter().map(|t| view! {
                    <rect class="tile" class:overview=t.overview vector-effect="non-scaling-stroke" x=t.x y=t.y width=t.width height=t.height/>
                }).collect_view())}
                {move || state.with(|s| s.regions.iter().enumerate().map(|(i, r)| view! {
                    <rect class="region" vector-effect="non-scaling-stroke" x=r.x y=r.y width=r.width height=r.height/>
                    <text class="region-label" x=r.x + 4.0 y=r.y - 6.0 font-size=geometry.with_untracked(|g| g.0.max(g.1)) / 60.0>{format!("R{}", i + 1)}</text>
                }).collect_view())}
                {move || drag.get().map(|((x0, y0), (x1, y1))| view! {
                    <rect class="region drawing" vector-effect="non-scaling-stroke" x=x0.min(x1) y=y0.min(y1) width=(x1 - x0).abs() height=(y1 - y0).abs()/>
                })}
            </svg>
            <figcaption data-testid="grounding-caption">
                {move || plan.with(|p| match p { Ok(p) => { let (w, h) = state.with(|s| s.size()); describe(p, w, h, state.with(|s| s.regions.len())) } Err(e) => e.clone() })}
                " Drag on the image to add a region of interest, or type one below."
            </figcaption>
        </figure>
    }
}
