//! The region file as its writers meet it: a valid file, a file full of
//! mistakes, broken JSON, and the example from the documentation.

use chrono::NaiveDate;
use wijkregie_core::region::{CoordinatorArrangement, HoursPerWeek, Module, NetworkStatus};
use wijkregie_formats::region_file::{parse, render, FieldError};

const VALID: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/valid.region.json"));
const MANY_MISTAKES: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/many-mistakes.region.json"));

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn errors_in(json: &str) -> Vec<FieldError> {
    match parse(json) {
        Ok(file) => panic!("expected errors, got {file:#?}"),
        Err(errors) => errors,
    }
}

fn message_at<'e>(errors: &'e [FieldError], path: &str) -> &'e str {
    &errors.iter().find(|e| e.field == path).unwrap_or_else(|| panic!("no error at {path}: {errors:#?}")).message
}

#[test]
fn a_valid_file_is_read_with_normalised_values() {
    let file = parse(VALID).unwrap();
    assert_eq!(file.region.name, "Regio Zuiderkwartier");
    assert_eq!(file.wijken[0].areas[1].code.as_str(), "BU19910201");
    assert!(file.wijken[1].areas.is_empty());

    let linde = &file.practices[0];
    assert_eq!(linde.address.postcode.as_str(), "1215EK");
    assert_eq!(linde.address.house_number_suffix.as_deref(), Some("a"));
    // Counts come back sorted by date, whatever the order in the file.
    let dates: Vec<_> = linde.registered_patients.iter().map(|c| c.date).collect();
    assert_eq!(dates, [d("2025-01-01"), d("2025-04-01")]);

    let anker = &file.practices[1];
    assert_eq!(anker.wijk, None);
    assert_eq!(anker.address.house_number_suffix, None, "empty suffix");
    assert!(anker.registered_patients.is_empty());

    let [noord, zuid, oost] = &file.networks[..] else { panic!("three networks expected") };
    assert_eq!(noord.status, NetworkStatus::Actief);
    assert_eq!(noord.practices[1].until, Some(d("2024-06-30")));
    assert_eq!(noord.partners[0].until, None);
    assert_eq!(zuid.module, Module::CoordinatorOnly);
    assert_eq!(
        zuid.coordinator,
        Some(CoordinatorArrangement::Own {
            hours_per_week: HoursPerWeek::parse_hours("7.75").unwrap(),
            start_date: d("2025-10-01"),
        })
    );
    assert!(zuid.partners.is_empty(), "an absent list is empty");
    assert!(oost.wijken.is_empty() && oost.registered_on.is_none());
    assert!(matches!(
        oost.coordinator,
        Some(CoordinatorArrangement::Own { hours_per_week, .. }) if hours_per_week.minutes() == 750
    ));
}

#[test]
fn every_mistake_in_a_file_is_reported_with_its_path() {
    let errors = errors_in(MANY_MISTAKES);
    let paths: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        paths,
        [
            "$.format",
            "$.region['short name']",
            "$.region.code",
            "$.region.name",
            "$.wijken[0].areas[1].code",
            "$.wijken[0].areas[1].year",
            "$.wijken[1].code",
            "$.wijken[1].areas[0].code",
            "$.wijken[2].nme",
            "$.wijken[2].name",
            "$.wijken[2].areas",
            "$.practices[0].address.postcode",
            "$.practices[0].wijk",
            "$.practices[0].registered_patients[1].date",
            "$.practices[0].registered_patients[2].count",
            "$.practices[1].agb",
            "$.practices[1].name",
            "$.practices[1].address.country",
            "$.practices[1].address.house_number",
            "$.practices[1].address.postcode",
            "$.practices[1].registered_patients[0].date",
            "$.practices[1].registered_patients[0].count",
            "$.practices[2].agb",
            "$.practices[2].address.house_number",
            "$.organizations[1].domain",
            "$.organizations[2].code",
            "$.networks[0].wijken[1]",
            "$.networks[0].wijken[2]",
            "$.networks[0].coordinator.hours_per_week",
            "$.networks[0].practices[1].agb",
            "$.networks[0].partners[0].organization",
            // From Network::problems, placed under the network's path.
            "$.networks[0].stopped_on",
            "$.networks[0].stopped_on",
            "$.networks[0].practices[0].until",
            "$.networks[1].module",
            "$.networks[1].coordinator.option",
            "$.networks[1].name",
            "$.networks[1].stopped_on",
            "$.networks[2].extra",
            "$.networks[2].name",
            "$.networks[2].module",
            "$.networks[2].coordinator.name",
            "$.networks[2].practices",
            "$.networks[3].code",
        ],
        "{errors:#?}"
    );
}

#[test]
fn the_messages_say_in_dutch_what_is_wrong() {
    let errors = errors_in(MANY_MISTAKES);
    let expected = [
        ("$.format", "onbekend formaat 'wijkregie-region/2': verwacht wijkregie-region/1"),
        ("$.wijken[2].name", "verplicht veld ontbreekt"),
        ("$.wijken[2].areas", "verwacht een lijst, maar vond tekst"),
        ("$.wijken[1].code", "wijk 'noord' komt al voor in $.wijken[0].code"),
        ("$.wijken[1].areas[0].code", "gebied 'WK099901 (2024)' komt al voor in $.wijken[0].areas[0].code"),
        ("$.wijken[0].areas[1].year", "het jaar 1985 ligt buiten het bereik 1990–2100"),
        ("$.practices[0].wijk", "onbekende wijk 'west': die staat niet in $.wijken"),
        (
            "$.practices[0].registered_patients[1].date",
            "er is al een telling op 2025-01-01 in $.practices[0].registered_patients[0]",
        ),
        ("$.practices[0].registered_patients[2].count", "een aantal patiënten kan niet negatief zijn"),
        ("$.practices[1].name", "verwacht tekst, maar vond een getal"),
        ("$.practices[1].registered_patients[0].count", "verwacht een geheel getal, maar vond 12.5"),
        ("$.practices[2].agb", "AGB-code '01012345' komt al voor in $.practices[0].agb"),
        ("$.networks[0].wijken[1]", "onbekende wijk 'oost': die staat niet in $.wijken"),
        ("$.networks[0].wijken[2]", "wijk 'noord' staat al in deze lijst, op $.networks[0].wijken[0]"),
        ("$.networks[1].name", "de naam is verplicht"),
        ("$.networks[1].stopped_on", "een gestopt netwerk heeft een stopdatum"),
        ("$.networks[3].code", "netwerk 'wsv-noord' komt al voor in $.networks[0].code"),
    ];
    for (path, message) in expected {
        assert_eq!(message_at(&errors, path), message, "at {path}");
    }
    // The core parsers' own messages are passed on unchanged.
    let contains = [
        ("$.region.code", "geen geldige code"),
        ("$.region.name", "de naam is verplicht"),
        ("$.region['short name']", "onbekend veld"),
        ("$.practices[0].address.postcode", "begint niet met 0"),
        ("$.practices[1].address.postcode", "worden niet uitgegeven"),
        ("$.practices[1].agb", "precies 8 cijfers"),
        ("$.practices[1].registered_patients[0].date", "geen geldige datum"),
        ("$.practices[2].address.house_number", "huisnummer 0 bestaat niet"),
        ("$.organizations[1].domain", "kies uit zorg, welzijn"),
        ("$.networks[0].coordinator.hours_per_week", "geen geldig aantal uren"),
        ("$.networks[0].practices[1].agb", "onbekende AGB-code '01099999'"),
        ("$.networks[0].partners[0].organization", "onbekende organisatie 'welzijn-zuid'"),
        ("$.networks[0].practices[0].until", "vóór het begin"),
        ("$.networks[1].coordinator.option", "kies A"),
    ];
    for (path, part) in contains {
        let message = message_at(&errors, path);
        assert!(message.contains(part), "at {path}: {message}");
    }
}

#[test]
fn broken_json_gives_one_error_with_line_and_column() {
    let errors = errors_in("{\n  \"format\": \"wijkregie-region/1\",\n  \"region\" {}\n}");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "$");
    assert!(
        errors[0].message.starts_with("ongeldige JSON op regel 3, kolom 12: de opmaak klopt hier niet"),
        "{}",
        errors[0].message
    );

    let cut_short = errors_in("{\"format\": ");
    assert!(cut_short[0].message.contains("houdt halverwege op"), "{cut_short:?}");
    assert_eq!(errors_in("").len(), 1);
}

/// Found by the fuzz target (issue 22): serde's English detail was appended
/// in brackets, "de opmaak klopt hier niet (expected `:`)".
#[test]
fn broken_json_is_explained_in_dutch_only() {
    let errors = errors_in("{\n  \"format\": \"wijkregie-region/1\",\n  \"region\" {}\n}");
    assert_eq!(
        errors[0].message,
        "ongeldige JSON op regel 3, kolom 12: de opmaak klopt hier niet: hier hoort een dubbele punt"
    );
    for text in ["{\"a\": 1,}", "[1 2]", "{\"a\": tru}", "{} x"] {
        let message = &errors_in(text)[0].message;
        assert!(!message.contains("expected") && !message.contains("trailing"), "{message}");
    }
}

#[test]
fn a_document_that_is_not_an_object_is_refused() {
    for json in ["[]", "42", "null", "\"regio\""] {
        let errors = errors_in(json);
        assert_eq!(errors.len(), 1, "{json}: {errors:?}");
        assert_eq!(errors[0].field, "$");
        assert!(errors[0].message.starts_with("verwacht een object"), "{json}");
    }
}

#[test]
fn an_empty_region_needs_only_format_and_region() {
    let file = parse(r#"{"format": "wijkregie-region/1", "region": {"code": "regio-x", "name": "Regio X"}}"#).unwrap();
    assert!(file.wijken.is_empty() && file.networks.is_empty());
    assert_eq!(parse(&render(&file)), Ok(file));

    let fields: Vec<_> = errors_in("{}").into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["$.format", "$.region"]);
}

#[test]
fn hours_may_be_a_number_or_text() {
    let with_hours = |hours: &str| {
        format!(
            r#"{{"format": "wijkregie-region/1", "region": {{"code": "regio-x", "name": "X"}},
            "networks": [{{"code": "wsv-x", "name": "WSV X", "module": "wijkmanagement",
            "status": "interesse", "coordinator": {{"option": "B", "hours_per_week": {hours},
            "start_date": "2025-01-01"}}}}]}}"#
        )
    };
    for (hours, minutes) in [("8", 480), ("12.5", 750), ("\"12,5\"", 750), ("\"6\"", 360)] {
        let file = parse(&with_hours(hours)).unwrap_or_else(|e| panic!("{hours}: {e:?}"));
        let Some(CoordinatorArrangement::Own { hours_per_week, .. }) = file.networks[0].coordinator else {
            panic!("option B expected")
        };
        assert_eq!(hours_per_week.minutes(), minutes, "{hours}");
    }
    for bad in ["0", "-4", "61", "true", "\"acht\"", "8.3"] {
        let errors = errors_in(&with_hours(bad));
        assert_eq!(errors.len(), 1, "{bad}: {errors:?}");
        assert_eq!(errors[0].field, "$.networks[0].coordinator.hours_per_week");
    }
}

#[test]
fn an_option_a_coordinator_has_no_hours() {
    let json = r#"{"format": "wijkregie-region/1", "region": {"code": "regio-x", "name": "X"},
        "networks": [{"code": "wsv-x", "name": "WSV X", "module": "wijkmanagement", "status": "interesse",
        "coordinator": {"option": "A", "name": "Fenna Dijkgraaf", "hours_per_week": 8}}]}"#;
    let fields: Vec<_> = errors_in(json).into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["$.networks[0].coordinator.hours_per_week"]);
}

#[test]
fn rendering_writes_the_documented_shape() {
    let file = parse(VALID).unwrap();
    let json = render(&file);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["format"], "wijkregie-region/1");
    assert_eq!(value["practices"][0]["address"]["postcode"], "1215EK");
    assert_eq!(value["practices"][0]["registered_patients"][0]["date"], "2025-01-01");
    assert_eq!(value["practices"][1]["wijk"], serde_json::Value::Null);
    assert_eq!(value["networks"][1]["coordinator"]["hours_per_week"], 7.75);
    assert_eq!(value["networks"][2]["coordinator"]["hours_per_week"], 12.5);
    assert_eq!(value["networks"][0]["coordinator"]["option"], "A");
    assert_eq!(value["networks"][0]["partners"][0]["organization"], "welzijn-noord");
    assert_eq!(value["networks"][0]["stopped_on"], serde_json::Value::Null);
    assert!(json.starts_with("{\n  \"format\": \"wijkregie-region/1\",\n  \"region\""));
    assert_eq!(parse(&json), Ok(file));
}

/// The example in docs/region-file.md is a real, valid file.
#[test]
fn the_documented_example_is_valid() {
    let doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/region-file.md"));
    let start = doc.find("```json\n").expect("the doc has a JSON example") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("the example is closed");
    let file = parse(&doc[start..end]).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(parse(&render(&file)), Ok(file));
}

#[test]
fn network_rules_still_run_when_other_fields_of_the_network_are_wrong() {
    let json = r#"{"format": "wijkregie-region/1", "region": {"code": "regio-x", "name": "X"},
        "organizations": [{"code": "welzijn-x", "name": "Welzijn X", "domain": "welzijn"}],
        "networks": [{"code": "WSV X", "name": "WSV X", "module": "?", "status": "actief",
            "registered_on": "2024-01-01", "practices": "alle",
            "partners": [{"organization": "welzijn-x", "from": "2024-01-01"},
                         {"organization": "welzijn-x", "from": "2024-06-01"}]}]}"#;
    let fields: Vec<_> = errors_in(json).into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        ["$.networks[0].code", "$.networks[0].module", "$.networks[0].practices", "$.networks[0].partners[1]",]
    );
}

#[test]
fn a_practice_in_two_networks_on_one_day_is_refused_naming_both() {
    // In the valid file, 01054321 leaves WSV Noord on 30 June 2024 and joins
    // WSV Zuid on 1 September 2025. Joining Zuid on the day it leaves Noord
    // makes one day in two networks: both would be paid for its patients.
    let overlapping = VALID.replace(
        r#""practices": [{"agb": "01054321", "from": "2025-09-01"}]"#,
        r#""practices": [{"agb": "01054321", "from": "2024-06-30"}]"#,
    );
    assert_ne!(overlapping, VALID, "the fixture has the membership this test moves");
    let errors = errors_in(&overlapping);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let message = message_at(&errors, "$.networks[1].practices[0]");
    assert!(message.contains("op 30 juni 2024 lid van zowel WSV Noord als WSV Zuid"), "{message}");
}
