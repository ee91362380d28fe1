//! Corrections: an approved statement is frozen. When the region changes
//! afterwards (a patient count, a membership, a tariff), recomputing that
//! quarter gives other amounts; the difference is paid (or reclaimed) by a
//! correction line in the next open quarter, never by changing the
//! approved one.
//!
//! Correction lines of an open quarter are derived, not stored: they are
//! the recomputation minus what was paid so far (the approved lines plus
//! corrections already frozen in later approved quarters). Approving the
//! open quarter freezes them with its other lines.

use std::collections::{BTreeMap, BTreeSet};

use crate::codes::Code;
use crate::finance::money::Cents;
use crate::finance::quarter::Quarter;
use crate::finance::statement::{CorrectionOf, Line, LineKind, Statement};

/// The quarter a correction for approved quarter `q` belongs in: the first
/// quarter after it that is not approved yet.
pub fn next_open(q: Quarter, approved: &BTreeSet<Quarter>) -> Quarter {
    let mut next = q.next();
    while approved.contains(&next) {
        next = next.next();
    }
    next
}

/// The approved quarters whose corrections belong in `open`: those whose
/// [`next_open`] is `open`, newest first.
pub fn corrected_in(open: Quarter, approved: &BTreeSet<Quarter>) -> Vec<Quarter> {
    let mut out = Vec::new();
    let mut q = open.prev();
    while approved.contains(&q) {
        out.push(q);
        q = q.prev();
    }
    out
}

/// Correction lines for approved quarter `quarter`, per network.
///
/// `approved`: the frozen statements of `quarter`; `earlier`: correction
/// lines for `quarter` frozen since in later approved quarters, with their
/// network; `recomputed`: the statements of `quarter` as the region stands.
/// A line kind that appears on one side only counts as zero on the other.
pub fn corrections(
    quarter: Quarter,
    approved: &[Statement],
    earlier: &[(Code, Line)],
    recomputed: &[Statement],
) -> Vec<(Code, Line)> {
    // (network, kind) → (paid, recomputed line)
    let mut paid: BTreeMap<(Code, LineKind), Cents> = BTreeMap::new();
    for s in approved.iter().filter(|s| s.quarter == quarter) {
        for l in s.lines.iter().filter(|l| l.kind != LineKind::Correction) {
            *paid.entry((s.network.clone(), l.kind)).or_default() += l.amount;
        }
    }
    for (network, l) in earlier {
        if let Some(c) = l.corrects.as_ref().filter(|c| c.quarter == quarter) {
            *paid.entry((network.clone(), c.kind)).or_default() += l.amount;
        }
    }
    let mut now: BTreeMap<(Code, LineKind), &Line> = BTreeMap::new();
    for s in recomputed.iter().filter(|s| s.quarter == quarter) {
        for l in s.lines.iter().filter(|l| l.kind != LineKind::Correction) {
            now.insert((s.network.clone(), l.kind), l);
        }
    }
    let keys: BTreeSet<(Code, LineKind)> = paid.keys().chain(now.keys()).cloned().collect();
    keys.into_iter()
        .filter_map(|(network, kind)| {
            let before = paid.get(&(network.clone(), kind)).copied().unwrap_or_default();
            let line = now.get(&(network.clone(), kind));
            let after = line.map_or(Cents::ZERO, |l| l.amount);
            (before != after).then(|| {
                let correction = Line {
                    kind: LineKind::Correction,
                    rate_per_year: line.map_or(Cents::ZERO, |l| l.rate_per_year),
                    patients: line.map_or(0, |l| l.patients),
                    amount: after - before,
                    reason: None,
                    corrects: Some(CorrectionOf { quarter, kind, paid: before, recomputed: after }),
                };
                (network, correction)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finance::statement::ZeroReason;

    fn q(s: &str) -> Quarter {
        s.parse().unwrap()
    }

    fn code(s: &str) -> Code {
        s.parse().unwrap()
    }

    fn line(kind: LineKind, patients: u64, amount: i64) -> Line {
        let rate = if kind == LineKind::GpTime { Cents(224) } else { Cents(187) };
        let reason = (amount == 0).then_some(ZeroReason::BelowThreshold);
        Line { kind, rate_per_year: rate, patients, amount: Cents(amount), reason, corrects: None }
    }

    fn statement(network: &str, quarter: &str, patients: u64, gp: i64, coordinator: i64) -> Statement {
        Statement {
            network: code(network),
            quarter: q(quarter),
            registered_patients: patients,
            lines: vec![line(LineKind::GpTime, patients, gp), line(LineKind::Coordinator, patients, coordinator)],
            without_agb: vec![],
        }
    }

    #[test]
    fn corrections_go_to_the_first_quarter_that_is_not_approved() {
        let approved: BTreeSet<Quarter> = [q("2025Q1"), q("2025Q2"), q("2025Q4")].into();
        assert_eq!(next_open(q("2025Q1"), &approved), q("2025Q3"));
        assert_eq!(next_open(q("2025Q4"), &approved), q("2026Q1"));
        assert_eq!(corrected_in(q("2025Q3"), &approved), [q("2025Q2"), q("2025Q1")]);
        assert_eq!(corrected_in(q("2026Q1"), &approved), [q("2025Q4")]);
        assert!(corrected_in(q("2026Q2"), &approved).is_empty());
    }

    #[test]
    fn a_changed_count_gives_the_difference_per_line() {
        let approved = [statement("wsv-a", "2025Q2", 10_000, 560_000, 467_500)];
        // Two more patients found: 10,002 × 56 = 560,112; × 46.75 = 467,593.5 → 467,594.
        let recomputed = [statement("wsv-a", "2025Q2", 10_002, 560_112, 467_594)];
        let c = corrections(q("2025Q2"), &approved, &[], &recomputed);
        let amounts: Vec<(LineKind, i64)> =
            c.iter().map(|(_, l)| (l.corrects.as_ref().unwrap().kind, l.amount.0)).collect();
        assert_eq!(amounts, [(LineKind::GpTime, 112), (LineKind::Coordinator, 94)]);
        assert!(c.iter().all(|(n, l)| n.as_str() == "wsv-a" && l.kind == LineKind::Correction && l.reason.is_none()));
        let first = c[0].1.corrects.as_ref().unwrap();
        assert_eq!((first.quarter, first.paid, first.recomputed), (q("2025Q2"), Cents(560_000), Cents(560_112)));
    }

    #[test]
    fn dropping_below_the_threshold_reclaims_everything() {
        let approved = [statement("wsv-a", "2025Q2", 10_000, 560_000, 467_500)];
        let recomputed = [statement("wsv-a", "2025Q2", 9_999, 0, 0)];
        let c = corrections(q("2025Q2"), &approved, &[], &recomputed);
        assert_eq!(c.iter().map(|(_, l)| l.amount.0).sum::<i64>(), -1_027_500);
    }

    #[test]
    fn nothing_changed_means_no_correction() {
        let s = [statement("wsv-a", "2025Q2", 10_000, 560_000, 467_500)];
        assert!(corrections(q("2025Q2"), &s, &[], &s).is_empty());
    }

    #[test]
    fn a_correction_already_frozen_is_not_paid_twice() {
        let approved = [statement("wsv-a", "2025Q2", 10_000, 560_000, 467_500)];
        let recomputed = [statement("wsv-a", "2025Q2", 10_002, 560_112, 467_594)];
        let frozen = corrections(q("2025Q2"), &approved, &[], &recomputed);
        assert!(corrections(q("2025Q2"), &approved, &frozen, &recomputed).is_empty());
        // A second change is corrected by its own difference only.
        let again = [statement("wsv-a", "2025Q2", 10_004, 560_224, 467_687)];
        let c = corrections(q("2025Q2"), &approved, &frozen, &again);
        assert_eq!(c.iter().map(|(_, l)| l.amount.0).collect::<Vec<_>>(), [112, 93]);
    }

    #[test]
    fn a_network_on_one_side_only_is_corrected_against_zero() {
        let approved = [statement("wsv-a", "2025Q2", 10_000, 560_000, 0)];
        let recomputed = [statement("wsv-b", "2025Q2", 10_000, 560_000, 0)];
        let c = corrections(q("2025Q2"), &approved, &[], &recomputed);
        let shown: Vec<(&str, i64)> = c.iter().map(|(n, l)| (n.as_str(), l.amount.0)).collect();
        assert_eq!(shown, [("wsv-a", -560_000), ("wsv-b", 560_000)]);
    }
}
