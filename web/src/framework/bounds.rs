//! The property the registry's test holds every widget to: no valid state, however a link
//! writes it, asks more of the page's own thread than may start by itself there, and opening any
//! of them returns. States are drawn by changing the worked example's fields at random to values
//! a stranger might write (zero, negative, huge, long, repeated), and keeping those the state's
//! own validation accepts.

use frontier_base::rng::SplitMix64;
use frontier_base::work::{Work, LAPTOP_FLOP_PER_S, MAIN_THREAD_AUTO_START_S};
use frontier_state::WidgetState;
use serde_json::Value;

use super::widget::Widget;

/// The most memory opening a state may hold on the page.
pub const PAGE_BYTES_LIMIT: u64 = 256 << 20;

/// Numbers a link could carry in place of any number.
const NUMBERS: [f64; 16] = [0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 7.0, 64.0, 1e3, 1e4, 1e5, 1e6, 1e9, 1e15, 1e18, 1.8e19];

/// A random change of one JSON value: numbers from [`NUMBERS`] or scaled, strings emptied or
/// repeated, flags flipped, lists repeated.
fn mutate(value: &Value, rng: &mut SplitMix64, rate: f64) -> Value {
    let change = rng.next_f64() < rate;
    match value {
        Value::Number(n) if change => {
            let original = n.as_f64().unwrap_or(0.0);
            let v = if rng.next_f64() < 0.5 {
                NUMBERS[rng.index(NUMBERS.len())]
            } else {
                original * 10f64.powi(rng.index(7) as i32)
            };
            if n.is_f64() {
                serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
            } else if v >= 0.0 && v < u64::MAX as f64 {
                Value::from(v as u64)
            } else {
                Value::from(v as i64)
            }
        }
        Value::String(s) if change => Value::String(match rng.index(4) {
            0 => String::new(),
            1 => s.repeat(1 + rng.index(64)),
            2 => "9".repeat(1 + rng.index(1 << 12)),
            // Grown to 2^10 … 2^21 bytes, so some states sit at a field's validated maximum.
            _ => {
                let len = 1 << (10 + rng.index(12));
                let unit = if s.is_empty() { "x" } else { s.as_str() };
                let mut grown = unit.repeat(len / unit.len() + 1);
                grown.truncate((0..=len).rev().find(|&i| grown.is_char_boundary(i)).unwrap_or(0));
                grown
            }
        }),
        Value::Bool(b) if change => Value::Bool(!b),
        Value::Array(items) => {
            let mut out: Vec<Value> = items.iter().map(|v| mutate(v, rng, rate)).collect();
            if change && !items.is_empty() {
                let times = 1 + rng.index(300);
                out = out.iter().cycle().take(items.len() * times).cloned().collect();
            }
            Value::Array(out)
        }
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), mutate(v, rng, rate))).collect()),
        other => other.clone(),
    }
}

/// Up to `tries` valid states drawn from the worked example, with `seed`.
pub fn arbitrary_states<W: Widget>(tries: usize, seed: u64) -> Vec<W::State> {
    let Ok(example) = serde_json::to_value(W::example()) else { return Vec::new() };
    let mut rng = SplitMix64::new(seed);
    (0..tries)
        .filter_map(|i| {
            let rate = [0.05, 0.2, 0.5][i % 3];
            let value = mutate(&example, &mut rng, rate);
            let state: W::State = serde_json::from_value(value).ok()?;
            state.validate().ok().map(|()| state)
        })
        .collect()
}

/// The problems of one widget under the property: states over the page's budget, and (through a
/// panic) states whose opening fails. `open` runs the `open_each` costliest states and a few
/// others.
pub fn problems<W: Widget>(tries: usize, seed: u64, open_each: usize) -> (Vec<String>, usize, Work) {
    let id = W::META.id;
    let limit_flop = MAIN_THREAD_AUTO_START_S * LAPTOP_FLOP_PER_S;
    let mut states = arbitrary_states::<W>(tries, seed);
    states.push(W::example());
    let mut out = Vec::new();
    let mut worst = Work { flop: 0.0, bytes: 0 };
    let mut by_cost: Vec<(f64, usize)> = Vec::new();
    for (i, s) in states.iter().enumerate() {
        let w = W::page_work(s);
        if !(w.flop.is_finite() && w.flop <= limit_flop && w.bytes <= PAGE_BYTES_LIMIT) {
            let text = serde_json::to_string(s).unwrap_or_default();
            let short: String = text.chars().take(300).collect();
            out.push(format!("{id}: {} and {} bytes on the page's thread for {short}", w.describe(), w.bytes));
        }
        if w.flop > worst.flop {
            worst = w;
        }
        by_cost.push((w.flop, i));
    }
    by_cost.sort_by(|a, b| b.0.total_cmp(&a.0));
    let costly = by_cost.iter().take(open_each).map(|&(_, i)| i);
    let spread = (0..states.len()).step_by((states.len() / open_each.max(1)).max(1));
    for i in costly.chain(spread) {
        W::open_natively(&states[i]);
    }
    (out, states.len(), worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_change_values_and_keep_shapes() {
        let value = serde_json::json!({ "n": 3, "x": 0.5, "s": "ab", "b": true, "list": [1, 2] });
        let mut rng = SplitMix64::new(1);
        let same = mutate(&value, &mut rng, 0.0);
        assert_eq!(same, value);
        let changed = mutate(&value, &mut rng, 1.0);
        assert_ne!(changed, value);
        assert!(changed["list"].as_array().is_some_and(|l| l.len() >= 2));
        assert!(changed["b"] == Value::Bool(false));
    }
}
