//! The game board: the disputed range, the transcript, the control for whoever moves next, and
//! the judge's work beside direct verification.

use frontier_alignment::debate::{Claim, Debate, Half, Phase, Verdict};
use leptos::prelude::*;

use super::state::{DebateState, Move, Role, MAX_MOVES};

pub type Replayed = Result<(Debate, Option<String>), String>;

fn push(state: RwSignal<DebateState>, m: Move) {
    state.update(|s| {
        if s.moves.len() < MAX_MOVES {
            s.moves.push(m);
        }
    });
}

fn claim_text(c: &Claim) -> String {
    match c {
        Claim::Value(v) => v.to_string(),
        Claim::Not(v) => format!("not {v}"),
    }
}

fn winner_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Honest => "The honest debater wins",
        Verdict::Liar => "The liar wins",
        Verdict::Neither => "Neither claim holds",
    }
}

/// In judge mode the sides are shown as A and B; which is honest comes from the seed, so the
/// page does not give it away.
fn honest_is_a(seed: u64) -> bool {
    seed.is_multiple_of(2)
}

#[component]
fn RoundControl(state: RwSignal<DebateState>, replayed: Memo<Replayed>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    move || {
        let role = state.with(|s| s.role);
        replayed.with(|r| {
            let Ok((debate, _)) = r else { return ().into_any() };
            let Phase::Round { round, lo, hi, mid } = debate.phase() else { return ().into_any() };
            let true_mid = debate.computation().state_at_fast(mid);
            let heading = format!("Round {round}: the range in dispute is steps {lo}–{hi}; both commit to x at step {mid}.");
            match role {
                Role::Liar => {
                    let consistent = debate.liar_move().unwrap_or(true_mid);
                    view! {
                        <p>{heading}</p>
                        <p class="hint">{format!("Your lie so far implies x{mid} = {consistent}; the truth is {true_mid}. Agree with the truth and the dispute moves right; keep lying and it moves left.")}</p>
                        <div class="row">
                            <button type="button" data-testid="liar-truth" on:click=move |_| push(state, Move::Liar { value: true_mid })>{format!("Claim the truth ({true_mid})")}</button>
                            <button type="button" data-testid="liar-lie" on:click=move |_| push(state, Move::Liar { value: consistent })>{format!("Keep lying ({consistent})")}</button>
                            <label class="inline-field">"Or claim"
                                <input type="text" inputmode="numeric" size="12" prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                            </label>
                            <button type="button" on:click=move |_| { match typed.get_untracked().trim().parse::<u64>() {
                                Ok(v) => { error.set(None); push(state, Move::Liar { value: v }); }
                                Err(_) => error.set(Some("a whole number below the modulus".into())),
                            } }>"Claim it"</button>
                        </div>
                        <p class="field-error" aria-live="polite">{move || error.get()}</p>
                    }
                    .into_any()
                }
                Role::Honest => {
                    let liar = debate.liar_move().unwrap_or(0);
                    view! {
                        <p>{heading}</p>
                        <p>{format!("The liar says x{mid} = {liar}. Computing it yourself would take {} steps from the state you both accept.", mid - lo)}</p>
                        <div class="row">
                            <button type="button" data-testid="honest-agree" on:click=move |_| push(state, Move::Honest { claim: Claim::Value(liar) })>"Agree"</button>
                            <button type="button" data-testid="honest-dispute" on:click=move |_| push(state, Move::Honest { claim: Claim::Value(true_mid) })>{format!("Dispute: compute it ({true_mid})")}</button>
                            <button type="button" on:click=move |_| push(state, Move::Honest { claim: Claim::Not(liar) })>"Dispute without computing"</button>
                        </div>
                    }
                    .into_any()
                }
                Role::Watch | Role::Judge => {
                    let remaining = debate.counters().max_rounds.saturating_sub(round - 1);
                    view! {
                        <p>{heading}</p>
                        <div class="row">
                            <button type="button" data-testid="debate-next" on:click=move |_| push(state, Move::Round)>"Next round"</button>
                            <button type="button" data-testid="debate-all" on:click=move |_| state.update(|s| {
                                for _ in 0..remaining { if s.moves.len() < MAX_MOVES { s.moves.push(Move::Round); } }
                            })>"Play every round"</button>
                        </div>
                    }
                    .into_any()
                }
            }
        })
    }
}

#[component]
fn JudgeControl(state: RwSignal<DebateState>, replayed: Memo<Replayed>) -> impl IntoView {
    move || {
        let (role, seed) = state.with(|s| (s.role, s.seed));
        replayed.with(|r| {
            let Ok((debate, _)) = r else { return ().into_any() };
            let Some(leaf) = debate.leaf() else { return ().into_any() };
            let c = debate.computation();
            let (from, to) = (leaf.step.from, leaf.step.to);
            let formula = format!("x{to} = ({} · x{from} + {}) mod {}, with x{from} = {} agreed by both", c.a(), c.c(), c.m(), leaf.agreed_state);
            if role != Role::Judge {
                return view! {
                    <p>{format!("One step left in dispute: {from} → {to}. ")}{formula}"."</p>
                    <button type="button" data-testid="debate-judge" on:click=move |_| push(state, Move::Judge)>"The judge checks that one step"</button>
                }
                .into_any();
            }
            let (a, b) = if honest_is_a(seed) {
                (claim_text(&leaf.honest_claim), leaf.liar_claim.to_string())
            } else {
                (leaf.liar_claim.to_string(), claim_text(&leaf.honest_claim))
            };
            let rule = move |a_wins: bool| {
                let verdict = if a_wins == honest_is_a(seed) { Verdict::Honest } else { Verdict::Liar };
                push(state, Move::Verdict { verdict });
            };
            view! {
                <p>"You are the judge. You never saw the computation; check this one step: "{formula}"."</p>
                <p>{format!("Debater A says x{to} = {a}. Debater B says x{to} = {b}.")}</p>
                <div class="row">
                    <button type="button" data-testid="judge-a" on:click=move |_| rule(true)>"A is right"</button>
                    <button type="button" data-testid="judge-b" on:click=move |_| rule(false)>"B is right"</button>
                    <button type="button" on:click=move |_| push(state, Move::Verdict { verdict: Verdict::Neither })>"Neither"</button>
                </div>
            }
            .into_any()
        })
    }
}

#[component]
pub fn Board(state: RwSignal<DebateState>, replayed: Memo<Replayed>) -> impl IntoView {
    let summary = move || {
        replayed.with(|r| match r {
            Err(e) => view! { <p class="error" role="alert">{e.clone()}</p> }.into_any(),
            Ok((debate, stale)) => {
                let c = debate.counters();
                let outcome = debate.outcome().map(|o| {
                    view! {
                        <p class="verdict" data-testid="debate-winner">{winner_text(o.winner)}</p>
                        <p>{format!(
                            "The judge checked step {} → {}: f({}) = {}. The honest side said {}, the liar {}. {}",
                            o.checked_step.from, o.checked_step.to, o.agreed_state, o.step_result,
                            claim_text(&o.honest_claim), o.liar_claim,
                            if o.judge_correct { "The ruling is right." } else { "The ruling is wrong: the judge (or a verifier under it) erred." }
                        )}</p>
                    }
                });
                view! {
                    {stale.clone().map(|s| view! { <p class="notice warning">{s}" Start a new game to clear it."</p> })}
                    <div class="big-row">
                        <div class="big"><span class="big-label">"Judge's work"</span><span class="big-value" data-testid="judge-work">{c.judge_work}</span>
                            <span class="big-note">{format!("{} comparisons + {} step", c.judge_comparisons, c.judge_steps_computed)}</span></div>
                        <div class="big"><span class="big-label">"Checking it directly"</span><span class="big-value">{c.direct_verification_steps}</span>
                            <span class="big-note">"steps of the computation"</span></div>
                        <div class="big"><span class="big-label">"Rounds"</span><span class="big-value" data-testid="debate-rounds">{c.rounds}</span>
                            <span class="big-note">{format!("of at most {}", c.max_rounds)}</span></div>
                    </div>
                    <p>{format!("Claimed results after {} steps: the honest side {}, the liar {}.", debate.computation().steps(), debate.true_final(), debate.liar_final())}</p>
                    {outcome}
                }
                .into_any()
            }
        })
    };
    let transcript = move || {
        replayed.with(|r| {
            r.as_ref().ok().map(|(d, _)| {
                d.transcript()
                    .iter()
                    .map(|round| {
                        view! {
                            <tr>
                                <td class="num">{round.round}</td>
                                <td class="num">{format!("{}–{}", round.lo, round.hi)}</td>
                                <td class="num">{round.mid}</td>
                                <td class="num">{claim_text(&round.honest_claim)}</td>
                                <td class="num">{round.liar_claim}</td>
                                <td>{if round.agreed { "agree" } else { "disagree" }}</td>
                                <td>{match round.kept { Half::Left => "left half", Half::Right => "right half" }}</td>
                            </tr>
                        }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <section class="debate-board" aria-live="polite">
            {summary}
            <RoundControl state=state replayed=replayed/>
            <JudgeControl state=state replayed=replayed/>
            <div class="row">
                <button type="button" data-testid="debate-new" on:click=move |_| state.update(|s| s.moves.clear())>"New game"</button>
                <button type="button" on:click=move |_| state.update(|s| { s.moves.pop(); })>"Undo"</button>
            </div>
            <div class="table-scroll" tabindex="0">
                <table data-testid="debate-transcript">
                    <caption>"Transcript: each round both commit to the midpoint; the judge only compares the two numbers."</caption>
                    <thead><tr><th scope="col">"Round"</th><th scope="col">"Disputed steps"</th><th scope="col">"Midpoint"</th><th scope="col">"Honest"</th><th scope="col">"Liar"</th><th scope="col">"They"</th><th scope="col">"Kept"</th></tr></thead>
                    <tbody>{transcript}</tbody>
                </table>
            </div>
        </section>
    }
}
