//! The value axis: round ticks in steps of 1, 2 or 5 times a power of ten,
//! from zero (or a lower round number) to the first tick at or above the
//! largest value, so no bar pokes out of the grid.

use wijkregie_core::format::decimal;

/// About this many intervals between ticks: enough to read a bar's height,
/// few enough that labels do not crowd.
const TARGET_INTERVALS: f64 = 5.0;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    /// Decimals the step needs, so 0,5 is not shown as 1.
    pub decimals: u8,
}

impl Scale {
    /// A scale covering `lo..=hi`. Counts (`whole`) never get a step below 1.
    pub fn nice(lo: f64, hi: f64, whole: bool) -> Self {
        let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi >= lo { (lo, hi) } else { (0.0, 0.0) };
        let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) };
        let raw = span / TARGET_INTERVALS;
        let power = 10f64.powf(raw.log10().floor());
        let step =
            [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * power);
        let step = if whole { step.max(1.0) } else { step };
        // The small slack keeps 0,3 / 0,1 = 2,9999… from adding a tick.
        let lo_tick = (lo / step + 1e-9).floor() * step;
        let mut hi_tick = (hi / step - 1e-9).ceil() * step;
        if hi_tick <= lo_tick {
            hi_tick = lo_tick + step;
        }
        let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as u8 };
        Self { lo: lo_tick, hi: hi_tick, step, decimals }
    }

    pub fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=n).map(|k| self.lo + k as f64 * self.step).collect()
    }

    pub fn label(&self, v: f64) -> String {
        decimal(v, self.decimals)
    }

    /// Where `v` falls between 0 (at `lo`) and 1 (at `hi`).
    pub fn fraction(&self, v: f64) -> f64 {
        (v - self.lo) / (self.hi - self.lo)
    }
}

#[cfg(test)]
mod tests {
    use super::Scale;

    fn is_nice(step: f64) -> bool {
        let mantissa = step / 10f64.powf(step.log10().floor());
        [1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9)
    }

    #[test]
    fn ticks_are_round_and_cover_the_largest_value() {
        for max in [1u64, 3, 4, 7, 10, 11, 48, 49, 50, 51, 99, 101, 333, 999, 1000, 1001, 12_345, 987_654] {
            let s = Scale::nice(0.0, max as f64, true);
            let ticks = s.ticks();
            assert_eq!(ticks[0], 0.0);
            assert!(*ticks.last().unwrap() >= max as f64, "{max}: {ticks:?}");
            assert!(ticks.len() >= 2 && ticks.len() <= 11, "{max}: {ticks:?}");
            assert!(is_nice(s.step), "{max}: step {}", s.step);
            // No spare tick: the one below the top would not have covered max.
            assert!(ticks[ticks.len() - 2] < max as f64, "{max}: {ticks:?}");
        }
        assert_eq!(Scale::nice(0.0, 48.0, true).ticks(), [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(Scale::nice(0.0, 7.0, true).ticks(), [0.0, 2.0, 4.0, 6.0, 8.0]);
    }

    #[test]
    fn counts_never_step_below_one_but_fractions_do() {
        assert_eq!(Scale::nice(0.0, 2.0, true).ticks(), [0.0, 1.0, 2.0]);
        let s = Scale::nice(0.0, 0.3, false);
        assert!((s.step - 0.1).abs() < 1e-12);
        assert_eq!(s.ticks().iter().map(|t| s.label(*t)).collect::<Vec<_>>(), ["0,0", "0,1", "0,2", "0,3"]);
    }

    #[test]
    fn an_empty_range_still_has_an_axis() {
        assert_eq!(Scale::nice(0.0, 0.0, true).ticks(), [0.0, 1.0]);
        assert_eq!(Scale::nice(f64::NAN, 3.0, false).ticks().len(), 2);
    }

    #[test]
    fn a_range_below_zero_gets_a_round_lower_end() {
        let s = Scale::nice(-12.0, 30.0, false);
        assert_eq!((s.lo, s.hi, s.step), (-20.0, 30.0, 10.0));
    }
}
