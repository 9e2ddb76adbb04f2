//! The grounding widget: how vision encoders tokenize an image (yours or an example), the
//! article's 576-token claim checked on it, a region-of-interest planner, and the article's
//! grounding table beside published benchmarks.

mod anchors;
mod explain;
mod image;
mod overlay;
mod roi;
use frontier_labs::grounding as state;
mod table;

pub use state::GroundingState;

use std::sync::Arc;

use frontier_base::csv::push_row;
use frontier_grounding::roi::RoiPlan;
use frontier_state::{Control, CompactView, WidgetMeta};
use leptos::prelude::*;

use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::{Host, Notice, NoticeKind};
use crate::framework::widget::Widget;
use image::Uploaded;
use state::{example, ImageChoice};

fn roi_plan(s: &GroundingState) -> Result<RoiPlan, String> {
    let (w, h) = s.size();
    frontier_grounding::roi::plan(w, h, s.roi, &s.regions).map_err(|e| e.to_string())
}

fn exports(state: RwSignal<GroundingState>) -> Vec<ExportItem> {
    let json = move || -> Result<String, String> {
        let s = state.get_untracked();
        let (w, h) = s.size();
        let plans: serde_json::Map<String, serde_json::Value> = table::all_plans(&s)
            .into_iter()
            .map(|(id, p)| {
                let v = match p {
                    Ok(p) => serde_json::to_value(p).unwrap_or_default(),
                    Err(e) => serde_json::json!({ "error": e }),
                };
                (id.id().to_string(), v)
            })
            .collect();
        let value = serde_json::json!({
            "widget": "grounding", "width": w, "height": h, "state": s, "schemes": plans, "regions": roi_plan(&s)?,
        });
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
    };
    let csv = move || -> Result<String, String> {
        let s = state.get_untracked();
        let mut out = String::new();
        push_row(
            &mut out,
            [
                "scheme",
                "tokens",
                "delimiter_tokens",
                "grid_columns",
                "grid_rows",
                "pixels_per_token_x",
                "pixels_per_token_y",
                "cropped_fraction",
                "padded_fraction",
            ],
        );
        for (id, p) in table::all_plans(&s) {
            if let Ok(p) = p {
                push_row(
                    &mut out,
                    [
                        id.id().to_string(),
                        p.tokens.to_string(),
                        p.delimiter_tokens.to_string(),
                        p.grid.0.to_string(),
                        p.grid.1.to_string(),
                        p.pixels_per_token.0.to_string(),
                        p.pixels_per_token.1.to_string(),
                        p.cropped_fraction.to_string(),
                        p.padded_fraction.to_string(),
                    ],
                );
            }
        }
        Ok(out)
    };
    vec![
        ExportItem {
            label: "Plans and regions (JSON)",
            filename: "vision-tokens.json".into(),
            mime: "application/json",
            make: Arc::new(json),
        },
        ExportItem {
            label: "Tokens per scheme (CSV)",
            filename: "vision-tokens.csv".into(),
            mime: "text/csv",
            make: Arc::new(csv),
        },
    ]
}

/// The widget as the registry declares it.
pub struct GroundingWidget;

impl Widget for GroundingWidget {
    type State = GroundingState;
    const META: WidgetMeta = WidgetMeta {
        id: "grounding",
        problem: "grounding",
        title: "How vision encoders see your image",
        summary: "Tokens per image under CLIP, LLaVA-NeXT, Qwen2-VL and InternVL, drawn over your own image; regions of interest planned.",
        intro: "Tokens per image under CLIP, LLaVA-NeXT, Qwen2-VL and InternVL, drawn over your own image; the article's 576-token claim checked; regions of interest planned.",
        controls: &[
            Control { id: "settings", label: "Scheme settings" },
            Control { id: "roi", label: "Regions of interest" },
            Control { id: "anchors", label: "Benchmark table" },
                    Control { id: "image", label: "Image" },
            Control { id: "article", label: "The article's claim" },
            Control { id: "overlay", label: "The patch grid on the image" },
            Control { id: "schemes", label: "Every scheme" },
        ],
        views: &[
            CompactView { id: "grid", label: "The patch grid on the image", height_px: 760, shows: &["overlay"] },
            CompactView { id: "article", label: "The article's 45 × 45 px claim, checked", height_px: 760, shows: &["article"] },
        ],
    };

    fn example() -> GroundingState {
        GroundingState::example()
    }

    fn explain() -> AnyView {
        view! { <explain::Explanation/> }.into_any()
    }

    fn view(host: Host<GroundingState>) -> AnyView {
        view! { <GroundingLab host=host/> }.into_any()
    }

    /// Every scheme's plan (a few tiles each) and the regions' plan (at most 64 regions); the
    /// overlay draws a line per patch row and column, at most 2 × 1,024 for Qwen2-VL's cap.
    fn page_work(s: &GroundingState) -> frontier_base::work::Work {
        let regions = s.regions.len() as f64;
        frontier_base::work::Work { flop: 1e5 + regions * 1e3 + 2_048.0 * 100.0, bytes: 1 << 20 }
    }

    #[cfg(test)]
    fn open_natively(s: &GroundingState) {
        let _ = table::all_plans(s);
        let _ = roi_plan(s);
    }
}

#[component]
fn GroundingLab(host: Host<GroundingState>) -> impl IntoView {
    let state = host.state;
    // The user's image, when this browser has it (never in the state or the link).
    let uploaded = RwSignal::new(None::<Uploaded>);
    if !host.embed {
        match image::load() {
            Ok(saved) => uploaded.set(saved),
            Err(e) => host
                .notices
                .update(|n| n.push(Notice { kind: NoticeKind::Warning, text: e, aside_key: None, restorable: false })),
        }
    }
    let image_url = Signal::derive(move || match state.with(|s| s.image.clone()) {
        ImageChoice::Example { id } => example(&id).map(|e| e.url.to_string()),
        // The saved copy is shown only if it is the image the state names.
        ImageChoice::Upload { name, width, height } => uploaded.with(|u| {
            u.as_ref()
                .filter(|u| u.name == name && u.width == width && u.height == height)
                .map(|u| u.display_url.clone())
        }),
    });
    let plans = Memo::new(move |_| state.with(table::all_plans));
    let plan = Memo::new(move |_| {
        let scheme = state.with(|s| s.scheme);
        plans.with(|p| {
            p.iter().find(|(s, _)| *s == scheme).map_or_else(|| Err(format!("unknown scheme {}", scheme.id())), |(_, p)| p.clone())
        })
    });
    let regions = Memo::new(move |_| state.with(roi_plan));
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=exports(state)>
            {show("image").then(|| view! { <div class="control" data-control="image"> <image::Picker state=state uploaded=uploaded/> </div> })}
            {show("article").then(|| view! { <div class="control" data-control="article"> <table::ArticleCheck state=state/> </div> })}
            <div class="grounding-grid">
                {show("overlay").then(|| view! { <div class="control" data-control="overlay"> <overlay::Overlay state=state plan=plan image_url=image_url/> </div> })}
                {show("schemes").then(|| view! { <div class="control" data-control="schemes"> <table::SchemeTable state=state plans=plans/> </div> })}
            </div>
            {show("settings").then(|| view! { <div class="control" data-control="settings"> <table::SchemeSettings state=state/> </div> })}
            {show("roi").then(|| view! { <div class="control" data-control="roi"> <roi::RoiPanel state=state plan=regions/> </div> })}
            {show("anchors").then(|| view! { <div class="control" data-control="anchors"> <anchors::Anchors/> </div> })}
        </WidgetFrame>
    }
}
