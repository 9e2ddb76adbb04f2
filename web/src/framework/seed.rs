//! "New seed": every seeded widget can draw a fresh seed from the browser's randomness
//! (`crypto.getRandomValues`, through getrandom's wasm_js backend). The seed goes into the state,
//! and so into the link: whatever a reader sees stays reproducible. Core crates never draw seeds.

use leptos::prelude::*;

/// A seed uniform in `0..below` (the bias of the remainder is below `below / 2^64`).
pub fn draw_seed(below: u64) -> Result<u64, String> {
    let bits = getrandom::u64().map_err(|e| format!("the browser gave no random numbers ({e})"))?;
    Ok(bits % below.max(1))
}

/// A "New seed" button beside a widget's seed field.
#[component]
pub fn NewSeed(
    /// The seed field's id; the button is `<id>-new` for tests.
    id: &'static str,
    /// Seeds are drawn below this, so that they fit the field's range and stay short in links.
    below: u64,
    on_seed: Callback<u64>,
) -> impl IntoView {
    let failure = RwSignal::new(None::<String>);
    let draw = move |_| match draw_seed(below) {
        Ok(seed) => {
            failure.set(None);
            on_seed.run(seed);
        }
        Err(e) => failure.set(Some(e)),
    };
    view! {
        <button type="button" class="new-seed" data-testid=format!("{id}-new") on:click=draw>"New seed"</button>
        {move || failure.get().map(|e| view! { <span class="error" role="alert">{e}</span> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_fall_below_the_bound() {
        for below in [1, 7, 1000] {
            let seeds: Vec<u64> = (0..200).filter_map(|_| draw_seed(below).ok()).collect();
            assert_eq!(seeds.len(), 200);
            assert!(seeds.iter().all(|&s| s < below));
        }
        // 200 draws below 1000 that all agree would mean the source is not random at all.
        let seeds: std::collections::BTreeSet<u64> = (0..200).filter_map(|_| draw_seed(1000).ok()).collect();
        assert!(seeds.len() > 100, "{} distinct seeds of 200", seeds.len());
    }
}
