//! The debate widget: binary-search debate over a long computation. Two debaters claim the
//! result of N steps of a recurrence; each round they commit to the state at the midpoint of
//! the disputed range; after about log2 N rounds the judge checks a single step. Play the liar,
//! the honest debater or the judge; see where debate fails and what a chain of verifiers does.

mod board;
mod oversight;
use frontier_labs::debate as state;

pub use state::DebateState;

use std::sync::Arc;

use frontier_alignment::debate::HonestStrategy;
use frontier_state::{Control, CompactView, WidgetMeta};
use leptos::prelude::*;

use crate::framework::choice::Choice;
use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::widget::Widget;
use crate::framework::scale::Scale;
use crate::framework::seed::NewSeed;
use crate::framework::slider::NumberField;
use state::{Role, MAX_STEPS_LOG2};


const ROLES: &[(&str, &str)] = &[
    ("watch", "Watch (everyone is played for you)"),
    ("liar", "Play the liar"),
    ("honest", "Play the honest debater"),
    ("judge", "Play the judge"),
];
const HONEST: &[(&str, &str)] = &[
    ("full", "Computes every state"),
    ("bounded", "Can compute N/16 steps"),
    ("lazy", "Cannot compute (obfuscated arguments)"),
];

fn exports(state: RwSignal<DebateState>) -> Vec<ExportItem> {
    let json = move || -> Result<String, String> {
        let s = state.get_untracked();
        let (debate, stale) = s.replay()?;
        let value = serde_json::json!({
            "widget": "debate", "state": s, "computation": debate.computation(), "lie_at": s.lie_at,
            "true_final": debate.true_final(), "liar_final": debate.liar_final(), "transcript": debate.transcript(),
            "outcome": debate.outcome(), "counters": debate.counters(), "stale_move": stale,
        });
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
    };
    vec![ExportItem {
        label: "Game (JSON)",
        filename: "debate.json".into(),
        mime: "application/json",
        make: Arc::new(json),
    }]
}

#[component]
fn Setup(state: RwSignal<DebateState>) -> impl IntoView {
    // Changing the setup starts a new game: old moves would not fit it.
    let set = move |f: Box<dyn FnOnce(&mut DebateState)>| {
        state.update(|s| {
            f(s);
            s.moves.clear();
        })
    };
    let set_steps = Callback::new(move |v: f64| {
        let k = v.round() as u32;
        if !(1..=MAX_STEPS_LOG2).contains(&k) {
            return Err(format!("2^1 to 2^{MAX_STEPS_LOG2} steps"));
        }
        let n = 1u64 << k;
        set(Box::new(move |s| {
            s.steps = n;
            s.lie_at = s.lie_at.clamp(1, n);
            if let HonestStrategy::Bounded { .. } = s.honest {
                s.honest = HonestStrategy::Bounded { budget_steps: (n / 16).max(1) };
            }
        }));
        Ok(())
    });
    let set_lie = Callback::new(move |v: f64| {
        let t = v.round() as u64;
        if t < 1 || t > state.with_untracked(|s| s.steps) {
            return Err("a step from 1 to N".to_string());
        }
        set(Box::new(move |s| s.lie_at = t));
        Ok(())
    });
    let set_seed = Callback::new(move |v: f64| {
        if !(0.0..=1e15).contains(&v) {
            return Err("a whole number".to_string());
        }
        set(Box::new(move |s| s.seed = v.round() as u64));
        Ok(())
    });
    let probability = |apply: fn(&mut DebateState, f64)| {
        Callback::new(move |v: f64| {
            if !(0.0..=1.0).contains(&v) {
                return Err("a probability between 0 and 1".to_string());
            }
            set(Box::new(move |s| apply(s, v)));
            Ok(())
        })
    };
    let set_depth = Callback::new(move |v: f64| {
        let d = v.round() as u32;
        if d > 20 {
            return Err("at most 20 verifiers".to_string());
        }
        set(Box::new(move |s| s.verifier_depth = d));
        Ok(())
    });
    let role_id = move || {
        match state.with(|s| s.role) {
            Role::Watch => "watch",
            Role::Liar => "liar",
            Role::Honest => "honest",
            Role::Judge => "judge",
        }
        .to_string()
    };
    let honest_id = move || {
        match state.with(|s| s.honest) {
            HonestStrategy::Full => "full",
            HonestStrategy::Bounded { .. } => "bounded",
            HonestStrategy::Lazy => "lazy",
        }
        .to_string()
    };
    view! {
        <fieldset class="group">
            <legend>"The game"</legend>
            <div class="row">
                <Choice id="debate-role" label="You" options=ROLES value=Signal::derive(role_id)
                    on_change=Callback::new(move |v: String| set(Box::new(move |s| s.role = match v.as_str() { "liar" => Role::Liar, "honest" => Role::Honest, "judge" => Role::Judge, _ => Role::Watch })))/>
                <Choice id="debate-honest" label="The honest debater" options=HONEST value=Signal::derive(honest_id)
                    on_change=Callback::new(move |v: String| set(Box::new(move |s| s.honest = match v.as_str() { "lazy" => HonestStrategy::Lazy, "bounded" => HonestStrategy::Bounded { budget_steps: (s.steps / 16).max(1) }, _ => HonestStrategy::Full })))/>
            </div>
            <div class="row">
                <NumberField id="debate-steps-log2" label="Steps N = 2^k, k" whole=true value=Signal::derive(move || state.with(|s| f64::from(s.steps.max(1).ilog2())))
                    on_change=set_steps scale=Scale { min: 1.0, max: f64::from(MAX_STEPS_LOG2), log: false } display=|v| format!("{v}")/>
                <NumberField id="debate-lie-at" label="The liar's first wrong step" whole=true value=Signal::derive(move || state.with(|s| s.lie_at as f64))
                    on_change=set_lie scale=Scale { min: 1.0, max: 67_108_864.0, log: true } display=|v| format!("{v}")/>
                <NumberField id="debate-seed" label="Seed" whole=true value=Signal::derive(move || state.with(|s| s.seed as f64))
                    on_change=set_seed scale=Scale { min: 0.0, max: 1000.0, log: false } display=|v| format!("{v}")/>
                <NewSeed id="debate-seed" below=1000 on_seed=Callback::new(move |seed: u64| { let _ = set_seed.run(seed as f64); })/>
            </div>
            <div class="row">
                <NumberField id="debate-judge-accuracy" label="Judge accuracy" value=Signal::derive(move || state.with(|s| s.judge_accuracy))
                    on_change=probability(|s, v| s.judge_accuracy = v) scale=Scale { min: 0.0, max: 1.0, log: false } display=|v| format!("{v:.2}")/>
                <NumberField id="debate-depth" label="Verifiers between the step and the judge" whole=true value=Signal::derive(move || state.with(|s| f64::from(s.verifier_depth)))
                    on_change=set_depth scale=Scale { min: 0.0, max: 20.0, log: false } display=|v| format!("{v}")/>
                <NumberField id="debate-verifier-accuracy" label="Verifier accuracy q" value=Signal::derive(move || state.with(|s| s.verifier_accuracy))
                    on_change=probability(|s, v| s.verifier_accuracy = v) scale=Scale { min: 0.5, max: 1.0, log: false } display=|v| format!("{v:.3}")/>
            </div>
            <p class="hint">{move || state.with(|s| format!("The computation: x ← (48271·x + 1) mod (2^31 − 1), {} steps from a start drawn from the seed.", s.steps))}</p>
        </fieldset>
    }
}

#[component]
fn Explanation() -> impl IntoView {
    view! {
        <p>"The article's hope for debate is that judging an argument is easier than making it. Irving, Christiano and Amodei (2018) make that precise: when two debaters disagree about the result of a long computation, a judge who only compares their claims at midpoints can corner the disagreement into one step and check that step alone. Here that is about log2 N comparisons and one step of arithmetic instead of N steps: 21 units of work instead of 1,048,576."</p>
        <p>"The liar's claims are consistent everywhere except at the step where its story first departs from the truth, so an honest debater who can compute the true states always steers the dispute to that step, and a correct judge always rules for it. It is harder to lie than to refute a lie."</p>
        <p>"The failure mode is an honest debater who cannot compute what it is asked about (the obfuscated-arguments problem): it must guess whether each midpoint claim is true, and one wrong guess leaves it defending a range where the liar's every step checks out. With the lie anywhere in 1..N it wins only 1 game in N."</p>
        <p>"The verifier chain illustrates recursive reward modelling (Leike et al., 2018): the judge delegates the check through helpers, each of accuracy q, and errors compound with depth. The formula is exact for independent helpers who each flip the verdict when they err; the paper gives the structure, not these numbers."</p>
    }
}

/// The widget as the registry declares it.
pub struct DebateWidget;

impl Widget for DebateWidget {
    type State = DebateState;
    const META: WidgetMeta = WidgetMeta {
        id: "debate",
        problem: "alignment",
        title: "Debate over a long computation",
        summary: "Two debaters disagree about a million-step computation; the judge checks one step. Play the liar, the honest side or the judge.",
        intro: "Two debaters disagree about a million-step computation; by binary search the judge checks one step. Play the liar, the honest side or the judge.",
        controls: &[
            Control { id: "setup", label: "Game setup" },
            Control { id: "winrates", label: "Many games" },
            Control { id: "rrm", label: "Chain of verifiers" },
                    Control { id: "board", label: "The game" },
        ],
        views: &[
            CompactView { id: "game", label: "The debate game", height_px: 900, shows: &["board"] },
            CompactView { id: "chain", label: "A chain of verifiers (chart)", height_px: 900, shows: &["rrm"] },
        ],
    };

    fn example() -> DebateState {
        DebateState::example()
    }

    fn explain() -> AnyView {
        view! { <Explanation/> }.into_any()
    }

    fn view(host: Host<DebateState>) -> AnyView {
        view! { <DebateLab host=host/> }.into_any()
    }

    /// The replayed debate: at most 26 rounds, each a jump of O(log steps) modular products; the
    /// oversight table to depth 20.
    fn page_work(s: &DebateState) -> frontier_base::work::Work {
        let rounds = f64::from(state::MAX_STEPS_LOG2) + s.moves.len() as f64;
        frontier_base::work::Work { flop: rounds * 64.0 * 100.0 + 20.0 * 1_000.0, bytes: 64 << 10 }
    }

    #[cfg(test)]
    fn open_natively(s: &DebateState) {
        let _ = s.replay();
        let _ = frontier_alignment::rrm::accuracy_table(s.verifier_accuracy, 20);
    }
}

#[component]
fn DebateLab(host: Host<DebateState>) -> impl IntoView {
    let state = host.state;
    let replayed = Memo::new(move |_| state.with(DebateState::replay));
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=exports(state)>
            {show("setup").then(|| view! { <div class="control" data-control="setup"> <Setup state=state/> </div> })}
            {show("board").then(|| view! { <div class="control" data-control="board"> <board::Board state=state replayed=replayed/> </div> })}
            {show("winrates").then(|| view! { <div class="control" data-control="winrates"> <oversight::WinRates state=state/> </div> })}
            {show("rrm").then(|| view! { <div class="control" data-control="rrm"> <oversight::Chain state=state/> </div> })}
        </WidgetFrame>
    }
}
