//! Numbers as a Dutch reader expects them: a dot between thousands, a comma
//! before decimals (10.000 and 12,5).

/// `x` rounded to `decimals`, with Dutch separators. A value that rounds to
/// zero is shown without a minus sign.
pub fn dutch_number(x: f64, decimals: u8) -> String {
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
    out.push_str(&crate::pages::thousands(whole));
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::dutch_number;

    #[test]
    fn dots_between_thousands_and_a_decimal_comma() {
        assert_eq!(dutch_number(10_000.0, 0), "10.000");
        assert_eq!(dutch_number(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(dutch_number(12.5, 1), "12,5");
        assert_eq!(dutch_number(0.26, 1), "0,3");
        assert_eq!(dutch_number(-1500.0, 0), "-1.500");
        assert_eq!(dutch_number(-0.01, 1), "0,0");
        assert_eq!(dutch_number(999.96, 1), "1.000,0");
    }
}
