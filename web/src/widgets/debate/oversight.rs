//! Many games at once: the honest side's win rate by strategy and judge, against the
//! prediction; and the recursive-reward-modelling chain's accuracy against its depth.

use frontier_alignment::debate::{win_rates, HonestStrategy, WinRate, WinRateConfig};
use frontier_alignment::rrm::{accuracy_table, simulate, DepthRow, VerifierChain};
use leptos::prelude::*;

use super::state::DebateState;
use crate::framework::chart::{with_testid, Axis, DataTable, Figure, Key, LegendEntry, Line, LineChart};
use crate::framework::theme;

const GAMES: u32 = 2000;

fn strategy_name(h: &HonestStrategy) -> String {
    match h {
        HonestStrategy::Full => "Computes every state".into(),
        HonestStrategy::Lazy => "Cannot compute (guesses)".into(),
        HonestStrategy::Bounded { budget_steps } => format!("Can compute {budget_steps} steps"),
    }
}

#[component]
pub fn WinRates(state: RwSignal<DebateState>) -> impl IntoView {
    let rows = RwSignal::new(None::<Result<Vec<WinRate>, String>>);
    let run = move |_| {
        let s = state.get_untracked();
        let config = WinRateConfig {
            steps: s.steps,
            judge: s.judge(),
            honest: vec![
                HonestStrategy::Full,
                HonestStrategy::Bounded { budget_steps: (s.steps / 16).max(1) },
                HonestStrategy::Lazy,
            ],
        };
        rows.set(Some(win_rates(&config, GAMES, s.seed).map_err(|e| e.to_string())));
    };
    view! {
        <section class="group" aria-labelledby="winrates-title">
            <h3 id="winrates-title">"Where debate fails: many games"</h3>
            <p class="hint">"Binary-search debate needs an honest debater who can compute what it is asked about. One who cannot (the obfuscated-arguments problem) must guess at every midpoint, and one wrong guess loses: it wins about 1 game in N. Each game draws a fresh start and lie; the judge is the one set above."</p>
            <button type="button" data-testid="winrates-run" on:click=run>{format!("Play {GAMES} games per strategy")}</button>
            {move || rows.get().map(|r| match r {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(rows) => view! {
                    <div class="table-scroll" tabindex="0"><table data-testid="winrates">
                        <caption>"The honest side's win rate, measured and predicted"</caption>
                        <thead><tr><th scope="col">"Honest debater"</th><th scope="col">"Wins"</th><th scope="col">"Measured"</th><th scope="col">"Predicted"</th></tr></thead>
                        <tbody>{rows.into_iter().map(|w| view! {
                            <tr><th scope="row">{strategy_name(&w.honest)}</th><td class="num">{format!("{} / {}", w.honest_wins, w.games)}</td>
                            <td class="num">{format!("{:.4}", w.win_rate)}</td><td class="num">{format!("{:.4} ± {:.4}", w.predicted_win_rate, w.standard_error)}</td></tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any(),
            })}
        </section>
    }
}

/// Root accuracy of a chain of verifiers, as a small line chart with its table.
#[component]
pub fn Chain(state: RwSignal<DebateState>) -> impl IntoView {
    const MAX_DEPTH: u32 = 20;
    let table =
        Memo::new(move |_| accuracy_table(state.with(|s| s.verifier_accuracy), MAX_DEPTH).map_err(|e| e.to_string()));
    let check = Memo::new(move |_| {
        let (d, q) = state.with(|s| (s.verifier_depth, s.verifier_accuracy));
        VerifierChain::new(d, q).and_then(|c| simulate(&c, 20_000, 7)).map_err(|e| e.to_string())
    });
    let svg = Signal::derive(move || {
        table.with(|t| match t {
            Err(e) => format!("<p>chart unavailable: {e}</p>"),
            Ok(rows) => chain_chart(rows, MAX_DEPTH)
                .svg(theme::current())
                .map(|svg| with_testid(svg, "rrm-chart"))
                .unwrap_or_else(|e| format!("<p>chart unavailable: {e}</p>")),
        })
    });
    let data = Signal::derive(move || {
        table.with(|t| DataTable {
            headers: vec!["Depth".into(), "Right verdict".into(), "No error".into()],
            rows: t
                .as_ref()
                .map(|rows| {
                    rows.iter()
                        .map(|r| {
                            vec![
                                r.depth.to_string(),
                                format!("{:.4}", r.root_accuracy),
                                format!("{:.4}", r.all_correct),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
    });
    view! {
        <section class="group" aria-labelledby="rrm-title">
            <h3 id="rrm-title">"Recursive reward modelling: a chain of helpers"</h3>
            <p class="hint">"Instead of checking the last step itself, the judge can hand the check to a helper, who hands it to another, and so on: each is right with the verifier accuracy set above, and a helper who errs reports the opposite. The chance the judge hears the right verdict is (1 + (2q − 1)^depth) / 2. This illustrates the structure of Leike et al. (2018), which reports no such numbers."</p>
            {move || table.with(|t| t.as_ref().err().map(|e| view! { <p class="error">{e.clone()}</p> }))}
            <Figure svg=svg table=data name="rrm-chain"
                caption="Root accuracy against the number of verifiers. Solid: the verdict that reaches the judge is right. Dashed: no helper erred (q^depth)."/>
            <p data-testid="rrm-check">{move || check.with(|c| match c {
                Ok(c) => format!("At depth {}: simulated {:.4} over {} trials, formula {:.4}.", c.depth, c.root_accuracy, c.trials, c.predicted_root_accuracy),
                Err(e) => e.clone(),
            })}</p>
        </section>
    }
}

/// The chain's two probabilities against its depth, as the core's table gives them.
fn chain_chart(rows: &[DepthRow], max_depth: u32) -> LineChart {
    let line = |value: fn(&DepthRow) -> f64, series, dashed| Line {
        points: rows.iter().map(|r| (f64::from(r.depth), value(r))).collect(),
        series,
        dashed,
    };
    LineChart {
        x: Axis {
            min: 0.0,
            max: f64::from(max_depth),
            log: false,
            ticks: (0..=max_depth).step_by(5).map(|d| (f64::from(d), d.to_string())).collect(),
            title: "Verifiers in the chain".into(),
        },
        y: Axis {
            min: 0.0,
            max: 1.0,
            log: false,
            ticks: [0.0, 0.5, 1.0].iter().map(|p| (*p, format!("{p}"))).collect(),
            title: "Probability".into(),
        },
        lines: vec![line(|r| r.root_accuracy, 0, false), line(|r| r.all_correct, 1, true)],
        legend: vec![
            LegendEntry { name: "Right verdict".into(), series: 0, key: Key::Line },
            LegendEntry { name: "No helper erred".into(), series: 1, key: Key::DashedLine },
        ],
    }
}
