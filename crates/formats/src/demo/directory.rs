//! The demo region's social map: fictional services of the demo's partner
//! organisations, each at a fictional address with coordinates, tagged with
//! the shipped hulpvragen, so that search, filters and the "check now" list
//! have something realistic to work on. Some entries are deliberately stale,
//! closed or duplicated, as real social maps are.

use chrono::{NaiveDate, NaiveTime};
use wijkregie_core::codes::Code;
use wijkregie_core::directory::{
    Contact, GeoPoint, HsdsId, Location, LocationAddress, OpeningSlot, Pathway, Phone, Schedule, Service, ServiceStatus,
};
use wijkregie_core::region::Domain;

/// The demo's social map.
pub struct Directory {
    pub locations: Vec<Location>,
    pub services: Vec<Service>,
}

/// A stable, well-formed UUID per demo record (version 4 layout).
fn id(kind: u32, n: usize) -> HsdsId {
    format!("00000000-0000-4000-8000-{kind:04x}{n:08x}").parse().expect("the pattern is a valid UUID")
}

fn code(s: &str) -> Code {
    s.parse().expect("demo codes are valid codes")
}

/// Where each organisation is: street, number, postcode, city and a point.
/// The PC4 areas follow the demo wijken (58xx Kwartierstad, 5961/5971
/// Heiderloo); the coordinates are spread around one real-looking spot so
/// distances come out in kilometres, but no address is real.
const PLACES: [(&str, &str, u32, &str, &str, f64, f64); 25] = [
    ("apotheek-de-vijzel", "Vijzelstraat", 12, "5811AB", "Kwartierstad", 51.3702, 6.1681),
    ("apotheek-haventoren", "Havenkade", 3, "5821CD", "Kwartierstad", 51.3750, 6.1802),
    ("apotheek-elzenmonde", "Dorpsstraat", 41, "5871EF", "Elzenmonde", 51.4103, 6.1322),
    ("apotheek-heiderloo", "Heidelaan", 8, "5961GH", "Heiderloo", 51.4501, 6.0904),
    ("fysio-de-sprong", "Sprongweg", 22, "5831JK", "Kwartierstad", 51.3655, 6.1550),
    ("fysio-beweegpunt", "Molenweg", 5, "5881LM", "Elzenmonde", 51.4150, 6.1405),
    ("fysio-heiderloo", "Bremstraat", 17, "5971NP", "Heiderloo", 51.4555, 6.0820),
    ("wijkverpleging-de-kring", "Kringlaan", 1, "5841RT", "Kwartierstad", 51.3801, 6.1605),
    ("thuiszorg-zuiderkwartier", "Zuidsingel", 90, "5851VW", "Kwartierstad", 51.3602, 6.1750),
    ("dietisten-zuiderkwartier", "Lindenhof", 6, "5812XZ", "Kwartierstad", 51.3712, 6.1702),
    ("verloskunde-de-wieg", "Wiegplein", 2, "5822AC", "Kwartierstad", 51.3760, 6.1830),
    ("welzijn-kwartierstad", "Marktplein", 10, "5811BD", "Kwartierstad", 51.3699, 6.1690),
    ("welzijn-elzenmonde", "Kerkpad", 4, "5872CE", "Elzenmonde", 51.4112, 6.1340),
    ("buurtwerk-heiderloo", "Buurtweg", 30, "5962DF", "Heiderloo", 51.4520, 6.0880),
    ("ouderenwerk-zilveren-draad", "Zilverlaan", 14, "5832EG", "Kwartierstad", 51.3660, 6.1580),
    ("beweegteam-zuiderkwartier", "Sportlaan", 100, "5842FH", "Kwartierstad", 51.3820, 6.1620),
    ("gemeente-kwartierstad", "Stadhuisplein", 1, "5811GJ", "Kwartierstad", 51.3705, 6.1675),
    ("gemeente-elzenmonde", "Raadhuisstraat", 2, "5871HK", "Elzenmonde", 51.4108, 6.1330),
    ("gemeente-heiderloo", "Raadhuislaan", 3, "5961JL", "Heiderloo", 51.4505, 6.0910),
    ("wijkteam-kwartierstad", "Wijkhof", 7, "5852KM", "Kwartierstad", 51.3610, 6.1760),
    ("wijkteam-elzenmonde", "Brinkstraat", 9, "5882LN", "Elzenmonde", 51.4160, 6.1420),
    ("mantelzorg-zuiderkwartier", "Zorgpad", 11, "5843MP", "Kwartierstad", 51.3830, 6.1640),
    ("vrijwilligers-kwartierstad", "Vrijheidslaan", 15, "5813NR", "Kwartierstad", 51.3720, 6.1710),
    ("maatjes-elzenmonde", "Akkerweg", 19, "5873PT", "Elzenmonde", 51.4120, 6.1350),
    ("buurtkring-heiderloo", "Kringweg", 21, "5963RV", "Heiderloo", 51.4530, 6.0870),
];

struct Spec {
    org: &'static str,
    name: &'static str,
    description: &'static str,
    terms: &'static [&'static str],
    pathways: &'static [Pathway],
    free: bool,
    ages: (Option<u8>, Option<u8>),
    languages: &'static [&'static str],
    /// (weekday, opens hour, closes hour)
    hours: &'static [(u8, u32, u32)],
    by_appointment: bool,
    /// Days before 1 november 2026 the entry was last checked; `None`: never.
    checked_days_ago: Option<i64>,
    status: ServiceStatus,
}

const fn spec(
    org: &'static str,
    name: &'static str,
    description: &'static str,
    terms: &'static [&'static str],
) -> Spec {
    Spec {
        org,
        name,
        description,
        terms,
        pathways: &[],
        free: true,
        ages: (None, None),
        languages: &["nl"],
        hours: &[(1, 9, 17), (2, 9, 17), (3, 9, 17), (4, 9, 17), (5, 9, 17)],
        by_appointment: false,
        checked_days_ago: Some(30),
        status: ServiceStatus::Active,
    }
}

use Pathway::*;

const SPECS: &[Spec] = &[
    Spec { pathways: &[WelzijnOpRecept], languages: &["nl", "en", "tr"], ..spec("welzijn-kwartierstad", "Welzijn op Recept Kwartierstad", "Een welzijnscoach helpt patiënten met klachten waar eenzaamheid, zingeving of stress achter zit om activiteiten in de wijk te vinden. Verwijzing door huisarts of POH.", &["eenzaamheid", "psychische-klachten"]) },
    Spec { hours: &[(2, 10, 12), (4, 14, 16)], ..spec("welzijn-kwartierstad", "Inloopspreekuur Geldzaken", "Vrijwilligers helpen met post, formulieren, toeslagen en een overzicht van schulden. Zonder afspraak.", &["schulden", "juridisch-administratief"]) },
    Spec { ages: (Some(55), None), ..spec("welzijn-kwartierstad", "Ontmoetingscentrum De Kade", "Dagelijkse ontmoeting, koffie en activiteiten voor ouderen in de binnenstad.", &["eenzaamheid", "ouder-worden"]) },
    Spec { pathways: &[WelzijnOpRecept], languages: &["nl", "ar"], ..spec("welzijn-elzenmonde", "Welzijn op Recept Elzenmonde", "Welzijnscoach voor inwoners met psychosociale klachten; samen zoeken naar wat energie geeft.", &["eenzaamheid", "psychische-klachten"]) },
    Spec { ages: (Some(12), Some(23)), hours: &[(3, 14, 21), (5, 14, 22)], ..spec("welzijn-elzenmonde", "Jongerenwerk Elzenmonde", "Jongerenwerkers in de wijk en in het jongerencentrum: voor vragen, activiteiten en een luisterend oor.", &["jeugd", "opvoeding"]) },
    Spec { ..spec("buurtwerk-heiderloo", "Buurthuis Heiderloo", "Activiteiten, taalcafé en spreekuren in het buurthuis.", &["eenzaamheid", "taal"]) },
    Spec { languages: &["nl", "ar", "ti", "uk"], hours: &[(1, 19, 21)], ..spec("buurtwerk-heiderloo", "Taalcafé Heiderloo", "Elke maandagavond Nederlands oefenen in een ontspannen sfeer, met vrijwilligers.", &["taal"]) },
    Spec { pathways: &[Valpreventie], ages: (Some(65), None), hours: &[(2, 10, 11), (4, 10, 11)], ..spec("ouderenwerk-zilveren-draad", "In Balans", "Cursus van tien weken voor thuiswonende ouderen die bang zijn om te vallen: oefeningen voor kracht en evenwicht, tips voor een veilig huis.", &["valrisico", "bewegen"]) },
    Spec { ages: (Some(65), None), by_appointment: true, hours: &[], ..spec("ouderenwerk-zilveren-draad", "Ouderenadviseur", "Huisbezoek door een ouderenadviseur bij vragen over wonen, hulp thuis, geld en zingeving.", &["ouder-worden", "wonen", "zorg-thuis"]) },
    Spec { ages: (Some(65), None), ..spec("ouderenwerk-zilveren-draad", "Ontmoetingscentrum De Kade", "Ontmoeting en activiteiten voor ouderen (dubbele invoer van het welzijnswerk).", &["eenzaamheid"]) },
    Spec { pathways: &[GliVolwassenen], free: false, ages: (Some(18), None), by_appointment: true, hours: &[], ..spec("beweegteam-zuiderkwartier", "Gecombineerde leefstijlinterventie (GLI) volwassenen", "Twee jaar begeleiding door leefstijlcoach bij overgewicht: gezond eten, meer bewegen, beter slapen. Vergoed uit de basisverzekering met verwijzing.", &["overgewicht", "bewegen"]) },
    Spec { pathways: &[GliJeugd], ages: (Some(4), Some(17)), by_appointment: true, hours: &[], ..spec("beweegteam-zuiderkwartier", "Beweegkracht kids (GLI jeugd)", "Programma voor kinderen met overgewicht en hun ouders: samen sporten, koken en opvoedtips.", &["overgewicht", "jeugd", "opvoeding"]) },
    Spec { hours: &[(2, 9, 10), (4, 9, 10), (6, 9, 10)], ..spec("beweegteam-zuiderkwartier", "Wandelgroep Kwartierstad", "Drie keer per week samen wandelen vanaf het Marktplein, onder begeleiding, in eigen tempo.", &["bewegen", "eenzaamheid"]) },
    Spec { pathways: &[GliVolwassenen, Valpreventie], free: false, by_appointment: true, hours: &[], ..spec("fysio-de-sprong", "Fysiotherapie De Sprong", "Fysiotherapie, valpreventietraining en begeleiding bij beweegprogramma's.", &["bewegen", "valrisico", "chronische-aandoening"]) },
    Spec { free: false, by_appointment: true, hours: &[], ..spec("fysio-beweegpunt", "Beweegpunt Elzenmonde", "Fysiotherapie en medische training voor mensen met een chronische aandoening.", &["bewegen", "chronische-aandoening"]) },
    Spec { pathways: &[Valpreventie], free: false, ages: (Some(60), None), hours: &[(3, 10, 11)], ..spec("fysio-heiderloo", "Valpreventie Heiderloo", "Groepstraining evenwicht en kracht voor senioren, in het buurthuis.", &["valrisico"]) },
    Spec { free: false, by_appointment: true, hours: &[], ..spec("dietisten-zuiderkwartier", "Diëtist in de wijk", "Voedingsadvies bij overgewicht, diabetes en ondervoeding; drie uur per jaar vergoed.", &["overgewicht", "chronische-aandoening"]) },
    Spec { pathways: &[KansrijkeStart], free: false, by_appointment: true, hours: &[], ..spec("verloskunde-de-wieg", "Verloskundigenpraktijk De Wieg", "Zorg tijdens zwangerschap, bevalling en kraamtijd, met extra aandacht voor kwetsbare zwangeren.", &["zwangerschap-jonge-ouders"]) },
    Spec { pathways: &[KansrijkeStart], languages: &["nl", "en", "ar", "pl"], hours: &[(3, 9, 12)], ..spec("wijkteam-kwartierstad", "Kansrijke Start spreekuur", "Steun voor (aanstaande) ouders in een lastige situatie: geld, wonen, relatie of stress, in de eerste 1000 dagen.", &["zwangerschap-jonge-ouders", "opvoeding", "schulden"]) },
    Spec { ..spec("wijkteam-kwartierstad", "Sociaal Wijkteam Kwartierstad", "Eén loket voor vragen over hulp thuis, jeugdhulp, schulden en wonen (Wmo en Jeugdwet).", &["zorg-thuis", "schulden", "wonen", "opvoeding"]) },
    Spec { ..spec("wijkteam-elzenmonde", "Wijkteam Elzenmonde", "Het wijkteam helpt bij vragen over zorg, welzijn, werk en inkomen.", &["zorg-thuis", "werk-dagbesteding", "schulden"]) },
    Spec { hours: &[(1, 9, 12), (3, 9, 12)], ..spec("gemeente-kwartierstad", "Schuldhulpverlening Kwartierstad", "Gratis hulp van de gemeente bij problematische schulden, van budgetcoaching tot schuldregeling.", &["schulden"]) },
    Spec { ..spec("gemeente-elzenmonde", "Wmo-loket Elzenmonde", "Aanvragen voor hulpmiddelen, woningaanpassing, vervoer en huishoudelijke hulp.", &["zorg-thuis", "vervoer", "wonen"]) },
    Spec { checked_days_ago: Some(400), ..spec("gemeente-heiderloo", "Regiotaxi Heiderloo", "Vervoer op maat voor inwoners met een Wmo-indicatie.", &["vervoer"]) },
    Spec { ..spec("mantelzorg-zuiderkwartier", "Steunpunt Mantelzorg", "Informatie, advies en respijtzorg voor mantelzorgers; ook lotgenotengroepen.", &["mantelzorg"]) },
    Spec { hours: &[(4, 19, 21)], checked_days_ago: Some(200), ..spec("mantelzorg-zuiderkwartier", "Alzheimer Café Zuiderkwartier", "Maandelijkse avond voor mensen met dementie, hun naasten en hulpverleners.", &["geheugen-dementie", "mantelzorg"]) },
    Spec { checked_days_ago: None, ..spec("vrijwilligers-kwartierstad", "Vrijwilligerscentrale Kwartierstad", "Vrijwilligerswerk vinden dat bij je past, als zinvolle dagbesteding of opstap naar werk.", &["werk-dagbesteding", "eenzaamheid"]) },
    Spec { pathways: &[WelzijnOpRecept], ..spec("maatjes-elzenmonde", "Maatjesproject Elzenmonde", "Een vrijwilliger als maatje voor wie weinig contacten heeft.", &["eenzaamheid"]) },
    Spec { status: ServiceStatus::TemporarilyClosed, ..spec("buurtkring-heiderloo", "Boodschappendienst Heiderloo", "Vrijwilligers doen boodschappen voor wie dat zelf niet kan (tijdelijk gestopt, nieuwe vrijwilligers gezocht).", &["vervoer", "zorg-thuis"]) },
    Spec { status: ServiceStatus::Defunct, checked_days_ago: Some(700), ..spec("buurtkring-heiderloo", "Klussendienst Heiderloo", "Kleine klussen in en om het huis (gestopt).", &["wonen"]) },
    Spec { by_appointment: true, hours: &[], free: false, ..spec("wijkverpleging-de-kring", "Wijkverpleging De Kring", "Verpleging en persoonlijke verzorging thuis, dag en nacht bereikbaar.", &["zorg-thuis", "chronische-aandoening"]) },
    Spec { free: false, ..spec("thuiszorg-zuiderkwartier", "Huishoudelijke hulp", "Hulp bij het huishouden via de Wmo of particulier.", &["zorg-thuis"]) },
    Spec { ..spec("apotheek-de-vijzel", "Medicatiebeoordeling Apotheek De Vijzel", "Jaarlijks gesprek over alle medicijnen voor wie vijf of meer geneesmiddelen gebruikt; ook over valrisico door medicijnen.", &["medicatie", "valrisico"]) },
    Spec { ..spec("apotheek-elzenmonde", "Stoppen met roken in de apotheek", "Begeleiding en hulpmiddelen om te stoppen met roken.", &["verslaving"]) },
    Spec { by_appointment: true, ..spec("apotheek-haventoren", "Inhalatie-instructie Apotheek Haventoren", "Uitleg en controle van het gebruik van de inhalator bij astma en COPD, op afspraak aan de balie of thuis.", &["medicatie", "chronische-aandoening"]) },
];

/// The demo's social map, in the same order every time.
pub fn generate() -> Directory {
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).expect("1 November 2026 is a calendar date");
    let locations: Vec<Location> = PLACES
        .iter()
        .enumerate()
        .map(|(n, (org, street, number, postcode, city, lat, lon))| Location {
            id: id(1, n),
            organization: code(org),
            name: format!("{street} {number}, {city}"),
            description: None,
            address: Some(LocationAddress {
                street: (*street).to_owned(),
                house_number: *number,
                house_number_suffix: None,
                postcode: postcode.parse().expect("demo postcodes are valid"),
                city: (*city).to_owned(),
            }),
            point: Some(GeoPoint::new(*lat, *lon).expect("demo points lie in the Netherlands")),
        })
        .collect();
    let services = SPECS
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let location =
                locations.iter().find(|l| l.organization.as_str() == s.org).expect("every organisation has a place");
            Service {
                id: id(2, n),
                organization: code(s.org),
                name: s.name.to_owned(),
                alternate_name: None,
                description: s.description.to_owned(),
                url: Some(format!("https://{}.example/", s.org)),
                email: Some(format!("info@{}.example", s.org)),
                status: s.status,
                assured_date: s.checked_days_ago.map(|d| today - chrono::Duration::days(d)),
                application_process: None,
                fees_description: (!s.free).then(|| "Vergoed uit de zorgverzekering of met eigen bijdrage.".to_owned()),
                free_of_charge: s.free,
                eligibility_description: None,
                minimum_age: s.ages.0,
                maximum_age: s.ages.1,
                languages: s.languages.iter().map(|l| l.parse().expect("demo languages are ISO 639-1")).collect(),
                domain: domain_of(s.org),
                pathways: s.pathways.to_vec(),
                serves_wijken: vec![],
                serves_networks: vec![],
                taxonomy_terms: s.terms.iter().map(|t| code(t)).collect(),
                foreign_terms: Vec::new(),
                phones: vec![Phone {
                    number: format!("077 {:03} {:02} {:02}", 300 + n, n % 100, (n * 7) % 100),
                    description: None,
                }],
                contacts: vec![Contact { name: "Receptie".into(), title: None, email: None, phone: None }],
                schedule: Schedule {
                    slots: s
                        .hours
                        .iter()
                        .map(|(weekday, opens, closes)| OpeningSlot {
                            weekday: *weekday,
                            opens: NaiveTime::from_hms_opt(*opens, 0, 0)
                                .expect("the demo opening hours are whole hours of the day"),
                            closes: NaiveTime::from_hms_opt(*closes, 0, 0)
                                .expect("the demo opening hours are whole hours of the day"),
                        })
                        .collect(),
                    by_appointment: s.by_appointment,
                    notes: None,
                    rules: Vec::new(),
                },
                locations: vec![location.id.clone()],
            }
        })
        .collect();
    Directory { locations, services }
}

fn domain_of(org: &str) -> Domain {
    crate::demo::region()
        .organizations
        .iter()
        .find(|o| o.code.as_str() == org)
        .map(|o| o.domain)
        .expect("demo services belong to demo organisations")
}

/// PC4 centroids for every postcode area the demo uses (practices and
/// service locations), so that distance search works in the demo. Each
/// area lies near its organisations, or near its town's centre.
pub fn postcode_centroids() -> Vec<(String, GeoPoint)> {
    let region = crate::demo::region();
    let mut out: Vec<(String, GeoPoint)> = Vec::new();
    for (_, _, _, postcode, _, lat, lon) in PLACES {
        let pc4 = postcode[..4].to_owned();
        if !out.iter().any(|(p, _)| p == &pc4) {
            out.push((pc4, GeoPoint::new(lat, lon).expect("demo points lie in the Netherlands")));
        }
    }
    for p in &region.practices {
        let pc4 = p.address.postcode.pc4().to_owned();
        if out.iter().any(|(q, _)| q == &pc4) {
            continue;
        }
        // The town's places, averaged, moved a little per area so that areas differ.
        let town: Vec<(f64, f64)> = PLACES.iter().filter(|pl| pl.4 == p.address.city).map(|pl| (pl.5, pl.6)).collect();
        let n = town.len().max(1) as f64;
        let (lat, lon) = town.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
        let shift = f64::from(p.address.postcode.pc4().as_bytes()[3] - b'0') * 0.003;
        out.push((pc4, GeoPoint::new(lat + shift, lon - shift).expect("near the demo towns")));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_service_is_sound_and_refers_to_known_things() {
        let region = crate::demo::region();
        let terms = crate::taxonomy::shipped();
        let d = generate();
        assert!(d.services.len() >= 30);
        for s in &d.services {
            assert!(s.problems().is_empty(), "{}: {:?}", s.name, s.problems());
            assert!(region.organizations.iter().any(|o| o.code == s.organization), "{}", s.name);
            for t in &s.taxonomy_terms {
                assert!(terms.iter().any(|x| &x.code == t), "{}: unknown term {t}", s.name);
            }
            for l in &s.locations {
                assert!(d.locations.iter().any(|x| &x.id == l));
            }
        }
        for l in &d.locations {
            assert!(region.organizations.iter().any(|o| o.code == l.organization));
        }
    }

    #[test]
    fn every_demo_postcode_area_has_a_centroid() {
        let centroids = postcode_centroids();
        let region = crate::demo::region();
        for p in &region.practices {
            assert!(centroids.iter().any(|(pc, _)| pc == p.address.postcode.pc4()), "{}", p.address.postcode);
        }
        for l in generate().locations {
            let pc4 = l.address.unwrap().postcode.pc4().to_owned();
            assert!(centroids.iter().any(|(pc, _)| pc == &pc4), "{pc4}");
        }
    }

    #[test]
    fn the_demo_has_the_cases_a_social_map_has() {
        let d = generate();
        let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert!(d.services.iter().any(|s| s.is_stale(today, 180) && s.assured_date.is_some()));
        assert!(d.services.iter().any(|s| s.assured_date.is_none()));
        assert!(d.services.iter().any(|s| s.status == ServiceStatus::Defunct));
        assert!(d.services.iter().any(|s| s.status == ServiceStatus::TemporarilyClosed));
        for p in Pathway::ALL {
            assert!(d.services.iter().any(|s| s.pathways.contains(&p)), "{p:?}");
        }
        let key = |s: &Service| wijkregie_core::directory::duplicate_key(&s.name);
        assert!(d.services.iter().enumerate().any(|(i, a)| d.services[..i].iter().any(|b| key(a) == key(b))));
        let ids: std::collections::BTreeSet<_> = d.services.iter().map(|s| &s.id).collect();
        assert_eq!(ids.len(), d.services.len());
    }
}
