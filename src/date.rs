//! Calendar months and the scenario clock.
//!
//! The model works in whole months: every date in a scenario is written `"YYYY-MM"` (for example
//! `"2009-02"`, the month Kyrgyzstan ordered Manas closed). A scenario advances by a fixed
//! [`Period`] — a month, a quarter or a year — and an event dated inside a step's span takes
//! effect in that step.

use std::fmt;

/// A calendar month, stored as months since year 0 so that comparisons and arithmetic are cheap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth(i32);

impl YearMonth {
    /// The month `month` (1–12) of `year`. Returns `None` for a month outside 1–12.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        if (1..=12).contains(&month) {
            Some(Self(year * 12 + month as i32 - 1))
        } else {
            None
        }
    }

    /// Parses `"YYYY-MM"`. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.split_once('-')?;
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || m.len() != 2 || !digits(y) || !digits(m) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        Self::new(year, month)
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month of the year, 1–12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// This month plus `months` (which may be negative).
    pub fn plus_months(self, months: i32) -> Self {
        Self(self.0 + months)
    }

    /// Whole months from `earlier` to `self` (negative when `self` is earlier).
    pub fn months_since(self, earlier: Self) -> i32 {
        self.0 - earlier.0
    }

    /// The date as a fractional year (the middle of the month), for plotting.
    pub fn as_year_fraction(self) -> f64 {
        self.year() as f64 + (self.month() as f64 - 0.5) / 12.0
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// How far the clock moves in one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// One month per step.
    Month,
    /// Three months per step.
    Quarter,
    /// Twelve months per step.
    Year,
}

impl Period {
    /// Months in one step.
    pub fn months(self) -> i32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
        }
    }

    /// One step as a fraction of a year; annual rates are scaled by this.
    pub fn years(self) -> f64 {
        self.months() as f64 / 12.0
    }

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        let d = YearMonth::parse("2009-02").unwrap();
        assert_eq!((d.year(), d.month()), (2009, 2));
        assert_eq!(d.to_string(), "2009-02");
        assert_eq!(d.plus_months(11).to_string(), "2010-01");
    }

    #[test]
    fn rejects_malformed_dates() {
        for bad in [
            "2009-13", "2009-00", "09-02", "2009/02", "2009-2", "abcd-ef", "",
        ] {
            assert!(YearMonth::parse(bad).is_none(), "{bad} should not parse");
        }
    }
}
