//! Registrations for the demo region, so the review queue and the
//! proposals page show something: the Binnenstad practice that has no
//! network and a few fictional practices register interest without
//! partners, and the practices of WSV Waterhoek (status *interesse*)
//! register for the module — waiting for the regio-beheerder.
//!
//! Postcodes reuse the PC4 areas of demo practices in the same wijk, whose
//! centroids the demo ships, so the proposals can measure distances.

use wijkregie_core::application::{ApplicantPractice, Application, CoordinatorChoice, Request};
use wijkregie_core::codes::{Code, Postcode};
use wijkregie_core::region::{HoursPerWeek, NetworkStatus};

use crate::region_file::RegionFile;

/// A PC6 postcode in the first PC4 area used by the wijk's practices, and
/// their town.
fn place_in(region: &RegionFile, wijk: &str, letters: &str) -> (Postcode, String) {
    let wijk: Code = wijk.parse().expect("demo wijk codes are valid");
    let practice =
        region.practices.iter().find(|p| p.wijk.as_ref() == Some(&wijk)).expect("the demo wijk has practices");
    let postcode =
        format!("{}{letters}", practice.address.postcode.pc4()).parse().expect("PC4 and two letters make a postcode");
    (postcode, practice.address.city.clone())
}

fn new_practice(
    region: &RegionFile,
    agb: &str,
    name: &str,
    street: &str,
    wijk: &str,
    letters: &str,
    patients: u32,
) -> ApplicantPractice {
    let (postcode, city) = place_in(region, wijk, letters);
    ApplicantPractice {
        agb: agb.parse().expect("demo AGB codes are eight digits"),
        name: name.to_owned(),
        street: street.to_owned(),
        house_number: 7,
        house_number_suffix: None,
        postcode,
        city,
        registered_patients: patients,
    }
}

fn interest(contact: &str, email: &str, wijk: &str, practices: Vec<ApplicantPractice>) -> Application {
    Application {
        request: Request::Interest,
        contact_name: contact.to_owned(),
        email: email.to_owned(),
        phone: "030 123 45 67".to_owned(),
        practices,
        network_name: None,
        wijk: Some(wijk.to_owned()),
        coordinator: None,
        remarks: Some("Wij zoeken praktijken in de buurt om samen een netwerk te vormen.".to_owned()),
    }
}

/// The demo's registrations, oldest first.
pub fn generate(region: &RegionFile) -> Vec<Application> {
    let mut out = Vec::new();
    let binnenstad_code: Code = "binnenstad".parse().expect("a lowercase word is a valid code");
    let in_binnenstad_network: Vec<_> = region
        .networks
        .iter()
        .filter(|n| n.code.as_str() == "wsv-binnenstad")
        .flat_map(|n| n.practices.iter().map(|m| m.member.clone()))
        .collect();
    if let Some((alone, agb)) = region
        .practices
        .iter()
        .find(|p| p.wijk.as_ref() == Some(&binnenstad_code) && !in_binnenstad_network.contains(&p.code))
        .and_then(|p| Some((p, p.agb.as_ref()?)))
    {
        out.push(interest(
            "Sanne Willemsen",
            "s.willemsen@demo-praktijk.nl",
            "Binnenstad",
            vec![ApplicantPractice {
                agb: agb.clone(),
                name: alone.name.clone(),
                street: alone.address.street.clone(),
                house_number: alone.address.house_number,
                house_number_suffix: alone.address.house_number_suffix.clone(),
                postcode: alone.address.postcode.clone(),
                city: alone.address.city.clone(),
                registered_patients: alone.registered_patients.last().map_or(3_000, |c| c.count),
            }],
        ));
    }
    out.push(interest(
        "Ruud Bakker",
        "r.bakker@demo-praktijk.nl",
        "Binnenstad",
        vec![new_practice(region, "02100001", "Huisartsen Oude Haven", "Kaaistraat", "binnenstad", "KB", 2_950)],
    ));
    out.push(interest(
        "Esra Demir",
        "e.demir@demo-praktijk.nl",
        "Havenkwartier",
        vec![new_practice(region, "02100002", "Huisartsenpraktijk De Kaai", "Kadelaan", "havenkwartier", "KD", 3_150)],
    ));
    out.push(interest(
        "Tom Jansen",
        "t.jansen@demo-praktijk.nl",
        "Lindenpark",
        vec![new_practice(region, "02100003", "Praktijk Het Ravelijn", "Vestingweg", "lindenpark", "RV", 2_400)],
    ));
    out.push(interest(
        "Marloes Hendriks",
        "m.hendriks@demo-praktijk.nl",
        "Heiderloo-Zuid",
        vec![
            new_practice(region, "02100004", "Huisarts Heideveld", "Heideweg", "heiderloo-zuid", "HV", 2_100),
            new_practice(region, "02100005", "Praktijk De Schaapskooi", "Schaapsdrift", "heiderloo-zuid", "SK", 1_950),
        ],
    ));
    // The network that only showed interest now registers for the module.
    if let Some(waterhoek) = region.networks.iter().find(|n| n.status == NetworkStatus::Interesse) {
        let practices = waterhoek
            .practices
            .iter()
            .filter_map(|m| region.practices.iter().find(|p| p.code == m.member))
            .filter_map(|p| Some((p, p.agb.clone()?)))
            .map(|(p, agb)| ApplicantPractice {
                agb,
                name: p.name.clone(),
                street: p.address.street.clone(),
                house_number: p.address.house_number,
                house_number_suffix: p.address.house_number_suffix.clone(),
                postcode: p.address.postcode.clone(),
                city: p.address.city.clone(),
                registered_patients: p.registered_patients.last().map_or(3_000, |c| c.count),
            })
            .collect();
        out.push(Application {
            request: Request::Wijkmanagement,
            contact_name: "Ahmed el Amrani".to_owned(),
            email: "a.elamrani@demo-praktijk.nl".to_owned(),
            phone: "+31 6 12345678".to_owned(),
            practices,
            network_name: Some(waterhoek.name.clone()),
            wijk: Some("Waterhoek".to_owned()),
            coordinator: Some(CoordinatorChoice::Own {
                hours_per_week: HoursPerWeek::from_minutes(10 * 60).expect("ten hours is a valid week"),
            }),
            remarks: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_registrations_are_valid_and_use_known_postcode_areas() {
        let region = crate::demo::region();
        let apps = generate(&region);
        assert!(apps.len() >= 6);
        assert_eq!(apps.iter().filter(|a| a.request == Request::Wijkmanagement).count(), 1);
        let centroids = crate::demo::directory::postcode_centroids();
        for a in &apps {
            assert!(!a.practices.is_empty());
            for p in &a.practices {
                assert!(centroids.iter().any(|(pc, _)| pc == p.postcode.pc4()), "{}", p.postcode);
            }
        }
    }
}
