//! Weekday and calendar arithmetic ("If Tuesday is 2 days after event X, when was X?", "What date
//! is 2 days after 2024-02-28?"). Weekdays step with `rem_euclid(7)`; dates go through day numbers
//! ([`super::calendar`]), so month lengths and leap years are exact. Start dates lean towards the
//! ends of February and of the year, and towards 1900, 2000 and 2100, where mistakes are made.

use super::calendar::{Date, WEEKDAYS};
use super::rng::SplitMix64;

/// Years where the leap rules matter, drawn for half of the date items.
const TRICKY_YEARS: [i64; 10] = [1900, 2000, 2100, 2024, 2023, 1996, 2020, 1800, 2400, 1999];

fn days(n: u64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// A count of days: small mostly, sometimes up to `max`.
fn day_count(rng: &mut SplitMix64, max: u64) -> u64 {
    if rng.chance(3, 4) {
        rng.between(1, 10)
    } else {
        rng.between(11, max)
    }
}

fn start_date(rng: &mut SplitMix64) -> Date {
    let year =
        if rng.chance(1, 2) { TRICKY_YEARS[rng.index(TRICKY_YEARS.len())] } else { rng.between(1800, 2200) as i64 };
    let month = match rng.below(4) {
        0 => 2,
        1 => 12,
        2 => 3,
        _ => rng.between(1, 12) as u32,
    };
    let last = super::calendar::days_in_month(year, month);
    let day = if rng.chance(2, 3) { last - rng.below(3) as u32 } else { rng.between(1, u64::from(last)) as u32 };
    Date::new(year, month, day).unwrap_or(Date::EPOCH)
}

/// (prompt, answer) for one item.
pub(super) fn make(rng: &mut SplitMix64) -> (String, String) {
    match rng.below(4) {
        0 => {
            let day = rng.index(7);
            let n = day_count(rng, 100);
            if rng.chance(2, 3) {
                let answer = (day as i64 - n as i64).rem_euclid(7) as usize;
                let prompt =
                    format!("If {} is {} after event X, on what day of the week was event X?", WEEKDAYS[day], days(n));
                (prompt, WEEKDAYS[answer].to_string())
            } else {
                let answer = (day as i64 + n as i64).rem_euclid(7) as usize;
                let prompt =
                    format!("If {} is {} before event X, on what day of the week is event X?", WEEKDAYS[day], days(n));
                (prompt, WEEKDAYS[answer].to_string())
            }
        }
        1 => {
            let day = rng.index(7);
            let n = day_count(rng, 1000);
            let after = rng.chance(1, 2);
            let answer = (day as i64 + if after { n as i64 } else { -(n as i64) }).rem_euclid(7) as usize;
            let prompt = if after {
                format!("What day of the week is it {} after a {}?", days(n), WEEKDAYS[day])
            } else {
                format!("What day of the week was it {} before a {}?", days(n), WEEKDAYS[day])
            };
            (prompt, WEEKDAYS[answer].to_string())
        }
        2 => {
            let start = start_date(rng);
            let n = day_count(rng, 400);
            let after = rng.chance(1, 2);
            let shift = if after { n as i64 } else { -(n as i64) };
            let answer = start.add_days(shift).unwrap_or(start);
            let direction = if after { "after" } else { "before" };
            let prompt = format!("What date is {} {direction} {}? Answer as YYYY-MM-DD.", days(n), start.iso());
            (prompt, answer.iso())
        }
        _ => {
            let year = rng.between(1900, 2100) as i64;
            let month = rng.between(1, 12) as u32;
            let day = rng.between(1, u64::from(super::calendar::days_in_month(year, month))) as u32;
            let date = Date::new(year, month, day).unwrap_or(Date::EPOCH);
            let shown = if rng.chance(1, 2) { date.long() } else { date.iso() };
            let prompt = format!("What day of the week was {shown}?");
            (prompt, date.weekday_name().to_string())
        }
    }
}
