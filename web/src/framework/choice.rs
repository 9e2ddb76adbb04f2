//! A labelled drop-down over a fixed list of (value, label) options.

use leptos::prelude::*;

#[component]
pub fn Choice(
    id: &'static str,
    label: &'static str,
    options: &'static [(&'static str, &'static str)],
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id data-testid=id prop:value=move || value.get() on:change=move |ev| on_change.run(event_target_value(&ev))>
                {options.iter().map(|(v, text)| view! { <option value=*v>{*text}</option> }).collect_view()}
            </select>
        </div>
    }
}
