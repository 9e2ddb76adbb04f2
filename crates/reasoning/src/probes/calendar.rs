//! Proleptic Gregorian dates as day numbers, after Howard Hinnant's `days_from_civil` and
//! `civil_from_days` ("chrono-Compatible Low-Level Date Algorithms"): day 0 is 1970-01-01, and a
//! date is plus or minus any number of days by plain integer addition. Leap years: divisible by
//! 4, except centuries, except those divisible by 400 (1900 is not leap, 2000 is, 2100 is not).

use serde::Serialize;

pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Years this module accepts: far beyond any probe, small enough that day numbers never overflow.
pub const MIN_YEAR: i64 = -1_000_000;
pub const MAX_YEAR: i64 = 1_000_000;

pub fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A valid calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    year: i64,
    month: u32,
    day: u32,
}

impl Date {
    /// 1970-01-01, day 0.
    pub const EPOCH: Date = Date { year: 1970, month: 1, day: 1 };

    /// `None` unless the date exists (month 1–12, day within the month, year within limits).
    pub fn new(year: i64, month: u32, day: u32) -> Option<Self> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=days_in_month(year, month)).contains(&day);
        valid.then_some(Self { year, month, day })
    }

    pub fn year(self) -> i64 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    pub fn from_days_since_epoch(days: i64) -> Option<Self> {
        let (year, month, day) = civil_from_days(days);
        Self::new(year, month, day)
    }

    /// The date `days` later (earlier when negative); `None` past the year limits.
    pub fn add_days(self, days: i64) -> Option<Self> {
        Self::from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }

    /// 0 = Monday … 6 = Sunday. 1970-01-01 was a Thursday (3).
    pub fn weekday(self) -> usize {
        (self.days_since_epoch() + 3).rem_euclid(7) as usize
    }

    pub fn weekday_name(self) -> &'static str {
        WEEKDAYS[self.weekday()]
    }

    /// `2024-03-01`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `March 1, 2024`.
    pub fn long(self) -> String {
        let month = MONTHS.get(self.month as usize - 1).copied().unwrap_or("?");
        format!("{month} {}, {}", self.day, self.year)
    }
}

/// Days from 1970-01-01 to the given date (Hinnant). Valid for any month 1–12 and day 1–31.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400; // 0..=399
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1; // 0..=365
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year; // 0..=146096
    era * 146_097 + day_of_era - 719_468
}

/// The (year, month, day) of a day number (Hinnant), inverse of [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097; // 0..=146096
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153; // March = 0
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let start = days_from_civil(1899, 1, 1);
        for days in start..start + 146_097 + 400 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!(Date::new(y, m, d).is_some(), "{y}-{m}-{d}");
        }
    }

    #[test]
    fn epoch_and_leap_rules() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert!(!is_leap_year(1900) && is_leap_year(2000) && !is_leap_year(2100) && is_leap_year(2024));
        assert_eq!(Date::new(2023, 2, 29), None);
    }
}
