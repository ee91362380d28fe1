//! Help to form a network: practices that registered interest without
//! partners are grouped with nearby ones until a group reaches the payment
//! threshold (10.000 registered patients, issue 6), with the smallest spread.
//!
//! A pure function of its input: the same practices give the same proposals,
//! whatever order they come in. The method, in three steps:
//!
//! 1. A practice that reaches the threshold alone is its own proposal.
//! 2. Greedy: every remaining practice is tried as the centre of a group
//!    filled with its nearest neighbours until the threshold is reached;
//!    the cheapest such group (summed distance from the centre) is kept, and
//!    this repeats until no centre can reach the threshold.
//! 3. Local improvement: members move or swap between groups whenever that
//!    lowers the summed distance and every group still reaches the
//!    threshold; then practices left over join the nearest group within
//!    reach, since a larger network is no harm and a practice placed is
//!    better than one left alone.
//!
//! "Distance" for choosing is the travel distance between postcode
//! centroids plus a detour for crossing a municipal or wijk border, so that
//! a neighbour in the same municipality wins over an equally near one
//! across the border. Distances shown are always the plain kilometres.

use std::cmp::Ordering;

use crate::directory::GeoPoint;

/// Added to the distance between practices in different municipalities:
/// a network works with one municipality's social domain, so crossing the
/// border costs as much as five extra kilometres.
pub const MUNICIPALITY_DETOUR_KM: f64 = 5.0;
/// Added between practices in the same municipality but different wijken
/// (when both are known).
pub const WIJK_DETOUR_KM: f64 = 2.0;

/// One practice that is looking for partners.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<Id> {
    pub id: Id,
    pub patients: u32,
    pub point: GeoPoint,
    /// Compared as written, after trimming and ignoring case.
    pub municipality: String,
    pub wijk: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Registered patients a group must reach.
    pub threshold: u64,
    /// No member lies farther than this from its group's centre.
    pub max_km: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { threshold: crate::region::DEFAULT_PATIENT_THRESHOLD, max_km: 15.0 }
    }
}

/// A member of a proposed group and its distance to the group's centre.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<Id> {
    pub id: Id,
    pub patients: u32,
    pub km_to_centre: f64,
}

/// A proposed group: its centre practice first, then the others by distance.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal<Id> {
    pub members: Vec<Member<Id>>,
    pub patients: u64,
}

impl<Id> Proposal<Id> {
    pub fn centre(&self) -> &Member<Id> {
        &self.members[0]
    }

    /// The average distance between two members: what the people of the
    /// network travel to meet each other. Zero for a group of one.
    pub fn mean_pair_km(&self, points: impl Fn(&Id) -> GeoPoint) -> f64 {
        let n = self.members.len();
        if n < 2 {
            return 0.0;
        }
        let mut sum = 0.0;
        for (i, a) in self.members.iter().enumerate() {
            for b in &self.members[i + 1..] {
                sum += points(&a.id).distance_km(points(&b.id));
            }
        }
        sum / (n * (n - 1) / 2) as f64
    }

    /// The average distance of the members (the centre excluded) to the centre.
    pub fn mean_km_to_centre(&self) -> f64 {
        let others = &self.members[1..];
        if others.is_empty() {
            0.0
        } else {
            others.iter().map(|m| m.km_to_centre).sum::<f64>() / others.len() as f64
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<Id> {
    /// Ordered by the centre's id.
    pub proposals: Vec<Proposal<Id>>,
    /// Practices no group within reach could take, by id.
    pub unplaced: Vec<Id>,
}

impl<Id> Outcome<Id> {
    pub fn placed(&self) -> usize {
        self.proposals.iter().map(|p| p.members.len()).sum()
    }
}

/// Proposes groups of nearby practices that reach `settings.threshold`.
pub fn propose<Id: Clone + Ord>(candidates: &[Candidate<Id>], settings: Settings) -> Outcome<Id> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| candidates[a].id.cmp(&candidates[b].id));
    order.dedup_by(|a, b| candidates[*a].id == candidates[*b].id);
    let c: Vec<&Candidate<Id>> = order.iter().map(|&i| &candidates[i]).collect();
    let keys: Vec<(String, Option<String>)> =
        c.iter().map(|x| (fold(&x.municipality), x.wijk.as_deref().map(fold).filter(|w| !w.is_empty()))).collect();
    let cost = |a: usize, b: usize| -> f64 {
        if a == b {
            return 0.0;
        }
        let mut d = c[a].point.distance_km(c[b].point);
        if keys[a].0 != keys[b].0 {
            d += MUNICIPALITY_DETOUR_KM;
        } else if let (Some(x), Some(y)) = (&keys[a].1, &keys[b].1) {
            if x != y {
                d += WIJK_DETOUR_KM;
            }
        }
        d
    };
    let within = |a: usize, b: usize| c[a].point.distance_km(c[b].point) <= settings.max_km;
    let patients = |group: &[usize]| group.iter().map(|&i| u64::from(c[i].patients)).sum::<u64>();

    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut free: Vec<bool> = vec![true; c.len()];
    for (i, x) in c.iter().enumerate() {
        if u64::from(x.patients) >= settings.threshold {
            groups.push(vec![i]);
            free[i] = false;
        }
    }
    // Everyone's neighbours within reach, nearest first (ties by id order),
    // computed once: the greedy step reads them many times.
    let neighbours: Vec<Vec<usize>> = (0..c.len())
        .map(|i| {
            let mut near: Vec<usize> = (0..c.len()).filter(|&j| j != i && free[j] && within(i, j)).collect();
            near.sort_by(|&a, &b| cmp_f64(cost(i, a), cost(i, b)).then(a.cmp(&b)));
            near
        })
        .collect();
    let first_small = groups.len();
    loop {
        let mut best: Option<(f64, Vec<usize>)> = None;
        for seed in (0..c.len()).filter(|&i| free[i]) {
            let mut group = vec![seed];
            let mut total = u64::from(c[seed].patients);
            let mut sum = 0.0;
            for &j in neighbours[seed].iter().filter(|&&j| free[j]) {
                if total >= settings.threshold {
                    break;
                }
                if best.as_ref().is_some_and(|(b, _)| sum + cost(seed, j) > *b) {
                    // Already worse than the best group found: stop early.
                    total = 0;
                    break;
                }
                group.push(j);
                total += u64::from(c[j].patients);
                sum += cost(seed, j);
            }
            if total < settings.threshold {
                continue;
            }
            // Strictly better only, so among equal groups the lowest seed wins.
            if best.as_ref().is_none_or(|(b, _)| sum < *b) {
                best = Some((sum, group));
            }
        }
        let Some((_, group)) = best else { break };
        for &i in &group {
            free[i] = false;
        }
        groups.push(group);
    }

    improve(&mut groups[first_small..], &cost, &within, &patients, settings.threshold);

    // Leftovers join the nearest group that still has a centre within
    // reach of every member once they are in.
    let mut unplaced = Vec::new();
    for i in (0..c.len()).filter(|&i| free[i]) {
        let mut near: Vec<(usize, usize)> = groups
            .iter()
            .enumerate()
            .filter_map(|(g, members)| centre(members, &cost, &within).map(|m| (g, m)))
            .filter(|&(_, m)| within(i, m))
            .collect();
        near.sort_by(|a, b| cmp_f64(cost(i, a.1), cost(i, b.1)).then(a.0.cmp(&b.0)));
        let target = near.into_iter().map(|(g, _)| g).find(|&g| {
            let mut with_i = groups[g].clone();
            with_i.push(i);
            centre(&with_i, &cost, &within).is_some()
        });
        match target {
            Some(g) => groups[g].push(i),
            None => unplaced.push(c[i].id.clone()),
        }
    }

    let mut proposals: Vec<Proposal<Id>> = groups
        .iter()
        .map(|members| {
            let centre = centre(members, &cost, &within).expect("every group keeps a centre within reach");
            let mut rest: Vec<usize> = members.iter().copied().filter(|&m| m != centre).collect();
            rest.sort_by(|&a, &b| {
                cmp_f64(c[centre].point.distance_km(c[a].point), c[centre].point.distance_km(c[b].point))
                    .then(a.cmp(&b))
            });
            let members: Vec<Member<Id>> = std::iter::once(centre)
                .chain(rest)
                .map(|m| Member {
                    id: c[m].id.clone(),
                    patients: c[m].patients,
                    km_to_centre: c[centre].point.distance_km(c[m].point),
                })
                .collect();
            Proposal { patients: members.iter().map(|m| u64::from(m.patients)).sum(), members }
        })
        .collect();
    proposals.sort_by(|a, b| a.centre().id.cmp(&b.centre().id));
    Outcome { proposals, unplaced }
}

/// The member from which every other member is within reach and whose
/// summed distance to them is smallest (ties: the lowest index, i.e. the
/// lowest id); `None` when no member has all others within reach.
fn centre(
    members: &[usize],
    cost: &impl Fn(usize, usize) -> f64,
    within: &impl Fn(usize, usize) -> bool,
) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for &m in members {
        if !members.iter().all(|&o| within(m, o)) {
            continue;
        }
        let s: f64 = members.iter().map(|&o| cost(m, o)).sum();
        if best.is_none_or(|(b, at)| s < b || (s == b && m < at)) {
            best = Some((s, m));
        }
    }
    best.map(|(_, m)| m)
}

/// Summed distance from the group's centre to its members; infinite when
/// the group has no centre within reach.
fn spread(members: &[usize], cost: &impl Fn(usize, usize) -> f64, within: &impl Fn(usize, usize) -> bool) -> f64 {
    match centre(members, cost, within) {
        Some(c) => members.iter().map(|&m| cost(c, m)).sum(),
        None => f64::INFINITY,
    }
}

/// Moves and swaps between groups while they lower the total spread, every
/// group stays at the threshold and within reach. Stops after a fixed
/// number of rounds so a pathological input cannot keep it busy.
fn improve(
    groups: &mut [Vec<usize>],
    cost: &impl Fn(usize, usize) -> f64,
    within: &impl Fn(usize, usize) -> bool,
    patients: &impl Fn(&[usize]) -> u64,
    threshold: u64,
) {
    // Gains smaller than a metre are noise, not improvement.
    const EPSILON: f64 = 1e-3;
    let fits = |g: &[usize]| patients(g) >= threshold && centre(g, cost, within).is_some();
    let spread = |g: &[usize]| spread(g, cost, within);
    let mut centres: Vec<usize> =
        groups.iter().map(|g| centre(g, cost, within).expect("greedy groups have their seed as centre")).collect();
    for _ in 0..20 {
        let mut improved = false;
        for a in 0..groups.len() {
            for b in 0..groups.len() {
                // Only neighbouring groups can trade members.
                if a == b || !within(centres[a], centres[b]) {
                    continue;
                }
                let before = spread(&groups[a]) + spread(&groups[b]);
                let mut best: Option<(f64, Vec<usize>, Vec<usize>)> = None;
                let mut consider = |from: Vec<usize>, to: Vec<usize>| {
                    let after = spread(&from) + spread(&to);
                    if after < before - EPSILON
                        && best.as_ref().is_none_or(|(b, ..)| after < *b)
                        && fits(&from)
                        && fits(&to)
                    {
                        best = Some((after, from, to));
                    }
                };
                for (i, &x) in groups[a].iter().enumerate() {
                    let mut from = groups[a].clone();
                    from.remove(i);
                    if !from.is_empty() {
                        // Move x from a to b.
                        let mut to = groups[b].clone();
                        to.push(x);
                        consider(from, to);
                    }
                    // Swap x with each y of b.
                    for (j, &y) in groups[b].iter().enumerate() {
                        let mut from = groups[a].clone();
                        from[i] = y;
                        let mut to = groups[b].clone();
                        to[j] = x;
                        consider(from, to);
                    }
                }
                if let Some((_, from, to)) = best {
                    centres[a] = centre(&from, cost, within)
                        .expect("consider() keeps only swaps where both groups fit, i.e. have a centre");
                    centres[b] = centre(&to, cost, within)
                        .expect("consider() keeps only swaps where both groups fit, i.e. have a centre");
                    groups[a] = from;
                    groups[b] = to;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.total_cmp(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A point `north_km` north and `east_km` east of a spot in Utrecht.
    fn at(north_km: f64, east_km: f64) -> GeoPoint {
        // One degree of latitude is 111.2 km; of longitude at 52° about 68.5 km.
        GeoPoint::new(52.09 + north_km / 111.2, 5.12 + east_km / 68.5).unwrap()
    }

    fn cand(id: &str, patients: u32, north: f64, east: f64, municipality: &str) -> Candidate<String> {
        Candidate { id: id.into(), patients, point: at(north, east), municipality: municipality.into(), wijk: None }
    }

    fn ids(p: &Proposal<String>) -> Vec<&str> {
        let mut v: Vec<&str> = p.members.iter().map(|m| m.id.as_str()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_practice_that_is_enough_alone_is_its_own_network() {
        let out = propose(
            &[cand("a", 10_000, 0.0, 0.0, "Utrecht"), cand("b", 3_000, 0.5, 0.0, "Utrecht")],
            Settings::default(),
        );
        assert_eq!(out.proposals.len(), 1);
        // b cannot reach the threshold itself, so it joins the nearby group.
        assert_eq!(ids(&out.proposals[0]), ["a", "b"]);
        assert_eq!(out.proposals[0].centre().id, "a", "the large practice is the centre");
        assert!(out.unplaced.is_empty());
    }

    #[test]
    fn two_that_together_reach_the_threshold_form_a_group() {
        let out = propose(
            &[cand("a", 6_000, 0.0, 0.0, "Utrecht"), cand("b", 4_000, 3.0, 0.0, "Utrecht")],
            Settings::default(),
        );
        assert_eq!(out.proposals.len(), 1);
        assert_eq!(out.proposals[0].patients, 10_000, "exactly the threshold is enough");
        let km = out.proposals[0].members[1].km_to_centre;
        assert!((km - 3.0).abs() < 0.05, "{km}");
    }

    #[test]
    fn one_patient_short_is_no_group_and_far_practices_stay_unplaced() {
        let out = propose(
            &[
                cand("a", 6_000, 0.0, 0.0, "Utrecht"),
                cand("b", 3_999, 1.0, 0.0, "Utrecht"),
                // Within reach of nobody.
                cand("far", 5_000, 80.0, 0.0, "Groningen"),
            ],
            Settings::default(),
        );
        assert!(out.proposals.is_empty());
        assert_eq!(out.unplaced, ["a", "b", "far"]);
    }

    #[test]
    fn an_unreachable_remainder_is_reported_and_the_rest_grouped() {
        let out = propose(
            &[
                cand("a", 5_000, 0.0, 0.0, "Utrecht"),
                cand("b", 5_000, 1.0, 0.0, "Utrecht"),
                cand("far", 2_000, 60.0, 0.0, "Zwolle"),
                cand("far2", 2_500, 61.0, 0.0, "Zwolle"),
            ],
            Settings::default(),
        );
        assert_eq!(out.proposals.len(), 1);
        assert_eq!(ids(&out.proposals[0]), ["a", "b"]);
        assert_eq!(out.unplaced, ["far", "far2"]);
        assert_eq!(out.placed(), 2);
    }

    #[test]
    fn the_nearest_partner_is_chosen() {
        // a needs one partner; b is 2 km away, c 6 km.
        let out = propose(
            &[
                cand("a", 6_000, 0.0, 0.0, "Utrecht"),
                cand("b", 4_500, 2.0, 0.0, "Utrecht"),
                cand("c", 4_500, -6.0, 0.0, "Utrecht"),
            ],
            Settings::default(),
        );
        assert_eq!(out.proposals.len(), 1);
        let group = ids(&out.proposals[0]);
        assert!(group.starts_with(&["a", "b"]), "{group:?}");
    }

    #[test]
    fn the_same_municipality_wins_over_a_slightly_nearer_neighbour_across_the_border() {
        let out = propose(
            &[
                cand("a", 6_000, 0.0, 0.0, "Utrecht"),
                cand("across", 4_500, 2.0, 0.0, "Zeist"),
                cand("same", 4_500, -3.5, 0.0, "Utrecht"),
            ],
            Settings::default(),
        );
        let group = ids(&out.proposals[0]);
        assert!(group.contains(&"same"), "{group:?}");
        // The neighbour across the border is not left alone: it joins too.
        assert!(out.unplaced.is_empty());
    }

    #[test]
    fn a_different_wijk_counts_as_a_small_detour() {
        let in_wijk = |id: &str, patients, north, wijk: &str| Candidate {
            wijk: Some(wijk.to_owned()),
            ..cand(id, patients, north, 0.0, "Utrecht")
        };
        // m needs one partner: k is in its wijk 2.5 km away, z in another
        // wijk only 1.5 km away. With the 2 km detour k is nearer.
        let input =
            [in_wijk("k", 4_500, -2.5, "Noord"), in_wijk("m", 6_000, 0.0, " noord"), in_wijk("z", 4_500, 1.5, "Oost")];
        let out = propose(&input, Settings { max_km: 3.0, ..Settings::default() });
        assert_eq!(out.proposals.len(), 1);
        assert_eq!(ids(&out.proposals[0]), ["k", "m"], "the same wijk wins despite 1 km more");
        // z is 4 km from the group's centre k: beyond reach.
        assert_eq!(out.unplaced, ["z"]);
        // Without wijken the nearer one is chosen and k joins as well.
        let plain: Vec<_> = input.iter().cloned().map(|c| Candidate { wijk: None, ..c }).collect();
        let out = propose(&plain, Settings { max_km: 3.0, ..Settings::default() });
        assert_eq!(ids(&out.proposals[0]), ["k", "m", "z"]);
        assert_eq!(out.proposals[0].centre().id, "m");
    }

    #[test]
    fn ties_are_broken_by_id_and_the_input_order_does_not_matter() {
        // b and c are equally far from a, in opposite directions.
        let input = vec![
            cand("c", 4_000, -2.0, 0.0, "Utrecht"),
            cand("a", 6_000, 0.0, 0.0, "Utrecht"),
            cand("b", 4_000, 2.0, 0.0, "Utrecht"),
        ];
        let out = propose(&input, Settings::default());
        assert_eq!(out.proposals[0].members[0].id, "a");
        assert_eq!(out.proposals[0].members[1].id, "b", "the lower id wins a tie");
        let mut reversed = input.clone();
        reversed.reverse();
        assert_eq!(propose(&reversed, Settings::default()), out);
    }

    #[test]
    fn two_clusters_make_two_groups_and_improvement_keeps_them_apart() {
        let mut input = Vec::new();
        for (i, north) in [0.0, 0.5, 1.0, 1.5].iter().enumerate() {
            input.push(cand(&format!("w{i}"), 2_600, *north, 0.0, "Utrecht"));
            input.push(cand(&format!("o{i}"), 2_600, *north, 10.0, "Utrecht"));
        }
        let out = propose(&input, Settings::default());
        assert_eq!(out.proposals.len(), 2);
        for p in &out.proposals {
            let first = p.members[0].id.chars().next();
            assert!(p.members.iter().all(|m| m.id.chars().next() == first), "{:?}", ids(p));
            assert!(p.patients >= 10_000);
            assert!(p.mean_km_to_centre() < 1.5);
        }
    }

    #[test]
    fn every_group_reaches_the_threshold_and_nobody_is_placed_twice() {
        let mut input = Vec::new();
        let mut seed = 7u64;
        for i in 0..120 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let n = (seed >> 33) % 400;
            let e = (seed >> 13) % 400;
            let p = 2_000 + ((seed >> 40) % 1_500) as u32;
            input.push(cand(&format!("p{i:03}"), p, n as f64 / 10.0, e as f64 / 10.0, ["A", "B"][i % 2]));
        }
        let out = propose(&input, Settings::default());
        let mut seen = std::collections::BTreeSet::new();
        for p in &out.proposals {
            assert!(p.patients >= 10_000);
            assert!(p.members.iter().all(|m| m.km_to_centre <= 15.0));
            for m in &p.members {
                assert!(seen.insert(m.id.clone()), "{} twice", m.id);
            }
        }
        for u in &out.unplaced {
            assert!(seen.insert(u.clone()));
        }
        assert_eq!(seen.len(), 120);
        assert!(out.placed() > 100, "dense input: nearly everyone is placed ({})", out.placed());
    }

    #[test]
    fn nothing_in_nothing_out() {
        let out = propose::<String>(&[], Settings::default());
        assert!(out.proposals.is_empty() && out.unplaced.is_empty());
    }
}
