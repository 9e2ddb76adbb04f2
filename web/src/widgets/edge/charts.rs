//! The edge widget's charts: memory needs against the device, speed against bits per
//! weight, and the roofline. Every value comes from the core; this file only draws.

use frontier_costs::edge::analysis::{format_sweep, memory_grid};
use frontier_costs::edge::{ModelArch, WeightFormat};
use leptos::prelude::*;
use plotters::prelude::*;

use super::state::EdgeState;
use crate::framework::theme::current as theme;
use crate::framework::chart::{draw_svg, DataTable, Figure};
use crate::framework::format::sci;

const MEMORY_MODELS: [&str; 6] =
    ["llama-3.2-1b", "llama-3.2-3b", "phi-3-mini", "llama-3.1-8b", "gemma-2-9b", "mixtral-8x7b"];
const MEMORY_FORMATS: [&str; 4] = ["F16", "Q8_0", "Q4_K_M", "IQ2_XXS"];

type Drawn = Result<String, String>;

/// Total memory (GB) of each model in each format at the state's context (from the core's
/// grid; NaN where a cell does not evaluate).
pub(super) fn memory_rows(s: &EdgeState) -> Vec<(String, Vec<f64>)> {
    let Ok(base) = s.inputs() else { return Vec::new() };
    let models: Vec<ModelArch> = MEMORY_MODELS.iter().filter_map(|id| ModelArch::by_id(id)).collect();
    let formats: Vec<&WeightFormat> = MEMORY_FORMATS.iter().filter_map(|f| WeightFormat::by_id(f)).collect();
    let grid = memory_grid(&base, &models, &formats);
    models
        .iter()
        .zip(grid)
        .map(|(model, row)| (model.name.to_string(), row.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect()))
        .collect()
}

fn memory_svg(rows: &[(String, Vec<f64>)], usable_gb: f64, ram_gb: f64) -> Drawn {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let y_max = rows.iter().flat_map(|r| r.1.iter().copied()).filter(|v| v.is_finite()).fold(ram_gb, f64::max) * 1.05;
    let n = rows.len() as f64;
    draw_svg((640, 340), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5..n - 0.5, (0.3..y_max).log_scale())
            .map_err(|x| e(&x))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(rows.len())
            .x_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() < 0.01 && i >= 0.0 && (i as usize) < rows.len() {
                    rows[i as usize].0.replace("Llama ", "")
                } else {
                    String::new()
                }
            })
            .y_desc("Memory needed (GB, log)")
            .label_style(("sans-serif", 11).into_font().color(&theme().ink))
            .draw()
            .map_err(|x| e(&x))?;
        let width = 0.8 / MEMORY_FORMATS.len() as f64;
        for (i, (_, values)) in rows.iter().enumerate() {
            for (j, v) in values.iter().enumerate() {
                if !v.is_finite() {
                    continue;
                }
                let x0 = i as f64 - 0.4 + j as f64 * width;
                let rect = Rectangle::new([(x0, 0.3), (x0 + width * 0.9, *v)], theme().color(j).filled());
                chart.draw_series(std::iter::once(rect)).map_err(|x| e(&x))?;
            }
        }
        for (level, style) in [(usable_gb, theme().ink.stroke_width(2)), (ram_gb, theme().ink.mix(0.4).stroke_width(1))] {
            chart.draw_series(LineSeries::new([(-0.5, level), (n - 0.5, level)], style)).map_err(|x| e(&x))?;
        }
        for (j, f) in MEMORY_FORMATS.iter().enumerate() {
            let style = ("sans-serif", 12).into_font().color(&theme().color(j));
            root.draw(&Text::new((*f).to_string(), (70 + 80 * j as i32, 12), style)).map_err(|x| e(&x))?;
        }
        Ok(())
    })
}

/// Decode speed of the current model and device in every format.
pub(super) fn speed_points(s: &EdgeState) -> Vec<(&'static str, f64, f64, bool, Option<f64>)> {
    let Ok(base) = s.inputs() else { return Vec::new() };
    format_sweep(&base)
        .into_iter()
        .map(|p| (p.format.id, p.format.bits_per_weight, p.decode_tokens_per_sec, p.fits, p.format.delta_ppl))
        .collect()
}

fn speed_svg(points: &[(&'static str, f64, f64, bool, Option<f64>)], current_bits: f64) -> Drawn {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let y_max = points.iter().map(|p| p.2).fold(0.0, f64::max) * 1.1;
    draw_svg((640, 300), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(1.5..16.5, 0.0..y_max.max(1e-6))
            .map_err(|x| e(&x))?;
        chart
            .configure_mesh()
            .x_desc("Bits per weight (whole file)")
            .y_desc("Decode tokens/s")
            .label_style(("sans-serif", 12).into_font().color(&theme().ink))
            .draw()
            .map_err(|x| e(&x))?;
        let mut sorted: Vec<_> = points.to_vec();
        sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
        chart
            .draw_series(LineSeries::new(sorted.iter().map(|p| (p.1, p.2)), theme().series[0].stroke_width(2)))
            .map_err(|x| e(&x))?;
        chart
            .draw_series(sorted.iter().map(|p| {
                let color = if p.3 { theme().series[1] } else { theme().series[3] };
                let size = if (p.1 - current_bits).abs() < 1e-9 { 7 } else { 4 };
                Circle::new((p.1, p.2), size, color.filled())
            }))
            .map_err(|x| e(&x))?;
        Ok(())
    })
}

fn roofline_svg(s: &EdgeState) -> Drawn {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let r = s.inputs().and_then(|i| i.evaluate().map_err(|x| x.to_string()))?;
    let d = &s.device;
    let xs: Vec<f64> = (0..=60).map(|i| 10f64.powf(-1.0 + 5.0 * f64::from(i) / 60.0)).collect();
    let peak = d.peak_flops_per_s();
    draw_svg((640, 300), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d((0.1..1e4).log_scale(), (peak / 1e4..peak * 2.0).log_scale())
            .map_err(|x| e(&x))?;
        chart
            .configure_mesh()
            .x_desc("Arithmetic intensity (FLOP per byte)")
            .y_desc("Attainable FLOP/s")
            .y_label_formatter(&|v| sci(*v))
            .label_style(("sans-serif", 12).into_font().color(&theme().ink))
            .draw()
            .map_err(|x| e(&x))?;
        chart
            .draw_series(LineSeries::new(xs.iter().map(|&x| (x, d.attainable_flops_per_s(x))), theme().ink.stroke_width(2)))
            .map_err(|x| e(&x))?;
        for (x, color) in
            [(r.roofline.decode_flops_per_byte, theme().series[3]), (r.roofline.prefill_flops_per_byte, theme().series[0])]
        {
            let x = x.clamp(0.1, 1e4);
            chart
                .draw_series(std::iter::once(Circle::new((x, d.attainable_flops_per_s(x)), 6, color.filled())))
                .map_err(|x| e(&x))?;
        }
        Ok(())
    })
}

fn or_message(d: Drawn) -> String {
    d.unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>"))
}

#[component]
pub fn Charts(
    state: RwSignal<EdgeState>,
    /// The memory and roofline charts besides the speed chart (a compact view leaves them out).
    show_more: bool,
) -> impl IntoView {
    let rows = Memo::new(move |_| state.with(memory_rows));
    let memory = Signal::derive(move || {
        let (usable, ram) = state.with(|s| (s.device.usable_memory_gb(), s.device.ram_gb));
        or_message(memory_svg(&rows.get(), usable, ram))
    });
    let memory_caption = Signal::derive(move || {
        state.with(|s| {
            format!(
                "Memory needed by six models in four formats at {} tokens of context (bars, log scale) against {}: usable memory {:.1} GB (thick line) and total RAM {} GB (thin line).",
                sci(s.context), s.device.name, s.device.usable_memory_gb(), sci(s.device.ram_gb)
            )
        })
    });
    let memory_table = Signal::derive(move || DataTable {
        headers: std::iter::once("Model".to_string())
            .chain(MEMORY_FORMATS.iter().map(|f| format!("{f} (GB)")))
            .collect(),
        rows: rows
            .get()
            .into_iter()
            .map(|(name, v)| std::iter::once(name).chain(v.iter().map(|x| format!("{x:.2}"))).collect())
            .collect(),
    });
    let points = Memo::new(move |_| state.with(speed_points));
    let speed = Signal::derive(move || {
        or_message(speed_svg(&points.get(), state.with(|s| s.bits_per_weight().unwrap_or(0.0))))
    });
    let speed_caption = Signal::derive(move || {
        state.with(|s| format!(
            "Decode speed of {} on {} in every weight format: fewer bits, fewer bytes per token, more tokens per second. Green points fit the device, red ones do not; the larger point is the chosen format.",
            s.model().map_or_else(String::new, |m| m.name.to_string()), s.device.name))
    });
    let speed_table = Signal::derive(move || DataTable {
        headers: vec![
            "Format".into(),
            "Bits per weight".into(),
            "Decode tokens/s".into(),
            "Fits".into(),
            "Perplexity increase (Llama 3 8B)".into(),
        ],
        rows: points
            .get()
            .into_iter()
            .map(|p| {
                vec![
                    p.0.to_string(),
                    format!("{:.2}", p.1),
                    format!("{:.1}", p.2),
                    if p.3 { "yes" } else { "no" }.into(),
                ]
            })
            .collect(),
    });
    let roofline = Signal::derive(move || or_message(state.with(roofline_svg)));
    let roofline_caption = Signal::derive(move || {
        state.with(|s| {
            let r = s.inputs().and_then(|i| i.evaluate().map_err(|e| e.to_string()));
            match r {
                Ok(r) => format!(
                    "Roofline of {}: below {:.0} FLOP per byte a kernel is limited by bandwidth, above it by compute. Decode (red, {:.1} FLOP/byte) is bandwidth-bound; prefill (blue, {} FLOP/byte) is compute-bound.",
                    s.device.name, r.roofline.ridge_flops_per_byte, r.roofline.decode_flops_per_byte, sci(r.roofline.prefill_flops_per_byte.round())
                ),
                Err(e) => e,
            }
        })
    });
    let roofline_table = Signal::derive(move || {
        state.with(|s| {
            let rows = s.inputs().and_then(|i| i.evaluate().map_err(|e| e.to_string())).map(|r| {
                vec![
                    vec![
                        "Decode".into(),
                        format!("{:.2}", r.roofline.decode_flops_per_byte),
                        sci(s.device.attainable_flops_per_s(r.roofline.decode_flops_per_byte)),
                    ],
                    vec![
                        "Prefill".into(),
                        format!("{:.0}", r.roofline.prefill_flops_per_byte),
                        sci(s.device.attainable_flops_per_s(r.roofline.prefill_flops_per_byte)),
                    ],
                    vec![
                        "Ridge".into(),
                        format!("{:.1}", r.roofline.ridge_flops_per_byte),
                        sci(s.device.peak_flops_per_s()),
                    ],
                ]
            });
            DataTable {
                headers: vec!["Point".into(), "FLOP per byte".into(), "Attainable FLOP/s".into()],
                rows: rows.unwrap_or_default(),
            }
        })
    });
    view! {
        <section class="charts" aria-label="Charts">
            {show_more.then(|| view! { <div data-part="memory_chart"> <Figure svg=memory caption=memory_caption table=memory_table name="edge-memory"/> </div> })}
            <Figure svg=speed caption=speed_caption table=speed_table name="edge-speed"/>
            {show_more.then(|| view! { <div data-part="roofline"> <Figure svg=roofline caption=roofline_caption table=roofline_table name="edge-roofline"/> </div> })}
        </section>
    }
}
