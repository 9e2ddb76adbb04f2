//! The long computation under debate: `steps` applications of x ↦ (a·x + c) mod m.
//!
//! The map is affine, so k steps compose into one affine map; raising it to the k-th power by
//! squaring gives x_t in O(log t) (`jump`), which is what makes a debate over 2^20 steps
//! instant in the page. The plain loop (`state_at`) is kept as the reference the jump is
//! tested against, and as the "direct verification" cost the counters compare with.

use serde::{Deserialize, Serialize};

use super::{seeded, DebateError};

/// 2^31 − 1, a prime: every state prints as a ten-digit number at most.
pub const DEFAULT_MODULUS: u64 = (1 << 31) - 1;
/// Park and Miller's MINSTD multiplier; any multiplier coprime to the modulus would do.
pub const DEFAULT_MULTIPLIER: u64 = 48_271;
/// A nonzero increment, so 0 is not a fixed point.
pub const DEFAULT_INCREMENT: u64 = 1;
/// The issue's N = 2^20.
pub const DEFAULT_STEPS: u64 = 1 << 20;
/// The largest N: the plain loop still runs in well under a second, and rounds stay ≤ 26.
pub const MAX_STEPS: u64 = 1 << 26;
/// States stay below 2^53 so that JavaScript numbers hold them exactly in the page's JSON.
pub const MAX_MODULUS: u64 = 1 << 53;

/// Where the seed's stream for x0 starts (each use of the seed has its own stream).
const X0_STREAM: u64 = 0x7830;

/// x_{t+1} = (a·x_t + c) mod m from x_0 for `steps` steps. The fields are private so that a
/// `Computation` is always valid: m in 2..=2^53, a coprime to m (so the map is a bijection and
/// two trajectories that differ once differ forever), and a, c, x0 below m.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawComputation")]
pub struct Computation {
    a: u64,
    c: u64,
    m: u64,
    x0: u64,
    steps: u64,
}

/// The unchecked form that JSON deserializes into before validation.
#[derive(Deserialize)]
struct RawComputation {
    a: u64,
    c: u64,
    m: u64,
    x0: u64,
    steps: u64,
}

impl TryFrom<RawComputation> for Computation {
    type Error = DebateError;

    fn try_from(r: RawComputation) -> Result<Self, DebateError> {
        Computation::new(r.a, r.c, r.m, r.x0, r.steps)
    }
}

/// x ↦ (mul·x + add) mod m.
#[derive(Debug, Clone, Copy)]
struct Affine {
    mul: u64,
    add: u64,
}

fn mul_mod(x: u64, y: u64, m: u64) -> u64 {
    ((x as u128 * y as u128) % m.max(1) as u128) as u64
}

fn add_mod(x: u64, y: u64, m: u64) -> u64 {
    ((x as u128 + y as u128) % m.max(1) as u128) as u64
}

fn gcd(mut x: u64, mut y: u64) -> u64 {
    while y != 0 {
        (x, y) = (y, x % y);
    }
    x
}

impl Computation {
    /// Checks every parameter; see the type's doc for the rules.
    pub fn new(a: u64, c: u64, m: u64, x0: u64, steps: u64) -> Result<Self, DebateError> {
        if !(2..=MAX_MODULUS).contains(&m) {
            return Err(DebateError::Modulus(m));
        }
        for (name, value) in [("a", a), ("c", c), ("x0", x0)] {
            if value >= m {
                return Err(DebateError::NotBelowModulus { name, value, m });
            }
        }
        if gcd(a, m) != 1 {
            return Err(DebateError::Multiplier { a, m });
        }
        if !(1..=MAX_STEPS).contains(&steps) {
            return Err(DebateError::Steps(steps));
        }
        Ok(Computation { a, c, m, x0, steps })
    }

    /// The default recurrence (MINSTD multiplier, c = 1, m = 2^31 − 1) from an x0 drawn from
    /// the seed.
    pub fn standard(steps: u64, seed: u64) -> Result<Self, DebateError> {
        let x0 = seeded(seed, X0_STREAM, 0).next_u64() % DEFAULT_MODULUS;
        Computation::new(DEFAULT_MULTIPLIER, DEFAULT_INCREMENT, DEFAULT_MODULUS, x0, steps)
    }

    pub fn a(&self) -> u64 {
        self.a
    }

    pub fn c(&self) -> u64 {
        self.c
    }

    pub fn m(&self) -> u64 {
        self.m
    }

    pub fn x0(&self) -> u64 {
        self.x0
    }

    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Rounds of a binary-search debate over all the steps in the worst case: ceil(log2 N).
    pub fn max_rounds(&self) -> u32 {
        max_rounds(self.steps)
    }

    /// One step: the only computation the judge ever does.
    pub fn step(&self, x: u64) -> u64 {
        add_mod(mul_mod(self.a, x, self.m), self.c, self.m)
    }

    /// f^k(x) in O(log k) by squaring the affine map: each squaring is two multiplications.
    pub fn jump(&self, x: u64, k: u64) -> u64 {
        let m = self.m;
        let mut base = Affine { mul: self.a % m, add: self.c % m };
        let mut x = x % m;
        let mut k = k;
        while k > 0 {
            if k & 1 == 1 {
                x = add_mod(mul_mod(base.mul, x, m), base.add, m);
            }
            // base ∘ base: x ↦ mul·(mul·x + add) + add.
            base = Affine {
                mul: mul_mod(base.mul, base.mul, m),
                add: add_mod(mul_mod(base.mul, base.add, m), base.add, m),
            };
            k >>= 1;
        }
        x
    }

    /// x_t by the plain loop, O(t): direct verification. Beyond `steps` the recurrence simply
    /// continues, computed by the jump so that no input can make this run for long.
    pub fn state_at(&self, t: u64) -> u64 {
        if t > self.steps {
            return self.state_at_fast(t);
        }
        (0..t).fold(self.x0, |x, _| self.step(x))
    }

    /// x_t in O(log t).
    pub fn state_at_fast(&self, t: u64) -> u64 {
        self.jump(self.x0, t)
    }

    /// x_N, the result the two debaters argue about.
    pub fn final_state(&self) -> u64 {
        self.state_at_fast(self.steps)
    }
}

/// ceil(log2 steps): 0 for one step (the judge checks it directly), 20 for 2^20.
pub fn max_rounds(steps: u64) -> u32 {
    if steps <= 1 {
        0
    } else {
        64 - (steps - 1).leading_zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_parameters_are_named() {
        assert_eq!(Computation::new(2, 0, 1, 0, 8), Err(DebateError::Modulus(1)));
        assert_eq!(Computation::new(2, 0, MAX_MODULUS + 1, 0, 8), Err(DebateError::Modulus(MAX_MODULUS + 1)));
        assert_eq!(Computation::new(4, 0, 8, 0, 8), Err(DebateError::Multiplier { a: 4, m: 8 }));
        assert_eq!(Computation::new(0, 0, 7, 0, 8), Err(DebateError::Multiplier { a: 0, m: 7 }));
        assert_eq!(Computation::new(3, 9, 7, 0, 8), Err(DebateError::NotBelowModulus { name: "c", value: 9, m: 7 }));
        assert_eq!(Computation::new(3, 1, 7, 0, 0), Err(DebateError::Steps(0)));
        assert_eq!(Computation::new(3, 1, 7, 0, MAX_STEPS + 1), Err(DebateError::Steps(MAX_STEPS + 1)));
        let text = DebateError::Multiplier { a: 4, m: 8 }.to_string();
        assert!(text.contains("coprime"), "{text}");
    }

    #[test]
    fn hand_computed_states_and_rounds() {
        // x ↦ 3x + 1 mod 7 from 2: 2, 0, 1, 4, 6, 5, 2, 0, 1.
        let c = Computation::new(3, 1, 7, 2, 8).unwrap_or_else(|e| panic!("{e}"));
        let states: Vec<u64> = (0..=8).map(|t| c.state_at(t)).collect();
        assert_eq!(states, [2, 0, 1, 4, 6, 5, 2, 0, 1]);
        assert_eq!(c.final_state(), 1);
        assert_eq!(c.state_at(20), c.state_at_fast(20));
        assert_eq!([1, 2, 3, 4, 5, 8, 9, 1 << 20, (1 << 20) + 1].map(max_rounds), [0, 1, 2, 2, 3, 3, 4, 20, 21]);
    }

    #[test]
    fn the_largest_modulus_does_not_overflow() {
        let m = MAX_MODULUS - 1; // odd, so any odd multiplier is coprime
        let c = Computation::new(m - 2, m - 1, m, m - 1, 1000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.state_at(1000), c.state_at_fast(1000));
        assert!(c.final_state() < m);
    }

    #[test]
    fn json_is_validated() {
        let ok: Result<Computation, _> = serde_json::from_str(r#"{"a":3,"c":1,"m":7,"x0":2,"steps":8}"#);
        assert_eq!(ok.map(|c| c.final_state()).ok(), Some(1));
        let bad: Result<Computation, _> = serde_json::from_str(r#"{"a":7,"c":1,"m":7,"x0":2,"steps":8}"#);
        assert!(bad.is_err());
    }
}
