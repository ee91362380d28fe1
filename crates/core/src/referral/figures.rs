//! Referral figures for coordinators and the region: per network, wijk,
//! pathway or month of sending, counted from anonymous facts only.
//!
//! Small numbers can point at a person in a small wijk, so counts of 1 to 4
//! are shown as "< 5" ([`SmallCount`]), and medians and shares computed from
//! fewer than five referrals are not shown at all ([`Statistic::TooFew`]).
//!
//! **Complementary disclosure.** A hidden cell can be worked out when its
//! total is known: a network's sent count minus its visible months, or the
//! rejected count minus the visible reasons. Every grouping adds up to the
//! same grand total (which a user sees as the total, or as the only row of
//! another grouping), so we protect each column of a grouping against its
//! total, and each row's reasons against its rejected count: while some
//! hidden cell could still be pinned to one exact value (given that "< 5"
//! means 1–4 and a secondarily hidden cell means 5 or more), the smallest
//! visible non-zero cell is hidden too and shown as "x" (CBS's sign for
//! "geheim"). What remains is interval knowledge ("between 1 and 4"), the
//! accepted standard. Not covered: combining a per-reason column across
//! rows with the per-row reason breakdowns (a two-way table); the reasons
//! are few and the rejected totals small, so we accept that residue rather
//! than run a full cell-suppression solver.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, Utc};
use serde::{Serialize, Serializer};

use super::{ReferralFacts, ReferralStatus, RejectionReason, Step};
use crate::clock::nl_time;
use crate::codes::Code;
use crate::date::MONTHS;
use crate::directory::Pathway;

/// Counts below this are not shown exactly; statistics need at least this many.
pub const SMALL_NUMBER_LIMIT: u32 = 5;

/// A count as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmallCount {
    /// Zero, or five or more.
    Exact(u32),
    /// One to four: shown as "< 5".
    Small,
    /// Hidden so that another small cell cannot be worked out from a total:
    /// shown as "x".
    Hidden,
}

impl SmallCount {
    pub fn of(n: u32) -> Self {
        if n == 0 || n >= SMALL_NUMBER_LIMIT {
            Self::Exact(n)
        } else {
            Self::Small
        }
    }

    /// The exact value, only when it may be shown.
    pub fn visible(self) -> Option<u32> {
        match self {
            Self::Exact(n) => Some(n),
            _ => None,
        }
    }
}

impl fmt::Display for SmallCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(n) => write!(f, "{n}"),
            Self::Small => f.write_str("< 5"),
            Self::Hidden => f.write_str("x"),
        }
    }
}

/// A number where it may be shown, the sign ("< 5", "x") where not: API
/// clients get the same answer as a page.
impl Serialize for SmallCount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Exact(n) => s.serialize_u32(*n),
            other => s.serialize_str(&other.to_string()),
        }
    }
}

/// A median or share, or nothing when too few referrals lie under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic<T> {
    Value(T),
    TooFew,
}

impl<T: fmt::Display> fmt::Display for Statistic<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(v) => v.fmt(f),
            Self::TooFew => f.write_str("te weinig"),
        }
    }
}

impl<T: Serialize> Serialize for Statistic<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(s),
            Self::TooFew => s.serialize_none(),
        }
    }
}

/// A share in thousandths: exact integers in data, percent on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PerMille(pub u32);

impl PerMille {
    /// `part / whole`, rounded half up; `None` for an empty whole.
    pub fn of(part: u32, whole: u32) -> Option<Self> {
        (whole > 0).then(|| Self(((u64::from(part) * 2000 + u64::from(whole)) / (2 * u64::from(whole))) as u32))
    }
}

impl fmt::Display for PerMille {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", (self.0 + 5) / 10)
    }
}

/// A calendar month, in Dutch local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn of(time: DateTime<Utc>) -> Self {
        let local = nl_time(time);
        Self { year: local.year(), month: local.month() }
    }

    pub fn label(self) -> String {
        format!("{} {}", MONTHS[(self.month - 1) as usize], self.year)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Network,
    Wijk,
    Pathway,
    /// Month of sending.
    Month,
}

/// What a row counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum GroupKey {
    Network(Code),
    Wijk(Option<Code>),
    Pathway(Option<Pathway>),
    Month(YearMonth),
    /// All referrals given.
    Total,
}

impl GroupKey {
    fn of(group_by: GroupBy, facts: &ReferralFacts) -> Self {
        match group_by {
            GroupBy::Network => Self::Network(facts.network.clone()),
            GroupBy::Wijk => Self::Wijk(facts.wijk.clone()),
            GroupBy::Pathway => Self::Pathway(facts.pathway),
            GroupBy::Month => Self::Month(YearMonth::of(facts.sent_at)),
        }
    }

    /// The row heading; names of networks and wijken are the caller's to look up.
    pub fn label(&self) -> String {
        match self {
            Self::Network(code) => code.to_string(),
            Self::Wijk(Some(code)) => code.to_string(),
            Self::Wijk(None) => "zonder wijk".into(),
            Self::Pathway(Some(p)) => p.label().into(),
            Self::Pathway(None) => "geen ketenaanpak".into(),
            Self::Month(m) => m.label(),
            Self::Total => "totaal".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureRow {
    pub key: GroupKey,
    pub sent: SmallCount,
    /// Ever accepted, including those completed since.
    pub accepted: SmallCount,
    pub completed: SmallCount,
    pub rejected: SmallCount,
    /// Per reason, in the order of [`RejectionReason::ALL`].
    pub rejection_reasons: Vec<(RejectionReason, SmallCount)>,
    /// From sending to the partner's decision (accept or reject), in hours.
    pub median_hours_to_reaction: Statistic<u32>,
    /// From sending to completion, in hours.
    pub median_hours_to_completion: Statistic<u32>,
    /// Of the referrals the partner closed (completed or rejected), the
    /// share closed with a message to the referrer.
    pub feedback_share: Statistic<PerMille>,
}

/// Rows of one grouping, sorted by key, and their total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub rows: Vec<FigureRow>,
    pub total: FigureRow,
}

/// Exact tallies of one group; never leave this module.
#[derive(Default)]
struct Tally {
    sent: u32,
    accepted: u32,
    completed: u32,
    rejected: u32,
    reasons: [u32; RejectionReason::ALL.len()],
    hours_to_reaction: Vec<u32>,
    hours_to_completion: Vec<u32>,
    closed_by_partner: u32,
    with_feedback: u32,
}

impl Tally {
    fn add(&mut self, f: &ReferralFacts) {
        let hours = |at: DateTime<Utc>| u32::try_from((at - f.sent_at).num_hours().max(0)).unwrap_or(u32::MAX);
        self.sent += 1;
        if f.history.iter().any(|c| c.step == Step::Accept) {
            self.accepted += 1;
        }
        match f.status {
            ReferralStatus::Completed => self.completed += 1,
            ReferralStatus::Rejected => self.rejected += 1,
            _ => {}
        }
        if let Some(reason) = f.rejection_reason() {
            let i = RejectionReason::ALL.iter().position(|r| *r == reason).expect("ALL lists every reason");
            self.reasons[i] += 1;
        }
        if let Some(at) = f.first_reaction_at() {
            self.hours_to_reaction.push(hours(at));
        }
        if let Some(at) = f.completed_at() {
            self.hours_to_completion.push(hours(at));
        }
        if let Some(feedback) = f.closed_with_feedback() {
            self.closed_by_partner += 1;
            self.with_feedback += u32::from(feedback);
        }
    }

    fn row(mut self, key: GroupKey) -> FigureRow {
        let reasons = protect(&self.reasons, self.rejected);
        FigureRow {
            key,
            sent: SmallCount::of(self.sent),
            accepted: SmallCount::of(self.accepted),
            completed: SmallCount::of(self.completed),
            rejected: SmallCount::of(self.rejected),
            rejection_reasons: RejectionReason::ALL.into_iter().zip(reasons).collect(),
            median_hours_to_reaction: median(&mut self.hours_to_reaction),
            median_hours_to_completion: median(&mut self.hours_to_completion),
            feedback_share: if self.closed_by_partner < SMALL_NUMBER_LIMIT {
                Statistic::TooFew
            } else {
                PerMille::of(self.with_feedback, self.closed_by_partner).map_or(Statistic::TooFew, Statistic::Value)
            },
        }
    }
}

/// The median in whole hours (the mean of the middle two, rounded down, for
/// an even count), or too few.
fn median(values: &mut [u32]) -> Statistic<u32> {
    if values.len() < SMALL_NUMBER_LIMIT as usize {
        return Statistic::TooFew;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    let value = if values.len() % 2 == 1 {
        values[mid]
    } else {
        ((u64::from(values[mid - 1]) + u64::from(values[mid])) / 2) as u32
    };
    Statistic::Value(value)
}

/// Cells that add up to `total`, shown so that no hidden cell can be
/// worked out from the total and the visible cells (see the module note).
fn protect(values: &[u32], total: u32) -> Vec<SmallCount> {
    let mut cells: Vec<SmallCount> = values.iter().map(|v| SmallCount::of(*v)).collect();
    // A total below five is itself shown as "< 5": it pins nothing.
    if total < SMALL_NUMBER_LIMIT {
        return cells;
    }
    while pinned(values, &cells, total) {
        let next = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.visible().filter(|v| *v > 0).map(|v| (v, i)))
            .min()
            .map(|(_, i)| i);
        match next {
            Some(i) => cells[i] = SmallCount::Hidden,
            None => break,
        }
    }
    cells
}

/// Whether some hidden cell has only one value consistent with what is
/// shown: each "< 5" lies in 1..=4, each "x" in 5..=total, and the hidden
/// cells add up to the total minus the visible ones.
fn pinned(values: &[u32], cells: &[SmallCount], total: u32) -> bool {
    let bounds: Vec<(u32, u32)> = cells
        .iter()
        .filter_map(|c| match c {
            SmallCount::Exact(_) => None,
            SmallCount::Small => Some((1, SMALL_NUMBER_LIMIT - 1)),
            SmallCount::Hidden => Some((SMALL_NUMBER_LIMIT, total)),
        })
        .collect();
    if bounds.is_empty() {
        return false;
    }
    let hidden_sum: u32 = values.iter().zip(cells).filter(|(_, c)| c.visible().is_none()).map(|(v, _)| *v).sum();
    let (sum_lo, sum_hi): (u32, u32) = bounds.iter().fold((0, 0), |(l, h), (lo, hi)| (l + lo, h + hi));
    bounds.iter().any(|&(lo, hi)| {
        let min = lo.max(hidden_sum.saturating_sub(sum_hi - hi));
        let max = hi.min(hidden_sum.saturating_sub(sum_lo - lo));
        min >= max
    })
}

/// The figures of `facts` grouped by `group_by`, with every count column
/// protected against the grand total.
pub fn figures(facts: &[ReferralFacts], group_by: GroupBy) -> Figures {
    let mut groups: BTreeMap<GroupKey, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    for f in facts {
        groups.entry(GroupKey::of(group_by, f)).or_default().add(f);
        all.add(f);
    }
    let column = |get: &dyn Fn(&Tally) -> u32| -> Vec<SmallCount> {
        let values: Vec<u32> = groups.values().map(get).collect();
        protect(&values, get(&all))
    };
    let sent = column(&|t| t.sent);
    let accepted = column(&|t| t.accepted);
    let completed = column(&|t| t.completed);
    let rejected = column(&|t| t.rejected);
    let reasons: Vec<Vec<SmallCount>> = (0..RejectionReason::ALL.len()).map(|r| column(&|t| t.reasons[r])).collect();
    let rows = groups
        .into_iter()
        .enumerate()
        .map(|(i, (key, tally))| {
            let mut row = tally.row(key);
            row.sent = strictest(row.sent, sent[i]);
            row.accepted = strictest(row.accepted, accepted[i]);
            row.completed = strictest(row.completed, completed[i]);
            row.rejected = strictest(row.rejected, rejected[i]);
            for (r, (_, cell)) in row.rejection_reasons.iter_mut().enumerate() {
                *cell = strictest(*cell, reasons[r][i]);
            }
            row
        })
        .collect();
    Figures { rows, total: all.row(GroupKey::Total) }
}

/// Of two protections of the same cell, the one that shows less.
fn strictest(a: SmallCount, b: SmallCount) -> SmallCount {
    match (a, b) {
        (SmallCount::Exact(_), other) | (other, SmallCount::Exact(_)) => other,
        (SmallCount::Hidden, _) | (_, SmallCount::Hidden) => SmallCount::Hidden,
        _ => SmallCount::Small,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SmallCount::*;

    #[test]
    fn small_counts_show_less_than_five() {
        let shown: Vec<String> = [0, 1, 4, 5, 12].map(|n| SmallCount::of(n).to_string()).to_vec();
        assert_eq!(shown, ["0", "< 5", "< 5", "5", "12"]);
        assert_eq!(serde_json::to_value(SmallCount::of(3)).unwrap(), "< 5");
        assert_eq!(serde_json::to_value(SmallCount::of(7)).unwrap(), 7);
        assert_eq!(SmallCount::of(3).visible(), None);
    }

    #[test]
    fn shares_and_medians() {
        assert_eq!(PerMille::of(2, 3), Some(PerMille(667)));
        assert_eq!(PerMille::of(2, 3).unwrap().to_string(), "67%");
        assert_eq!(PerMille::of(1, 0), None);
        assert_eq!(median(&mut [5, 1, 4, 2, 3]), Statistic::Value(3));
        assert_eq!(median(&mut [6, 1, 4, 2, 3, 5]), Statistic::Value(3), "(3 + 4) / 2 rounded down");
        assert_eq!(median(&mut [1, 2, 3, 4]), Statistic::TooFew);
        assert_eq!(Statistic::<u32>::TooFew.to_string(), "te weinig");
    }

    #[test]
    fn one_small_cell_beside_a_known_total_takes_a_second_with_it() {
        // Total 20 = 12 + 3 + 5: alone, "< 5" would be 20 - 12 - 5 = 3.
        assert_eq!(protect(&[12, 3, 5], 20), [Exact(12), Small, Hidden]);
        // Two small cells: 1 + 1 = 2 would pin both; a third is hidden.
        assert_eq!(protect(&[10, 1, 1, 6], 18), [Exact(10), Small, Small, Hidden]);
        // Two small cells with slack (2 + 3 = 5: 1+4, 2+3, …) are safe.
        assert_eq!(protect(&[10, 2, 3], 15), [Exact(10), Small, Small]);
        // A small total pins nothing.
        assert_eq!(protect(&[3, 0], 3), [Small, Exact(0)]);
        // Nothing small, nothing hidden.
        assert_eq!(protect(&[5, 0, 9], 14), [Exact(5), Exact(0), Exact(9)]);
    }

    proptest::proptest! {
        #[test]
        fn protection_shows_only_the_truth_and_pins_nothing(values in proptest::collection::vec(0u32..15, 1..8)) {
            let total: u32 = values.iter().sum();
            let cells = protect(&values, total);
            for (v, c) in values.iter().zip(&cells) {
                match c {
                    Exact(shown) => proptest::prop_assert_eq!(shown, v),
                    Small => proptest::prop_assert!((1..=4).contains(v)),
                    Hidden => proptest::prop_assert!(*v >= 5, "only cells of five or more are hidden"),
                }
            }
            let more_to_hide = cells.iter().any(|c| c.visible().is_some_and(|v| v > 0));
            proptest::prop_assert!(total < 5 || !pinned(&values, &cells, total) || !more_to_hide);
        }
    }

    #[test]
    fn a_hidden_cell_of_five_beside_one_small_is_pinned_too() {
        // "< 5" + "x" = 6 allows only 1 + 5: hide another.
        assert_eq!(protect(&[1, 5, 7, 20], 33), [Small, Hidden, Hidden, Exact(20)]);
    }
}
