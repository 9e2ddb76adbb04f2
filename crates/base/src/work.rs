//! How much work an analysis asks for, estimated from its settings before it starts, and what
//! may start without a click. A link or an embed written by a stranger can carry any settings:
//! what would keep a reader's machine busy for long waits until the reader asks for it.

/// What a mid-range laptop computes per second in this site's WebAssembly on one thread, for
/// dense float work: the SAE step reaches 11–14 GFLOP/s on one server core here (`cargo xtask
/// bench sae`); a laptop core, often on battery, manages about a third of that.
pub const LAPTOP_FLOP_PER_S: f64 = 4e9;

/// Seconds of work that may start by itself in a Web Worker, where it shows progress and can be
/// paused or cancelled: enough for the SAE lab's worked example (about 8 s at the rate above).
pub const WORKER_AUTO_START_S: f64 = 10.0;

/// Seconds of work that may start by itself on the page's own thread, where nothing else can
/// happen meanwhile.
pub const MAIN_THREAD_AUTO_START_S: f64 = 1.0;

/// An estimate of the work an analysis asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Work {
    /// Floating-point operations (multiply-adds count two).
    pub flop: f64,
    /// The most memory it holds at once.
    pub bytes: u64,
}

impl Work {
    /// Seconds on a mid-range laptop's CPU at [`LAPTOP_FLOP_PER_S`].
    pub fn laptop_seconds(&self) -> f64 {
        self.flop / LAPTOP_FLOP_PER_S
    }

    /// Whether it may start without a click: never in an embed (a reader scrolling a blog post
    /// asked for nothing), otherwise within the budget of where it runs.
    pub fn starts_by_itself(&self, in_worker: bool, embedded: bool) -> bool {
        let budget = if in_worker { WORKER_AUTO_START_S } else { MAIN_THREAD_AUTO_START_S };
        !embedded && self.laptop_seconds() <= budget
    }

    /// "about 8 s on a mid-range laptop (31.5 GFLOP)".
    pub fn describe(&self) -> String {
        let seconds = self.laptop_seconds();
        let time = if seconds < 1.0 {
            "under a second".to_string()
        } else if seconds < 90.0 {
            format!("about {seconds:.0} s")
        } else if seconds < 5400.0 {
            format!("about {:.0} minutes", seconds / 60.0)
        } else if seconds < 172_800.0 {
            format!("about {:.0} hours", seconds / 3600.0)
        } else {
            format!("about {:.0} days", seconds / 86_400.0)
        };
        format!("{time} on a mid-range laptop ({})", flop_text(self.flop))
    }
}

/// "31.5 GFLOP", "2.0 TFLOP".
pub fn flop_text(flop: f64) -> String {
    let units = [(1e15, "PFLOP"), (1e12, "TFLOP"), (1e9, "GFLOP"), (1e6, "MFLOP")];
    units
        .iter()
        .find(|(scale, _)| flop >= *scale)
        .map_or_else(|| format!("{flop:.0} FLOP"), |(scale, unit)| format!("{:.1} {unit}", flop / scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_and_descriptions() {
        // 31.5 GFLOP (the SAE example) is 7.9 s at 4 GFLOP/s: it may start in a worker only.
        let example = Work { flop: 31.5e9, bytes: 0 };
        assert!((example.laptop_seconds() - 7.875).abs() < 1e-12);
        assert!(example.starts_by_itself(true, false));
        assert!(!example.starts_by_itself(false, false));
        assert!(!example.starts_by_itself(true, true), "an embed never starts it");
        assert_eq!(example.describe(), "about 8 s on a mid-range laptop (31.5 GFLOP)");
        assert!(Work { flop: 1e3, bytes: 0 }.starts_by_itself(false, false));
        assert!(!Work { flop: 1e3, bytes: 0 }.starts_by_itself(false, true));
        assert_eq!(Work { flop: 3.6e15, bytes: 0 }.describe(), "about 10 days on a mid-range laptop (3.6 PFLOP)");
        assert_eq!(Work { flop: 1.2e13, bytes: 0 }.describe(), "about 50 minutes on a mid-range laptop (12.0 TFLOP)");
    }
}
