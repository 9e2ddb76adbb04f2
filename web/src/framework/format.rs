//! Number formatting for display: engineering suffixes, money, percentages.

/// `3.29e24`-style for huge or tiny values, plain with separators otherwise.
pub fn sci(value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    let abs = value.abs();
    if abs != 0.0 && !(1e-3..1e7).contains(&abs) {
        let s = format!("{value:.3e}");
        // Rust writes 3.286e24; keep it, but trim a trailing ".000" mantissa.
        s.replace(".000e", "e")
    } else if abs >= 1000.0 {
        thousands(value.round())
    } else {
        trim(format!("{value:.4}"))
    }
}

/// `37B`, `14.8T`, `2.05k`: short forms for parameters and tokens.
pub fn short(value: f64) -> String {
    let abs = value.abs();
    let (div, suffix) = match abs {
        a if a >= 1e15 => (1e15, "P"),
        a if a >= 1e12 => (1e12, "T"),
        a if a >= 1e9 => (1e9, "B"),
        a if a >= 1e6 => (1e6, "M"),
        a if a >= 1e4 => (1e3, "k"),
        _ => (1.0, ""),
    };
    format!("{}{suffix}", trim(format!("{:.3}", value / div)))
}

/// `$5,406,720` for large amounts, cents for small ones.
pub fn usd(value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    if value.abs() >= 1e9 {
        format!("${}B", trim(format!("{:.2}", value / 1e9)))
    } else if value.abs() >= 100.0 {
        format!("${}", thousands(value.round()))
    } else {
        format!("${value:.2}")
    }
}

pub fn percent(fraction: f64) -> String {
    format!("{:.1} %", fraction * 100.0)
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}
