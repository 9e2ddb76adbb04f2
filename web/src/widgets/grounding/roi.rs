//! The region-of-interest planner: the regions' token budget under the article's grounded
//! encoder, and how much finer each region is seen than in the global pass.

use frontier_grounding::roi::{Pooling, Region, RoiPlan};
use frontier_grounding::Resize;
use leptos::prelude::*;

use super::state::GroundingState;
use crate::framework::choice::Choice;

const POOLINGS: &[(&str, &str)] =
    &[("mean", "One token per region (the article's mean pooling)"), ("all", "Every patch token of the region")];
const INPUTS: &[(&str, &str)] = &[("224", "224 px (the article)"), ("336", "336 px")];
const GLOBALS: &[(&str, &str)] = &[("squash", "Squash (the article)"), ("crop", "Centre crop"), ("pad", "Pad")];

fn parse_box(fields: [&str; 4]) -> Result<Region, String> {
    let mut v = [0.0; 4];
    for (slot, (text, name)) in v.iter_mut().zip(fields.iter().zip(["x", "y", "width", "height"])) {
        *slot = text.trim().parse::<f64>().map_err(|_| format!("{name}: {text:?} is not a number of pixels"))?;
    }
    Ok(Region { x: v[0], y: v[1], width: v[2], height: v[3] })
}

#[component]
pub fn RoiPanel(state: RwSignal<GroundingState>, plan: Memo<Result<RoiPlan, String>>) -> impl IntoView {
    let fields: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let texts = fields.map(|f| f.get_untracked());
        let result = parse_box([&texts[0], &texts[1], &texts[2], &texts[3]]).and_then(|region| {
            let mut next = state.get_untracked();
            next.regions.push(region);
            let (w, h) = next.size();
            frontier_grounding::roi::plan(w, h, next.roi, &next.regions).map_err(|e| e.to_string())?;
            state.set(next);
            Ok(())
        });
        match result {
            Ok(()) => {
                error.set(None);
                fields.iter().for_each(|f| f.set(String::new()));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let pooling = move || match state.with(|s| s.roi.pooling) {
        Pooling::Mean => "mean".to_string(),
        Pooling::AllTokens => "all".into(),
    };
    let global = move || match state.with(|s| s.roi.global_resize) {
        Resize::Squash => "squash".to_string(),
        Resize::CenterCrop => "crop".into(),
        Resize::Pad => "pad".into(),
    };
    let rows = move || {
        plan.with(|p| match p {
            Ok(p) => p
                .regions
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    view! {
                        <tr>
                            <th scope="row">{format!("R{}", i + 1)}</th>
                            <td class="num">{format!("{:.0}, {:.0}, {:.0}×{:.0}", r.region.x, r.region.y, r.region.width, r.region.height)}</td>
                            <td class="num">{r.tokens}</td>
                            <td class="num">{format!("{:.1}×{:.1}", r.pixels_per_patch.0, r.pixels_per_patch.1)}</td>
                            <td class="num" data-testid=format!("roi-gain-{}", i + 1)>{format!("{:.1}×", r.resolution_gain)}</td>
                            <td><button type="button" aria-label=format!("Remove region {}", i + 1)
                                on:click=move |_| state.update(|s| { if i < s.regions.len() { s.regions.remove(i); } })>"Remove"</button></td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <tr><td colspan="6" class="error">{e.clone()}</td></tr> }.into_any(),
        })
    };
    view! {
        <section class="group" aria-labelledby="roi-title">
            <h3 id="roi-title">"Regions of interest"</h3>
            <p class="hint">"The article's grounded encoder encodes the whole image once, then crops each region and encodes it again at the same resolution, so small things get many more pixels per patch."</p>
            <div class="row">
                <Choice id="roi-input" label="Encoder input" options=INPUTS
                    value=Signal::derive(move || state.with(|s| s.roi.input_px.to_string()))
                    on_change=Callback::new(move |v: String| state.update(|s| s.roi.input_px = if v == "336" { 336 } else { 224 }))/>
                <Choice id="roi-global" label="Whole image made square by" options=GLOBALS value=Signal::derive(global)
                    on_change=Callback::new(move |v: String| state.update(|s| s.roi.global_resize = match v.as_str() { "crop" => Resize::CenterCrop, "pad" => Resize::Pad, _ => Resize::Squash }))/>
                <Choice id="roi-pooling" label="Each region becomes" options=POOLINGS value=Signal::derive(pooling)
                    on_change=Callback::new(move |v: String| state.update(|s| s.roi.pooling = if v == "all" { Pooling::AllTokens } else { Pooling::Mean }))/>
            </div>
            <div class="big-row" aria-live="polite">
                {move || plan.with(|p| p.as_ref().ok().map(|p| view! {
                    <div class="big"><span class="big-label">"Tokens in all"</span><span class="big-value" data-testid="roi-total">{p.total_tokens}</span>
                        <span class="big-note">{format!("{} for the whole image, {} for the regions", p.global.tokens, p.total_tokens - p.global.tokens)}</span></div>
                    <div class="big"><span class="big-label">"A uniform grid as fine as the finest region"</span>
                        <span class="big-value">{format!("{:.0}", p.uniform_tokens_for_same_detail)}</span><span class="big-note">"tokens"</span></div>
                }))}
            </div>
            <div class="table-scroll" tabindex="0">
                <table class="roi-table" data-testid="roi-table">
                    <caption>"Each region: its box in original pixels, its tokens, the pixels one patch covers, and how much finer than the whole-image pass."</caption>
                    <thead><tr><th scope="col">"Region"</th><th scope="col">"Box (x, y, w×h)"</th><th scope="col">"Tokens"</th><th scope="col">"Pixels per patch"</th><th scope="col">"Finer by"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="row roi-add">
                {["x", "y", "width", "height"].into_iter().zip(fields).map(|(name, f)| view! {
                    <label class="inline-field">{name}
                        <input type="text" inputmode="decimal" size="6" data-testid=format!("roi-{name}") prop:value=move || f.get() on:input=move |ev| f.set(event_target_value(&ev))/>
                    </label>
                }).collect_view()}
                <button type="button" data-testid="roi-add" on:click=add>"Add region"</button>
                <button type="button" on:click=move |_| state.update(|s| s.regions.clear())>"Clear regions"</button>
            </div>
            <p class="field-error" aria-live="polite">{move || error.get()}</p>
        </section>
    }
}
