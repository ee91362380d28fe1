//! Numbers as a Dutch reader expects them: a dot between thousands and a
//! comma before decimals (`10.000`, `12,5`). Pages, charts, maps, downloads
//! and the CLI all use these, so one figure reads the same everywhere.

/// `n` with a dot between thousands: `10.000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A count with its noun in proper Dutch: `1 probleem`, `3 problemen`,
/// `1.204 regels`; never "probleem/problemen".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `x` rounded to `decimals`, with Dutch separators. A value that rounds to
/// zero is shown without a minus sign; what is not a number shows as "–".
pub fn decimal(x: f64, decimals: u8) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let fixed = format!("{:.*}", usize::from(decimals), x.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let whole: u64 = whole.parse().unwrap_or(u64::MAX);
    let mut out = String::new();
    if x < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    out.push_str(&thousands(whole));
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_take_the_singular_only_for_one() {
        assert_eq!(super::count(1, "probleem", "problemen"), "1 probleem");
        assert_eq!(super::count(0, "probleem", "problemen"), "0 problemen");
        assert_eq!(super::count(12_000, "netwerk", "netwerken"), "12.000 netwerken");
    }

    use super::*;

    #[test]
    fn thousands_use_dots() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10.000");
        assert_eq!(thousands(1_234_567), "1.234.567");
    }

    #[test]
    fn dots_between_thousands_and_a_decimal_comma() {
        assert_eq!(decimal(10_000.0, 0), "10.000");
        assert_eq!(decimal(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(decimal(12.5, 1), "12,5");
        assert_eq!(decimal(0.26, 1), "0,3");
        assert_eq!(decimal(-1500.0, 0), "-1.500");
        assert_eq!(decimal(-0.01, 1), "0,0");
        assert_eq!(decimal(999.96, 1), "1.000,0");
        assert_eq!(decimal(f64::NAN, 1), "–");
    }
}
