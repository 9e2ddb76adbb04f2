//! Long traces for benchmarks: GSM8K-style lines with numbers varied by a counter, about one
//! line in eight carrying a slip, so every detector has work to do. The same text natively and
//! in wasm, so their timings compare.

const TEMPLATES: [&str; 8] = [
    "She buys {a} boxes at ${b} each, so she pays {a} x {b} = ${ab}.",
    "Each box holds {b} apples and there are {a} boxes, so they hold {a} * {b} = {ab} apples.",
    "Together that is {a} + {b} = {apb} items, and <<{a}+{b}={apb}>>{apb} in all.",
    "Tom has {a} apples.",
    "The discount is 25% of ${c} = ${quarter}.",
    "So he has {a} left because {apb} - {b} = {a}.",
    "$\\frac{{{ab}}}{{{b}}} = {a}$ per box, since {b} \\cdot {a} = {ab}.",
    "Then {a} x {b} = {wrong} (a slip), and at 9:30 the shop closes.",
];

/// A trace of about `target_bytes` bytes (whole lines), the same for the same size.
pub fn long_trace(target_bytes: usize) -> String {
    let mut out = String::with_capacity(target_bytes + 128);
    let mut i: u64 = 0;
    while out.len() < target_bytes {
        let a = 2 + i % 97;
        let b = 3 + (i * 7) % 89;
        let c = 4 * (10 + i % 50);
        let line = TEMPLATES[(i % 8) as usize]
            .replace("{ab}", &(a * b).to_string())
            .replace("{apb}", &(a + b).to_string())
            .replace("{quarter}", &(c / 4).to_string())
            .replace("{wrong}", &(a * b + 1).to_string())
            .replace("{a}", &a.to_string())
            .replace("{b}", &b.to_string())
            .replace("{c}", &c.to_string())
            .replace("{{", "{")
            .replace("}}", "}");
        out.push_str(&line);
        out.push('\n');
        i += 1;
    }
    out
}

/// Real traces (the labeled corpus's, say) repeated, one after another, to about `target_bytes`.
pub fn repeated(traces: &[&str], target_bytes: usize) -> String {
    let mut out = String::with_capacity(target_bytes + 4096);
    if traces.iter().all(|t| t.is_empty()) {
        return out;
    }
    while out.len() < target_bytes {
        for t in traces {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, FindingType, Options};

    #[test]
    fn one_line_in_eight_is_a_slip_and_tom_keeps_changing_his_mind() {
        let trace = long_trace(10_000);
        let lines = trace.lines().count();
        let analysis = analyze(&trace, None, Options::default());
        assert_eq!(analysis.count(FindingType::ArithmeticError), lines / 8);
        // "Tom has N apples." with a new N each time: the two-values detector has work too.
        assert!(analysis.count(FindingType::SelfContradiction) > lines / 16);
    }
}
