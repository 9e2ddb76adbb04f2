//! Every scheme on this image, side by side, and the article's sentence checked against it.

use frontier_grounding::schemes::{self, Scheme, Settings};
use frontier_grounding::{Plan, Resize};
use leptos::prelude::*;

use super::state::GroundingState;
use crate::framework::choice::Choice;
use crate::framework::scale::Scale;
use crate::framework::slider::NumberField;

pub type Plans = Vec<(Scheme, Result<Plan, String>)>;

pub fn all_plans(s: &GroundingState) -> Plans {
    let (w, h) = s.size();
    schemes::plan_all(w, h, &s.settings).into_iter().map(|(id, p)| (id, p.map_err(|e| e.to_string()))).collect()
}

fn percent(x: f64) -> String {
    if x == 0.0 {
        "—".into()
    } else {
        format!("{:.1} %", 100.0 * x)
    }
}

#[component]
pub fn SchemeTable(state: RwSignal<GroundingState>, plans: Memo<Plans>) -> impl IntoView {
    let rows = move || {
        let selected = state.with(|s| s.scheme);
        plans.with(|plans| {
            plans
                .iter()
                .map(|(scheme, plan)| {
                    let (scheme, id) = (*scheme, scheme.id());
                    let is_selected = scheme == selected;
                    let cells = match plan {
                        Ok(p) => view! {
                            <td class="num" data-testid=format!("tokens-{id}")>{p.tokens}</td>
                            <td class="num" data-testid=format!("delimiters-{id}")>{p.delimiter_tokens}</td>
                            <td class="num">{format!("{}×{}", p.grid.0, p.grid.1)}</td>
                            <td class="num">{format!("{:.1}×{:.1}", p.pixels_per_token.0, p.pixels_per_token.1)}</td>
                            <td class="num">{percent(p.cropped_fraction)}</td>
                            <td class="num">{percent(p.padded_fraction)}</td>
                            <td class="note">{p.note.clone()}</td>
                        }
                        .into_any(),
                        Err(e) => view! { <td colspan="7" class="error">{e.clone()}</td> }.into_any(),
                    };
                    view! {
                        <tr class:selected=is_selected>
                            <th scope="row">
                                <button type="button" class="link-button" aria-pressed=is_selected.to_string()
                                    data-testid=format!("scheme-{id}") on:click=move |_| state.update(|s| s.scheme = scheme)>
                                    {scheme.label()}
                                </button>
                            </th>
                            {cells}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="schemes" data-testid="scheme-table">
                <caption>"Visual tokens per image under each scheme, and the delimiter tokens the scheme adds around them. Choose a row to draw its grid."</caption>
                <thead><tr>
                    <th scope="col">"Scheme"</th><th scope="col">"Visual tokens"</th><th scope="col">"Delimiters"</th><th scope="col">"Grid"</th>
                    <th scope="col">"Pixels per token"</th><th scope="col">"Cropped"</th><th scope="col">"Padding"</th><th scope="col">"How"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The article: "Converting a 1080p image into 576 visual tokens ... each token covers a 45x45
/// pixel region." True of a centre crop only; shown for the image at hand.
#[component]
pub fn ArticleCheck(state: RwSignal<GroundingState>) -> impl IntoView {
    let claim = move || {
        let (w, h) = state.with(|s| s.size());
        schemes::article_claim(w, h).map(|c| (w, h, c))
    };
    view! {
        <section class="claim" aria-label="The article's claim, checked" data-testid="article-claim">
            {move || match claim() {
                Ok((w, h, c)) => view! {
                    <p><strong>"The article: "</strong>"“a 1080p image becomes 576 visual tokens; each token covers a 45×45 pixel region.”"</p>
                    <p>{format!(
                        "For this {w}×{h} image, 576 tokens cover {:.0}×{:.0} px each only under CLIP's centre crop, which throws away {:.1} % of the image. \
                         Padded to a square (LLaVA-1.5) each token covers {:.0}×{:.0} px and {:.1} % of the tokens see padding; squashed, {:.0}×{:.0} px and shapes distort.",
                        c.crop.pixels_per_token.0, c.crop.pixels_per_token.1, 100.0 * c.crop.cropped_fraction,
                        c.pad.pixels_per_token.0, c.pad.pixels_per_token.1, 100.0 * c.pad.padded_fraction,
                        c.squash.pixels_per_token.0, c.squash.pixels_per_token.1,
                    )}</p>
                }.into_any(),
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
            }}
        </section>
    }
}

const CLIP_RESIZES: &[(&str, &str)] =
    &[("crop", "Centre crop (CLIP's processor)"), ("pad", "Pad to square"), ("squash", "Squash")];

/// The knobs: CLIP-224's resize, Qwen2-VL's token bounds, InternVL's tile cap.
#[component]
pub fn SchemeSettings(state: RwSignal<GroundingState>) -> impl IntoView {
    let resize_id = move || match state.with(|s| s.settings.clip_224_resize) {
        Resize::CenterCrop => "crop".to_string(),
        Resize::Pad => "pad".into(),
        Resize::Squash => "squash".into(),
    };
    let set_resize = Callback::new(move |v: String| {
        let r = match v.as_str() {
            "pad" => Resize::Pad,
            "squash" => Resize::Squash,
            _ => Resize::CenterCrop,
        };
        state.update(|s| s.settings.clip_224_resize = r);
    });
    // Qwen's bounds are pixels in the processor; tokens (28×28 px each) are easier to reason in.
    let set_bound = move |is_max: bool| {
        Callback::new(move |tokens: f64| {
            let pixels = (tokens.round() as u64) * 784;
            let s = state.get_untracked().settings;
            let next = if is_max {
                Settings { qwen_max_pixels: pixels, ..s }
            } else {
                Settings { qwen_min_pixels: pixels, ..s }
            };
            if !(4..=16_384).contains(&(pixels / 784)) || next.qwen_min_pixels > next.qwen_max_pixels {
                return Err("between 4 and 16,384 tokens, the minimum at most the maximum".to_string());
            }
            state.update(|s| s.settings = next);
            Ok(())
        })
    };
    let set_tiles = Callback::new(move |v: f64| {
        let n = v.round() as u32;
        if (1..=40).contains(&n) {
            state.update(|s| s.settings.internvl_max_tiles = n);
            Ok(())
        } else {
            Err("between 1 and 40 tiles".to_string())
        }
    });
    view! {
        <fieldset class="group">
            <legend>"Scheme settings"</legend>
            <div class="row">
                <Choice id="clip224-resize" label="CLIP @ 224 makes the image square by" options=CLIP_RESIZES
                    value=Signal::derive(resize_id) on_change=set_resize/>
                <NumberField id="qwen-min" label="Qwen2-VL minimum" unit="tokens" whole=true
                    value=Signal::derive(move || state.with(|s| (s.settings.qwen_min_pixels / 784) as f64))
                    on_change=set_bound(false) scale=Scale { min: 4.0, max: 16_384.0, log: true } display=|v| format!("{v}")/>
                <NumberField id="qwen-max" label="Qwen2-VL maximum" unit="tokens" whole=true
                    value=Signal::derive(move || state.with(|s| (s.settings.qwen_max_pixels / 784) as f64))
                    on_change=set_bound(true) scale=Scale { min: 4.0, max: 16_384.0, log: true } display=|v| format!("{v}")/>
                <NumberField id="internvl-max" label="InternVL maximum" unit="tiles" whole=true
                    value=Signal::derive(move || state.with(|s| f64::from(s.settings.internvl_max_tiles)))
                    on_change=set_tiles scale=Scale { min: 1.0, max: 40.0, log: false } display=|v| format!("{v}")/>
            </div>
        </fieldset>
    }
}
