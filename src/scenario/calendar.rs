//! Dates of the proleptic Gregorian calendar for scenarios whose turns are days or
//! weeks: day counts to and from (year, month, day), after Howard Hinnant's
//! `days_from_civil` and `civil_from_days` (exact for every `i64` year we can meet).

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `z` days after 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The date `days` after (`y`, `m`, `d`); a day past the month's end counts on.
pub fn add_days(y: i64, m: u32, d: u32, days: i64) -> (i64, u32, u32) {
    civil_from_days(days_from_civil(y, m, d).saturating_add(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_cross_months_years_and_leap_days() {
        assert_eq!(add_days(1962, 10, 16, 0), (1962, 10, 16));
        assert_eq!(add_days(1962, 10, 16, 16), (1962, 11, 1));
        assert_eq!(add_days(1962, 12, 30, 7), (1963, 1, 6));
        assert_eq!(add_days(2016, 2, 28, 1), (2016, 2, 29));
        assert_eq!(add_days(2015, 2, 28, 1), (2015, 3, 1));
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
    }
}
