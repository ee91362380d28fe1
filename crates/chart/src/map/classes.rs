//! Quantile classes: each class holds about as many areas as the next, so a
//! map of skewed figures (a few large buurten) still shows contrast. Equal
//! values always share a class, so there may be fewer than five.

use wijkregie_core::population::Number;

/// The number of classes a map aims for: five steps are told apart reliably
/// in a sequential palette and in textures.
pub const CLASSES: usize = 5;

/// One class: the lowest and highest value that fell into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class {
    pub low: Number,
    pub high: Number,
    pub count: usize,
}

impl Class {
    /// "12,5 – 14" or, for a class of one value, "12,5".
    pub fn range_text(&self) -> String {
        if self.low == self.high {
            self.low.to_string()
        } else {
            format!("{} – {}", self.low, self.high)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classes {
    pub classes: Vec<Class>,
    pub unknown: usize,
}

impl Classes {
    /// The class a value falls into; `None` for an unknown value.
    pub fn class_of(&self, value: Option<Number>) -> Option<usize> {
        let v = value?;
        Some(self.classes.iter().position(|c| v <= c.high).unwrap_or(self.classes.len().saturating_sub(1)))
    }
}

/// Splits the known values into at most [`CLASSES`] quantile classes.
pub fn classify(values: &[Option<Number>]) -> Classes {
    let mut known: Vec<Number> = values.iter().flatten().copied().collect();
    known.sort_unstable();
    let unknown = values.len() - known.len();
    let n = known.len();
    let mut classes: Vec<Class> = Vec::new();
    let mut start = 0;
    for k in 1..=CLASSES {
        if start >= n {
            break;
        }
        // The class ends at its quantile, and runs on over values equal to
        // its last one so that equal values never straddle two classes.
        let mut end = (k * n).div_ceil(CLASSES).max(start + 1);
        while end < n && known[end] == known[end - 1] {
            end += 1;
        }
        classes.push(Class { low: known[start], high: known[end - 1], count: end - start });
        start = end;
    }
    Classes { classes, unknown }
}
