//! A labelled slider with typed entry: the slider covers a range (log scale where it spans
//! decades), the text box takes exact values such as `37B` or `14.8e12`.

use frontier_state::parse_quantity;
use leptos::prelude::*;

use super::scale::{round_significant, Scale, STEPS};

/// `on_change` applies a value or returns why it cannot (the widget validates with the core).
#[component]
pub fn NumberField(
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: Signal<f64>,
    on_change: Callback<f64, Result<(), String>>,
    scale: Scale,
    #[prop(optional)] whole: bool,
    #[prop(optional)] unit: &'static str,
    display: fn(f64) -> String,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let apply = move |v: f64| match on_change.run(v) {
        Ok(()) => error.set(None),
        Err(e) => error.set(Some(e)),
    };
    let on_slide = move |ev: leptos::ev::Event| {
        if let Ok(pos) = event_target_value(&ev).parse::<f64>() {
            let v = scale.value(pos);
            apply(if whole { v.round().max(1.0) } else { round_significant(v, 3) });
        }
    };
    let on_typed = move |ev: leptos::ev::Event| match parse_quantity(&event_target_value(&ev)) {
        Ok(v) => apply(v),
        Err(e) => error.set(Some(e.to_string())),
    };
    let slider_id = format!("{id}-slider");
    let input_id = format!("{id}-input");
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=slider_id.clone()>{label}{(!unit.is_empty()).then(|| format!(" ({unit})"))}</label>
            <div class="field-row">
                <input type="range" id=slider_id data-testid=format!("{id}-slider") min="0" max=STEPS.to_string() step="1"
                    prop:value=move || scale.position(value.get()).to_string()
                    aria-valuetext=move || display(value.get())
                    on:input=on_slide/>
                <input type="text" id=input_id inputmode="decimal" data-testid=format!("{id}-input") aria-label=format!("{label}, exact value")
                    aria-describedby=error_id.clone()
                    prop:value=move || display(value.get())
                    on:change=on_typed/>
            </div>
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// A `NumberField` callback that applies `set` to a copy of the state, validates it, and stores it
/// only when valid (the field shows the validation's message otherwise).
pub fn setter<T: frontier_state::WidgetState + Send + Sync + 'static>(
    state: RwSignal<T>,
    set: fn(&mut T, f64),
) -> Callback<f64, Result<(), String>> {
    Callback::new(move |v: f64| {
        let mut next = state.get_untracked();
        set(&mut next, v);
        next.validate()?;
        state.set(next);
        Ok(())
    })
}
