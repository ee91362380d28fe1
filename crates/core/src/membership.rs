//! One practice, one network per day. A practice that is a member of two
//! networks on the same day would have its patients paid twice (each
//! network's statement counts its members on the quarter's first day), so
//! such memberships are refused wherever they come in (the region file, the
//! pages, the API) and [`overlaps`] finds any that are already stored.

use chrono::NaiveDate;

use crate::codes::Code;
use crate::date::display_date;
use crate::error::FieldError;
use crate::region::{Membership, Network};

/// Two memberships of one practice in two networks that share at least one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    pub practice: Code,
    /// The network and the index of the membership in its `practices`.
    pub first: (Code, String, usize),
    pub second: (Code, String, usize),
    /// The days both memberships hold: from, and until (`None`: still running).
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Overlap {
    /// A Dutch sentence naming the practice, both networks and the days.
    pub fn message(&self, practice_name: &str) -> String {
        let days = match self.until {
            Some(until) if until == self.from => format!("op {}", display_date(self.from)),
            Some(until) => format!("van {} tot en met {}", display_date(self.from), display_date(until)),
            None => format!("vanaf {}", display_date(self.from)),
        };
        format!(
            "{practice_name} is {days} lid van zowel {} als {}; een praktijk hoort op een dag bij één netwerk, \
             anders worden haar patiënten twee keer betaald",
            self.first.1, self.second.1
        )
    }
}

/// The days two memberships share, if any.
fn shared_days<M>(a: &Membership<M>, b: &Membership<M>) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let from = a.from.max(b.from);
    let until = match (a.until, b.until) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    until.is_none_or(|u| from <= u).then_some((from, until))
}

/// Every pair of memberships of one practice in two different networks
/// that share a day, in the order of `networks`.
pub fn overlaps(networks: &[Network]) -> Vec<Overlap> {
    let mut found = Vec::new();
    for (i, a) in networks.iter().enumerate() {
        for b in &networks[i + 1..] {
            if a.code == b.code {
                continue;
            }
            for (ia, ma) in a.practices.iter().enumerate() {
                for (ib, mb) in b.practices.iter().enumerate().filter(|(_, mb)| mb.member == ma.member) {
                    if let Some((from, until)) = shared_days(ma, mb) {
                        found.push(Overlap {
                            practice: ma.member.clone(),
                            first: (a.code.clone(), a.name.clone(), ia),
                            second: (b.code.clone(), b.name.clone(), ib),
                            from,
                            until,
                        });
                    }
                }
            }
        }
    }
    found
}

/// The overlaps of `network` (as it is about to be saved) with the other
/// networks, as problems on its `practices[i]` fields. `name_of` gives a
/// practice's name for the message.
pub fn problems_with_others(
    network: &Network,
    others: &[Network],
    name_of: impl Fn(&Code) -> String,
) -> Vec<FieldError> {
    let mut all = vec![network.clone()];
    all.extend(others.iter().filter(|n| n.code != network.code).cloned());
    overlaps(&all)
        .into_iter()
        .filter(|o| o.first.0 == network.code)
        .map(|o| FieldError::new(format!("practices[{}]", o.first.2), o.message(&name_of(&o.practice))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::{Module, NetworkStatus};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn network(code: &str, name: &str, members: &[(&str, &str, Option<&str>)]) -> Network {
        Network {
            code: code.parse().unwrap(),
            name: name.into(),
            wijken: vec![],
            module: Module::Wijkmanagement,
            status: NetworkStatus::Actief,
            registered_on: Some(d("2024-01-01")),
            stopped_on: None,
            coordinator: None,
            practices: members
                .iter()
                .map(|(p, from, until)| Membership { member: p.parse().unwrap(), from: d(from), until: until.map(d) })
                .collect(),
            partners: vec![],
        }
    }

    #[test]
    fn one_shared_day_is_an_overlap_and_the_next_day_is_not() {
        let a = network("wsv-a", "WSV A", &[("01000001", "2024-01-01", Some("2024-06-30"))]);
        let b = network("wsv-b", "WSV B", &[("01000001", "2024-06-30", None)]);
        let found = overlaps(&[a.clone(), b]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].from, found[0].until), (d("2024-06-30"), Some(d("2024-06-30"))));
        let message = found[0].message("Huisartsen De Linde");
        assert!(message.contains("op 30 juni 2024 lid van zowel WSV A als WSV B"), "{message}");
        let c = network("wsv-c", "WSV C", &[("01000001", "2024-07-01", None)]);
        assert!(overlaps(&[a, c]).is_empty());
    }

    #[test]
    fn open_ended_memberships_overlap_from_the_later_start() {
        let a = network("wsv-a", "WSV A", &[("01000002", "2024-01-01", None), ("01000001", "2023-01-01", None)]);
        let b = network("wsv-b", "WSV B", &[("01000001", "2025-03-01", None)]);
        let found = overlaps(&[a.clone(), b.clone()]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first.2, found[0].from, found[0].until), (1, d("2025-03-01"), None));
        assert!(found[0].message("P").contains("vanaf 1 maart 2025"));
        // Seen from b, the problem is on b's own membership.
        let problems = problems_with_others(&b, &[a.clone(), b.clone()], |c| format!("praktijk {c}"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "practices[0]");
        assert!(problems[0].message.contains("WSV B als WSV A"), "{}", problems[0].message);
        // Within one network, repeated memberships are Network::problems' job.
        assert!(overlaps(&[a]).is_empty());
    }
}
