//! The hand-computed fixture and the properties of aggregation, comparison
//! and theme suggestions.
//!
//! Fixture: four buurten of Hilversum (GM0402) in the 2024 boundaries, 2024
//! figures. Buurt C is tiny, so CBS suppressed its household breakdown and
//! income; RIVM suppressed severe loneliness in buurt D.
//!
//! | buurt | inh. | 0–14 | 15–24 | 25–44 | 45–64 | 65+ | (15+) | hh | 1-p hh | 1-p 65+ | low inc. | income | sev. lonely      |
//! |-------|------|------|-------|-------|-------|-----|-------|----|--------|---------|----------|--------|------------------|
//! | A     | 1000 | 200  | 100   | 300   | 250   | 150 | 800   | 500| 200    | 60      | 10,0%    | 30,0   | 10,0 [8,0–12,0]  |
//! | B     | 3000 | 300  | 300   | 900   | 900   | 600 | 2700  |1500| 500    | 240     | 20,0%    | 25,0   | 15,0 [13,0–17,0] |
//! | C     | 50   | 5    | 5     | 10    | 10    | 20  | 45    | 30 | ?      | ?       | ?        | ?      | 30,0 [10,0–50,0] |
//! | D     | 950  | 95   | 105   | 250   | 300   | 200 | 855   | 450| 150    | 80      | 12,0%    | 28,0   | ?                |

use proptest::prelude::*;

use super::*;
use crate::codes::CbsCode;
use crate::region::Area;

const YEAR: i32 = 2024;

fn n(s: &str) -> Number {
    s.parse().unwrap()
}

fn code(s: &str) -> CbsCode {
    s.parse().unwrap()
}

fn area(s: &str) -> Area {
    Area { code: code(s), year: YEAR as u16 }
}

fn cbs() -> Source {
    Source { publisher: "CBS".into(), table: "Kerncijfers wijken en buurten 2024".into(), year: 2025 }
}

fn rivm() -> Source {
    Source { publisher: "RIVM".into(), table: "Gezondheidsmonitor Volwassenen en Ouderen 2024".into(), year: 2025 }
}

fn figure(area: &str, indicator: Indicator, value: Option<&str>) -> AreaFigure {
    let source = if indicator.is_estimate() { rivm() } else { cbs() };
    AreaFigure {
        area: code(area),
        vintage: YEAR,
        year: YEAR,
        indicator,
        value: value.map_or(Value::Unknown, |v| Value::Known(n(v))),
        interval: None,
        source,
    }
}

fn estimate(area: &str, indicator: Indicator, value: Option<(&str, &str, &str)>) -> AreaFigure {
    let mut f = figure(area, indicator, value.map(|(v, _, _)| v));
    f.interval = value.map(|(_, low, high)| Interval { low: n(low), high: n(high) });
    f
}

/// One buurt's counts, in the column order of the table above.
fn buurt(code: &str, counts: [&str; 10], low_income: Option<&str>, income: Option<&str>) -> Vec<AreaFigure> {
    use Indicator::*;
    let indicators = [
        Inhabitants,
        Age0To14,
        Age15To24,
        Age25To44,
        Age45To64,
        Age65Plus,
        Households,
        OnePersonHouseholds,
        OnePersonHouseholds65Plus,
        HouseholdsWithChildren,
    ];
    let mut figures: Vec<AreaFigure> =
        indicators.iter().zip(counts).map(|(i, c)| figure(code, *i, (c != "?").then_some(c))).collect();
    figures.push(figure(code, LowIncomeHouseholds, low_income));
    figures.push(figure(code, IncomePerInhabitant, income));
    figures
}

fn fixture() -> Vec<AreaFigure> {
    let mut f = Vec::new();
    f.extend(buurt(
        "BU04020001",
        ["1000", "200", "100", "300", "250", "150", "500", "200", "60", "150"],
        Some("10"),
        Some("30"),
    ));
    f.extend(buurt(
        "BU04020002",
        ["3000", "300", "300", "900", "900", "600", "1500", "500", "240", "400"],
        Some("20"),
        Some("25"),
    ));
    f.extend(buurt("BU04020003", ["50", "5", "5", "10", "10", "20", "30", "?", "?", "?"], None, None));
    f.extend(buurt(
        "BU04020004",
        ["950", "95", "105", "250", "300", "200", "450", "150", "80", "120"],
        Some("12"),
        Some("28"),
    ));
    f.push(estimate("BU04020001", Indicator::SeverelyLonely, Some(("10", "8", "12"))));
    f.push(estimate("BU04020002", Indicator::SeverelyLonely, Some(("15", "13", "17"))));
    f.push(estimate("BU04020003", Indicator::SeverelyLonely, Some(("30", "10", "50"))));
    f.push(estimate("BU04020004", Indicator::SeverelyLonely, None));
    f
}

fn wijk() -> Vec<Area> {
    ["BU04020001", "BU04020002", "BU04020003", "BU04020004"].into_iter().map(area).collect()
}

/// The region is the municipality GM0402 as a whole.
fn region() -> Reference {
    let mut f = buurt(
        "GM0402",
        ["90000", "9900", "10000", "25000", "28900", "16200", "42000", "15000", "4860", "11000"],
        Some("15"),
        Some("29"),
    );
    f.push(estimate("GM0402", Indicator::SeverelyLonely, Some(("12", "11.5", "12.5"))));
    Reference { level: ReferenceLevel::Region, profile: Profile::build(&f, &[area("GM0402")], YEAR) }
}

fn agg(indicator: Indicator) -> Aggregate {
    aggregate(&fixture(), &wijk(), YEAR, indicator)
}

#[test]
fn counts_are_summed() {
    // 1000 + 3000 + 50 + 950
    let a = agg(Indicator::Inhabitants);
    assert_eq!(a.value, Value::Known(n("5000")));
    assert!(a.completeness.is_complete());
    assert_eq!(a.completeness.missing_population, Some(0));
    assert_eq!(a.sources, [cbs()]);
}

#[test]
fn a_count_with_an_unknown_part_is_incomplete_and_says_how_much_is_missing() {
    // 200 + 500 + 150; buurt C (50 inhabitants) is suppressed.
    let a = agg(Indicator::OnePersonHouseholds);
    assert_eq!(a.value, Value::Known(n("850")));
    assert_eq!(
        a.completeness,
        Completeness {
            known_parts: 3,
            total_parts: 4,
            missing_population: Some(50),
            missing_areas: vec![code("BU04020003")],
        }
    );
}

#[test]
fn shares_are_recomputed_from_counts_never_averaged() {
    // (150 + 600 + 20 + 200) / 5000 = 970 / 5000 = 19,4%. The mean of the
    // buurten's shares (15 + 20 + 40 + 21,05) / 4 ≈ 24,0% would let 50
    // people in buurt C weigh as much as 3000 in buurt B.
    let a = agg(Indicator::Share65Plus);
    assert_eq!(a.value, Value::Known(n("19.4")));
    assert!(a.completeness.is_complete());
    // (200 + 300 + 5 + 95) / 5000
    assert_eq!(agg(Indicator::Share0To14).value, Value::Known(n("12")));
    // C's numerator is unknown, so C leaves numerator and denominator alike:
    // (200 + 500 + 150) / (500 + 1500 + 450) = 850 / 2450 = 34,6938…% → 34,694
    let one_person = agg(Indicator::ShareOnePersonHouseholds);
    assert_eq!(one_person.value, Value::Known(n("34.694")));
    assert_eq!(one_person.completeness.known_parts, 3);
    // (60 + 240 + 80) / (150 + 600 + 200) = 380 / 950 = 40%
    assert_eq!(agg(Indicator::ShareLivingAlone65Plus).value, Value::Known(n("40")));
}

#[test]
fn health_estimates_are_weighted_by_their_age_group() {
    // Weights are the 15+ inhabitants: A 800, B 2700, C 45; D is unknown.
    // (10·800 + 15·2700 + 30·45) / 3545 = 49850 / 3545 = 14,0620…  → 14,062
    // lower (8·800 + 13·2700 + 10·45) / 3545 = 41950 / 3545 = 11,8336… → 11,834
    // upper (12·800 + 17·2700 + 50·45) / 3545 = 57750 / 3545 = 16,2905… → 16,291
    // The unweighted mean (10 + 15 + 30) / 3 = 18,3 would be wrong.
    let a = agg(Indicator::SeverelyLonely);
    assert_eq!(a.value, Value::Known(n("14.062")));
    assert_eq!(a.interval, Some(Interval { low: n("11.834"), high: n("16.291") }));
    assert_eq!(a.completeness.known_parts, 3);
    assert_eq!(a.completeness.missing_areas, [code("BU04020004")]);
    assert_eq!(a.completeness.missing_population, Some(950));
    // The weights come from CBS, the estimates from RIVM: both are named.
    assert_eq!(a.sources, [cbs(), rivm()]);
}

#[test]
fn published_percentages_and_amounts_are_weighted_by_their_base() {
    // Low income, by households: (10·500 + 20·1500 + 12·450) / 2450 = 40400 / 2450 = 16,4897… → 16,49
    assert_eq!(agg(Indicator::LowIncomeHouseholds).value, Value::Known(n("16.49")));
    // Income, by inhabitants: (30·1000 + 25·3000 + 28·950) / 4950 = 131600 / 4950 = 26,5858… → 26,586
    let income = agg(Indicator::IncomePerInhabitant);
    assert_eq!(income.value, Value::Known(n("26.586")));
    assert_eq!(income.completeness.missing_population, Some(50));
    assert_eq!(income.interval, None);
}

#[test]
fn a_density_is_the_summed_population_over_the_summed_land_area() {
    let mut figures = fixture();
    // A: 1000 on 0,1 km², B: 3000 on 10 km², C: 50 at density 0 (area
    // unknown), D: density unknown.
    for (buurt, density) in [("BU04020001", Some("10000")), ("BU04020002", Some("300")), ("BU04020003", Some("0"))] {
        figures.push(figure(buurt, Indicator::PopulationDensity, density));
    }
    figures.push(figure("BU04020004", Indicator::PopulationDensity, None));
    let a = aggregate(&figures, &wijk(), YEAR, Indicator::PopulationDensity);
    // 4000 / 10,1 km² = 396,0396… → 396,04; the mean of the densities (5150) would be wrong.
    assert_eq!(a.value, Value::Known(n("396.04")));
    assert_eq!(a.completeness.missing_areas, [code("BU04020003"), code("BU04020004")]);
    assert_eq!(a.completeness.missing_population, Some(1000));
    assert_eq!(a.interval, None);
}

#[test]
fn nothing_known_is_unknown_and_an_empty_set_is_not_complete() {
    let a = aggregate(&fixture(), &[area("BU04020003")], YEAR, Indicator::OnePersonHouseholds);
    assert_eq!(a.value, Value::Unknown);
    assert_eq!(a.completeness.missing_population, Some(50));
    let empty = aggregate(&fixture(), &[], YEAR, Indicator::Inhabitants);
    assert_eq!(empty.value, Value::Unknown);
    assert!(!empty.completeness.is_complete());
    let absent = aggregate(&fixture(), &wijk(), YEAR, Indicator::Smoker);
    assert_eq!((absent.value, absent.completeness.known_parts), (Value::Unknown, 0));
}

#[test]
fn a_missing_weight_makes_the_part_unknown_and_missing_population_unknown_too() {
    let mut figures = fixture();
    // Without buurt A's 25–44 count its 15+ population is unknown, so its
    // estimate cannot be weighted.
    figures.retain(|f| !(f.area == code("BU04020001") && f.indicator == Indicator::Age25To44));
    figures.retain(|f| !(f.area == code("BU04020004") && f.indicator == Indicator::Inhabitants));
    let a = aggregate(&figures, &wijk(), YEAR, Indicator::SeverelyLonely);
    // (15·2700 + 30·45) / 2745 = 41850 / 2745 = 15,2459… → 15,246
    assert_eq!(a.value, Value::Known(n("15.246")));
    assert_eq!(a.completeness.missing_areas, [code("BU04020001"), code("BU04020004")]);
    assert_eq!(a.completeness.missing_population, None, "D's inhabitants are unknown");
}

#[test]
fn only_figures_of_the_areas_own_vintage_and_the_year_count() {
    let mut figures = fixture();
    let mut old = figure("BU04020001", Indicator::Inhabitants, Some("999999"));
    old.vintage = 2023;
    figures.push(old);
    let mut other_year = figure("BU04020001", Indicator::Inhabitants, Some("777777"));
    other_year.year = 2023;
    figures.push(other_year);
    assert_eq!(aggregate(&figures, &wijk(), YEAR, Indicator::Inhabitants).value, Value::Known(n("5000")));
}

#[test]
fn an_area_listed_twice_counts_once() {
    let mut areas = wijk();
    areas.push(area("BU04020002"));
    let a = aggregate(&fixture(), &areas, YEAR, Indicator::Inhabitants);
    assert_eq!((a.value, a.completeness.total_parts), (Value::Known(n("5000")), 4));
}

#[test]
fn a_network_aggregates_the_areas_of_its_wijken_once() {
    use crate::region::{Module, Network, NetworkStatus, Wijk};
    let named = |code: &str, areas: &[&str]| Wijk {
        code: code.parse().unwrap(),
        name: code.into(),
        areas: areas.iter().map(|a| area(a)).collect(),
    };
    // Two wijken that share buurt B, and one of another network.
    let wijken = [
        named("noord", &["BU04020001", "BU04020002"]),
        named("oost", &["BU04020002", "BU04020003", "BU04020004"]),
        named("zuid", &["BU04029999"]),
    ];
    let network = Network {
        code: "wsv-noord-oost".parse().unwrap(),
        name: "WSV Noord-Oost".into(),
        wijken: vec!["noord".parse().unwrap(), "oost".parse().unwrap()],
        module: Module::Wijkmanagement,
        status: NetworkStatus::Interesse,
        registered_on: None,
        stopped_on: None,
        coordinator: None,
        practices: vec![],
        partners: vec![],
    };
    let areas = network_areas(&network, &wijken);
    assert_eq!(areas, wijk());
    assert_eq!(aggregate(&fixture(), &areas, YEAR, Indicator::Inhabitants).value, Value::Known(n("5000")));
}

#[test]
fn every_base_fits_an_aggregates_slots() {
    for base in [Base::Inhabitants, Base::Adults, Base::Elderly, Base::Households] {
        assert!(base.parts().len() <= aggregate::MAX_BASE_PARTS, "{base:?}");
    }
}

#[test]
fn a_profile_holds_every_indicator() {
    let profile = Profile::build(&fixture(), &wijk(), YEAR);
    assert_eq!(profile.aggregates.len(), Indicator::ALL.len());
    assert_eq!(profile.get(Indicator::SeverelyLonely), Some(&agg(Indicator::SeverelyLonely)));
}

#[test]
fn comparison_gives_points_and_judges_only_estimates() {
    let region = region();
    let ours = agg(Indicator::Share65Plus);
    let c = compare(&ours, region.profile.get(Indicator::Share65Plus).unwrap(), region.level).unwrap();
    // 19,4% against 16200 / 90000 = 18%
    assert_eq!((c.value, c.reference_value, c.difference), (n("19.4"), n("18"), n("1.4")));
    assert_eq!(c.stands_out, StandsOut::NotAssessed);
    assert!(c.complete);

    // 12 lies inside [11,834; 16,291]: higher, but not beyond the interval.
    let lonely = agg(Indicator::SeverelyLonely);
    let c = compare(&lonely, region.profile.get(Indicator::SeverelyLonely).unwrap(), region.level).unwrap();
    assert_eq!((c.difference, c.stands_out, c.complete), (n("2.062"), StandsOut::No, false));
    assert!(!c.stands_out());

    let low = Aggregate::published(Indicator::SeverelyLonely, YEAR, Value::Known(n("11.8")), None, rivm());
    assert_eq!(compare(&lonely, &low, ReferenceLevel::Netherlands).unwrap().stands_out, StandsOut::Above);
    let high = Aggregate::published(Indicator::SeverelyLonely, YEAR, Value::Known(n("16.3")), None, rivm());
    assert_eq!(compare(&lonely, &high, ReferenceLevel::Netherlands).unwrap().stands_out, StandsOut::Below);
    let on_the_bound = Aggregate::published(Indicator::SeverelyLonely, YEAR, Value::Known(n("16.291")), None, rivm());
    assert_eq!(compare(&lonely, &on_the_bound, ReferenceLevel::Netherlands).unwrap().stands_out, StandsOut::No);

    let unknown = Aggregate::published(Indicator::SeverelyLonely, YEAR, Value::Unknown, None, rivm());
    assert_eq!(compare(&lonely, &unknown, ReferenceLevel::Netherlands), None);
    assert_eq!(compare(&ours, &lonely, ReferenceLevel::Region), None, "different indicators");
}

#[test]
fn a_trend_uses_only_the_areas_own_boundaries_and_names_the_gaps() {
    let mut figures = fixture();
    // 2022 exists only in the 2022 boundaries (other buurt codes).
    let mut old = figure("BU04029999", Indicator::Inhabitants, Some("4800"));
    (old.vintage, old.year) = (2022, 2022);
    figures.push(old);
    // 2025 only for buurt A in our boundaries: a point, but incomplete.
    let mut next = figure("BU04020001", Indicator::Inhabitants, Some("1010"));
    next.year = 2025;
    figures.push(next);

    let t = trend(&figures, &wijk(), Indicator::Inhabitants, &[2025, 2022, 2023, 2024]);
    let points: Vec<(i32, Value)> = t.points.iter().map(|p| (p.year, p.value)).collect();
    assert_eq!(points, [(2024, Value::Known(n("5000"))), (2025, Value::Known(n("1010")))]);
    assert_eq!(
        t.gaps,
        [TrendGap::OtherBoundaries { year: 2022, vintages: vec![2022] }, TrendGap::NoFigures { year: 2023 }]
    );
    let caveat = t.caveat().unwrap();
    assert!(caveat.contains("Voor 2022 zijn er alleen cijfers in een andere gebiedsindeling"), "{caveat}");
    assert!(caveat.contains("Voor 2023 zijn er geen cijfers"), "{caveat}");
    assert!(caveat.contains("1 jaar of jaren berusten niet op alle gebieden"), "{caveat}");
}

#[test]
fn the_fixture_suggests_loneliness_children_and_falls() {
    let profile = Profile::build(&fixture(), &wijk(), YEAR);
    let suggestions = suggest(&default_rules(), &profile, &region());
    let ids: Vec<&str> = suggestions.iter().map(|s| s.rule_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ernstige-eenzaamheid",
            "kinderen-laag-inkomen-gli-jeugd",
            "kinderen-laag-inkomen-kansrijke-start",
            "ouderen-alleenwonend"
        ]
    );

    // Every trigger is reproducible from the figures above.
    let lonely = &suggestions[0].because[0];
    assert_eq!(suggestions[0].pathway, crate::directory::Pathway::WelzijnOpRecept);
    assert_eq!((lonely.value, lonely.reference_value, lonely.difference), (n("14.062"), n("12"), n("2.062")));
    assert_eq!((lonely.known_parts, lonely.total_parts), (3, 4));
    assert_eq!(lonely.sources, [cbs(), rivm()]);
    assert_eq!(
        lonely.explanation(),
        "ernstig eenzaam 2024: 14,1%, de regio 12,0%: 2,1 procentpunt hoger (drempel: meer dan 1 procentpunt). \
         Let op: berust op 3 van de 4 gebieden; van de andere is het cijfer onbekend. \
         Bron: CBS, Kerncijfers wijken en buurten 2024 (2025); RIVM, Gezondheidsmonitor Volwassenen en Ouderen 2024 (2025)."
    );

    let children: Vec<(Indicator, Number, Number)> =
        suggestions[1].because.iter().map(|t| (t.indicator, t.value, t.reference_value)).collect();
    // 12% against 9900 / 90000 = 11%; 16,49% against 15%.
    assert_eq!(
        children,
        [(Indicator::Share0To14, n("12"), n("11")), (Indicator::LowIncomeHouseholds, n("16.49"), n("15"))]
    );
    let falls: Vec<Number> = suggestions[3].because.iter().map(|t| t.difference).collect();
    // 19,4 − 18 and 40 − 4860 / 16200 = 40 − 30
    assert_eq!(falls, [n("1.4"), n("10")]);
}

#[test]
fn suggestions_do_not_depend_on_the_order_of_figures() {
    let mut reversed = fixture();
    reversed.reverse();
    let mut areas = wijk();
    areas.reverse();
    let a = suggest(&default_rules(), &Profile::build(&fixture(), &wijk(), YEAR), &region());
    let b = suggest(&default_rules(), &Profile::build(&reversed, &areas, YEAR), &region());
    assert_eq!(a, b);
}

fn rule(json: &str) -> ThemeRule {
    serde_json::from_str(json).unwrap()
}

#[test]
fn unknown_figures_never_trigger_and_every_condition_must_hold() {
    let profile = Profile::build(&fixture(), &wijk(), YEAR);
    let smokers = rule(
        r#"{"id": "roken", "title": "Stoppen met roken", "pathway": "gli_volwassenen",
            "conditions": [{"indicator": "smoker", "comparison": {"kind": "above_value", "value": 0}}]}"#,
    );
    let both = rule(
        r#"{"id": "beide", "title": "Beide", "pathway": "valpreventie",
            "conditions": [{"indicator": "share_65_plus", "comparison": {"kind": "above_value", "value": "19"}},
                           {"indicator": "share_65_plus", "comparison": {"kind": "above_value", "value": "19.4"}}]}"#,
    );
    assert!(suggest(&[smokers, both], &profile, &region()).is_empty());
}

#[test]
fn fixed_values_and_standing_out_explain_themselves() {
    let profile = Profile::build(&fixture(), &wijk(), YEAR);
    let rules = [
        rule(
            r#"{"id": "veel-ouderen", "title": "Ouderen", "pathway": "valpreventie", "goal": "zorg_op_de_juiste_plek",
                "conditions": [{"indicator": "share_65_plus", "comparison": {"kind": "above_value", "value": "19"}}]}"#,
        ),
        rule(
            r#"{"id": "eenzaam-valt-op", "title": "Eenzaamheid", "pathway": "welzijn_op_recept",
                "conditions": [{"indicator": "severely_lonely", "comparison": {"kind": "stands_out_above"}}]}"#,
        ),
    ];
    // Against the region (12%) loneliness does not stand out; against a
    // country at 11% it does, because 11 lies below [11,834; 16,291].
    let found = suggest(&rules, &profile, &region());
    assert_eq!(found.len(), 1);
    let t = &found[0].because[0];
    assert_eq!((t.reference, t.difference), (None, n("0.4")));
    assert_eq!(
        t.explanation(),
        "aandeel inwoners van 65 jaar en ouder 2024: 19,4%, boven de grens van 19,0%. \
         Bron: CBS, Kerncijfers wijken en buurten 2024 (2025)."
    );

    let nl = Reference {
        level: ReferenceLevel::Netherlands,
        profile: Profile::published(
            YEAR,
            vec![Aggregate::published(Indicator::SeverelyLonely, YEAR, Value::Known(n("11")), None, rivm())],
        ),
    };
    let found = suggest(&rules, &profile, &nl);
    assert_eq!(found.len(), 2);
    let explanation = found[1].because[0].explanation();
    assert!(
        explanation
            .starts_with("ernstig eenzaam 2024: 14,1%, 95%-interval (11,8–16,3%) ligt geheel boven Nederland (11,0%)."),
        "{explanation}"
    );
}

#[test]
fn below_reference_reads_as_lower() {
    let profile = Profile::build(&fixture(), &wijk(), YEAR);
    let low_income = rule(
        r#"{"id": "laag-inkomen", "title": "Inkomen", "pathway": "kansrijke_start",
            "conditions": [{"indicator": "income_per_inhabitant", "comparison": {"kind": "below_reference", "by_points": "2"}}]}"#,
    );
    // 26,586 against 29: 2,414 lower, more than 2.
    let found = suggest(std::slice::from_ref(&low_income), &profile, &region());
    assert_eq!(found[0].because[0].difference, n("-2.414"));
    assert_eq!(
        found[0].because[0].explanation(),
        "gemiddeld inkomen per inwoner 2024: 26,6 × € 1.000, de regio 29,0 × € 1.000: 2,4 × € 1.000 lager \
         (drempel: meer dan 2 × € 1.000). Let op: berust op 3 van de 4 gebieden; van de andere is het cijfer onbekend. \
         Bron: CBS, Kerncijfers wijken en buurten 2024 (2025)."
    );
    let mut stricter = low_income;
    stricter.conditions[0].comparison = Threshold::BelowReference { by_points: n("2.414") };
    assert!(suggest(&[stricter], &profile, &region()).is_empty(), "differences are strict");
}

#[test]
fn the_default_rules_are_valid_and_cover_every_pathway() {
    let rules = default_rules();
    assert_eq!(theme::rule_set_problems(&rules), []);
    for pathway in crate::directory::Pathway::ALL {
        assert!(rules.iter().any(|r| r.pathway == pathway), "{pathway:?}");
    }
    let written = serde_json::to_string(&rules).unwrap();
    assert_eq!(serde_json::from_str::<Vec<ThemeRule>>(&written).unwrap(), rules);
}

#[test]
fn rule_problems_name_the_field() {
    let mut rules = vec![
        rule(
            r#"{"id": "a1", "title": "", "pathway": "gli_jeugd", "conditions": [
                {"indicator": "share_0_14", "comparison": {"kind": "stands_out_above"}},
                {"indicator": "lonely", "comparison": {"kind": "above_reference", "by_points": "-1"}}]}"#,
        ),
        rule(r#"{"id": "a1", "title": "Leeg", "pathway": "gli_jeugd", "conditions": []}"#),
    ];
    let fields: Vec<String> = theme::rule_set_problems(&rules).into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            "[0].title",
            "[0].conditions[0].comparison",
            "[0].conditions[1].comparison.by_points",
            "[1].conditions",
            "[1].id"
        ]
    );
    rules.truncate(0);
    assert_eq!(theme::rule_set_problems(&rules), []);
}

#[test]
fn rule_files_refuse_typos_and_floats() {
    let typo =
        r#"{"id": "x1", "title": "X", "pathway": "gli_jeugd", "goals": "gezondheid_bevorderen", "conditions": []}"#;
    assert!(serde_json::from_str::<ThemeRule>(typo).is_err());
    let float = r#"{"indicator": "lonely", "comparison": {"kind": "above_value", "value": 12.5}}"#;
    assert!(serde_json::from_str::<Condition>(float).is_err());
    let unknown = r#"{"indicator": "happiness", "comparison": {"kind": "stands_out_above"}}"#;
    assert!(serde_json::from_str::<Condition>(unknown).is_err());
}

/// A random figure set over up to five buurten, unique per area and indicator.
fn arb_figures() -> impl Strategy<Value = Vec<AreaFigure>> {
    let per_area = (
        proptest::collection::vec(prop::option::weighted(0.85, 0u32..5000), 6),
        prop::option::weighted(0.85, (0u32..1000, 0u32..200, 0u32..200)),
    );
    proptest::collection::vec(per_area, 1..=5).prop_map(|areas| {
        let mut figures = Vec::new();
        for (i, (counts, lonely)) in areas.into_iter().enumerate() {
            let code = format!("BU040200{i:02}");
            let kinds = [
                Indicator::Inhabitants,
                Indicator::Age65Plus,
                Indicator::Age15To24,
                Indicator::Age25To44,
                Indicator::Age45To64,
                Indicator::OnePersonHouseholds65Plus,
            ];
            for (kind, count) in kinds.into_iter().zip(counts) {
                let text = count.map(|c| c.to_string());
                figures.push(figure(&code, kind, text.as_deref()));
            }
            // Estimates in tenths of a percent with an interval around them.
            let value = lonely.map(|(v, below, above)| {
                let v = i64::from(v);
                (Number::from_thousandths(v * 100), v - i64::from(below), v + i64::from(above))
            });
            let mut f = figure(&code, Indicator::SeverelyLonely, None);
            if let Some((v, low, high)) = value {
                f.value = Value::Known(v);
                f.interval = Some(Interval {
                    low: Number::from_thousandths(low * 100),
                    high: Number::from_thousandths(high * 100),
                });
            }
            figures.push(f);
        }
        figures
    })
}

fn areas_of(figures: &[AreaFigure]) -> Vec<Area> {
    let mut areas: Vec<Area> = figures.iter().map(|f| Area { code: f.area.clone(), year: f.vintage as u16 }).collect();
    areas.dedup();
    areas
}

const PROPERTY_INDICATORS: [Indicator; 4] =
    [Indicator::Inhabitants, Indicator::Share65Plus, Indicator::ShareLivingAlone65Plus, Indicator::SeverelyLonely];

proptest! {
    #[test]
    fn the_aggregate_of_one_area_is_that_area(figures in arb_figures()) {
        let one = areas_of(&figures)[..1].to_vec();
        let mine = |i: Indicator| figures.iter().find(|f| f.area == one[0].code && f.indicator == i).unwrap();
        let count = aggregate(&figures, &one, YEAR, Indicator::Inhabitants);
        prop_assert_eq!(count.value, mine(Indicator::Inhabitants).value);
        let lonely = aggregate(&figures, &one, YEAR, Indicator::SeverelyLonely);
        let weight: Option<i64> = Base::Adults.parts().iter().map(|p| mine(*p).value.known().map(Number::thousandths)).sum();
        if weight.is_some_and(|w| w > 0) {
            prop_assert_eq!(lonely.value, mine(Indicator::SeverelyLonely).value);
            prop_assert_eq!(lonely.interval, mine(Indicator::SeverelyLonely).interval);
        } else {
            prop_assert_eq!(lonely.value, Value::Unknown);
        }
    }

    #[test]
    fn order_of_figures_and_areas_does_not_matter(
        (figures, shuffled) in arb_figures().prop_flat_map(|f| (Just(f.clone()), Just(f).prop_shuffle())),
    ) {
        let areas = areas_of(&figures);
        let mut reversed = areas.clone();
        reversed.reverse();
        for indicator in PROPERTY_INDICATORS {
            prop_assert_eq!(
                aggregate(&figures, &areas, YEAR, indicator),
                aggregate(&shuffled, &reversed, YEAR, indicator)
            );
        }
    }

    #[test]
    fn every_part_is_known_or_named_missing(figures in arb_figures()) {
        let areas = areas_of(&figures);
        for indicator in PROPERTY_INDICATORS {
            let a = aggregate(&figures, &areas, YEAR, indicator);
            let c = &a.completeness;
            prop_assert_eq!(c.known_parts as usize + c.missing_areas.len(), areas.len());
            if c.known_parts == 0 {
                prop_assert_eq!(a.value, Value::Unknown);
            }
            if let (Value::Known(v), Some(i)) = (a.value, a.interval) {
                prop_assert!(i.low <= v && v <= i.high, "{:?} outside {:?}", v, i);
            }
        }
    }

    #[test]
    fn a_share_is_the_ratio_of_the_summed_counts(figures in arb_figures()) {
        let areas = areas_of(&figures);
        let (mut num, mut den) = (0i64, 0i64);
        for a in &areas {
            let get = |i: Indicator| figures.iter().find(|f| f.area == a.code && f.indicator == i).and_then(|f| f.value.known());
            if let (Some(x), Some(y)) = (get(Indicator::Age65Plus), get(Indicator::Inhabitants)) {
                num += x.thousandths();
                den += y.thousandths();
            }
        }
        let share = aggregate(&figures, &areas, YEAR, Indicator::Share65Plus).value;
        if den == 0 {
            prop_assert_eq!(share, Value::Unknown);
        } else {
            // Cross-multiplied, so no rounding is needed to check it within half a thousandth.
            let s = i128::from(share.known().unwrap().thousandths());
            let exact = i128::from(num) * 100_000;
            prop_assert!((s * i128::from(den) - exact).abs() * 2 <= i128::from(den));
        }
    }
}

#[test]
fn a_territory_keeps_its_published_figures_and_recomputes_its_shares() {
    let interval = Some(Interval { low: n("11.8"), high: n("12.2") });
    let nl = Profile::territory(
        YEAR,
        &[
            (Indicator::Inhabitants, Value::Known(n("17942942")), None, cbs()),
            (Indicator::Age65Plus, Value::Known(n("3588588")), None, cbs()),
            (Indicator::SeverelyLonely, Value::Known(n("12.0")), interval, rivm()),
            (Indicator::Age0To14, Value::Unknown, None, cbs()),
        ],
    );
    // 3,588,588 / 17,942,942 = 19.99999...% → 20.000 in thousandths.
    assert_eq!(nl.get(Indicator::Share65Plus).unwrap().value, Value::Known(n("20")));
    let lonely = nl.get(Indicator::SeverelyLonely).unwrap();
    assert_eq!((lonely.value, lonely.interval), (Value::Known(n("12.0")), interval));
    let children = nl.get(Indicator::Share0To14).unwrap();
    assert_eq!(children.value, Value::Unknown);
    assert!(children.completeness.missing_areas.is_empty(), "the stand-in area is never shown");
}

#[test]
fn a_map_aggregates_each_area_on_its_own_in_the_order_given() {
    let mut areas = wijk();
    areas.reverse();
    areas.push(area("BU04029999"));
    for indicator in [Indicator::Inhabitants, Indicator::Share65Plus, Indicator::SeverelyLonely] {
        let each = aggregate_each(&fixture(), &areas, YEAR, indicator);
        let one_by_one: Vec<Aggregate> =
            areas.iter().map(|a| aggregate(&fixture(), std::slice::from_ref(a), YEAR, indicator)).collect();
        assert_eq!(each, one_by_one, "{indicator:?}");
    }
    let lonely = aggregate_each(&fixture(), &areas, YEAR, Indicator::SeverelyLonely);
    assert_eq!(lonely[3].value, Value::Known(n("10")), "BU04020001, last after the reverse");
    assert_eq!(lonely[0].value, Value::Unknown, "BU04020004 has no estimate");
    assert_eq!(lonely[4].completeness.known_parts, 0, "an area without figures");
    assert!(aggregate_each(&fixture(), &areas, YEAR + 1, Indicator::Inhabitants)
        .iter()
        .all(|a| a.value == Value::Unknown));
}

/// RIVM 2020 in the 2020 vintage beside KWB 2019 in the 2019 vintage, for
/// two buurten of a wijk made of 2019 areas: the layout of a real region
/// after importing what StatLine offers.
mod latest_measurement {
    use super::*;

    const A: &str = "BU03630001";
    const B: &str = "BU03630002";

    fn at(area: &str, vintage: i32, year: i32, indicator: Indicator, value: &str) -> AreaFigure {
        AreaFigure { vintage, year, ..figure(area, indicator, Some(value)) }
    }

    fn lonely(area: &str, value: &str, low: &str, high: &str) -> AreaFigure {
        let mut f = at(area, 2020, 2020, Indicator::SeverelyLonely, value);
        f.interval = Some(Interval { low: n(low), high: n(high) });
        f
    }

    fn kwb(area: &str, year: i32, ages: [&str; 5]) -> Vec<AreaFigure> {
        let bands = [
            Indicator::Age0To14,
            Indicator::Age15To24,
            Indicator::Age25To44,
            Indicator::Age45To64,
            Indicator::Age65Plus,
        ];
        let total: i64 = ages.iter().map(|a| a.parse::<i64>().unwrap()).sum();
        let mut out = vec![at(area, 2019, year, Indicator::Inhabitants, &total.to_string())];
        out.extend(bands.iter().zip(ages).map(|(i, v)| at(area, 2019, year, *i, v)));
        out
    }

    fn setup() -> (Vec<AreaFigure>, Vec<Area>) {
        let mut figures = kwb(A, 2019, ["200", "100", "300", "250", "150"]);
        figures.extend(kwb(B, 2019, ["300", "300", "900", "900", "600"]));
        figures.push(lonely(A, "10", "8", "12"));
        figures.push(lonely(B, "20", "18", "22"));
        let areas = vec![Area { code: code(A), year: 2019 }, Area { code: code(B), year: 2019 }];
        (figures, areas)
    }

    fn both_unchanged() -> UnchangedAreas {
        let mut same = UnchangedAreas::new();
        same.insert(&code(A), 2019, 2020);
        same.insert(&code(B), 2020, 2019);
        same
    }

    #[test]
    fn a_year_before_the_measurement_has_none_and_says_so() {
        let (figures, areas) = setup();
        let p = Profile::as_of(&figures, &areas, 2019, &both_unchanged());
        assert_eq!(p.get(Indicator::Inhabitants).unwrap().value, Value::Known(n("4000")));
        assert_eq!(p.get(Indicator::SeverelyLonely).unwrap().value, Value::Unknown);
        assert_eq!(p.gap(Indicator::SeverelyLonely), Some(&TrendGap::NoFigures { year: 2019 }));
    }

    #[test]
    fn the_measurement_year_shows_health_beside_the_latest_population_figures() {
        let (figures, areas) = setup();
        let p = Profile::as_of(&figures, &areas, 2020, &both_unchanged());
        let inhabitants = p.get(Indicator::Inhabitants).unwrap();
        assert_eq!((inhabitants.year, inhabitants.value), (2019, Value::Known(n("4000"))));
        let lonely = p.get(Indicator::SeverelyLonely).unwrap();
        // Weighted by 15+ of 2019: A 800, B 2700 → (10·800 + 20·2700) / 3500.
        assert_eq!(lonely.year, 2020, "labelled with the year it was measured");
        assert_eq!(lonely.value, Value::Known(n("17.714")));
        assert_eq!(lonely.interval, Some(Interval { low: n("15.714"), high: n("19.714") }));
        assert!(lonely.completeness.is_complete());
        assert!(lonely.sources.iter().any(|s| s.publisher == "RIVM"));
        assert!(p.gap(Indicator::SeverelyLonely).is_none());
        // Later years carry the same measurement, the same number.
        let later = Profile::as_of(&figures, &areas, 2023, &both_unchanged());
        assert_eq!(later.get(Indicator::SeverelyLonely), Some(lonely));
    }

    #[test]
    fn another_vintage_counts_only_where_the_area_did_not_change() {
        let (figures, areas) = setup();
        let none = Profile::as_of(&figures, &areas, 2020, &UnchangedAreas::new());
        assert_eq!(none.get(Indicator::SeverelyLonely).unwrap().value, Value::Unknown);
        assert_eq!(
            none.gap(Indicator::SeverelyLonely),
            Some(&TrendGap::OtherBoundaries { year: 2020, vintages: vec![2020] })
        );
        let mut only_a = UnchangedAreas::new();
        only_a.insert(&code(A), 2019, 2020);
        let p = Profile::as_of(&figures, &areas, 2020, &only_a);
        let lonely = p.get(Indicator::SeverelyLonely).unwrap();
        assert_eq!(lonely.value, Value::Known(n("10")));
        assert_eq!(lonely.completeness.known_parts, 1);
        assert_eq!(lonely.completeness.missing_areas, vec![code(B)]);
    }

    #[test]
    fn weights_come_from_the_nearest_year_and_own_year_figures_are_unchanged() {
        let (mut figures, areas) = setup();
        // KWB 2021 too: the measurement still weighs by 2019, the latest up to it.
        figures.extend(kwb(A, 2021, ["1", "1", "1", "1", "1"]));
        let p = Profile::as_of(&figures, &areas, 2021, &both_unchanged());
        assert_eq!(p.get(Indicator::SeverelyLonely).unwrap().value, Value::Known(n("17.714")));
        assert_eq!(p.get(Indicator::Inhabitants).unwrap().year, 2021);
        // Only a later year of counts: that one weighs.
        let only_later: Vec<AreaFigure> = figures.iter().filter(|f| f.year != 2019).cloned().collect();
        let p = Profile::as_of(&only_later, &areas[..1], 2020, &both_unchanged());
        assert_eq!(p.get(Indicator::SeverelyLonely).unwrap().value, Value::Known(n("10")));
        // Where everything is of one year and vintage, nothing changes.
        let all = fixture();
        let areas = areas_of(&all);
        assert_eq!(
            Profile::as_of(&all, &areas, YEAR, &UnchangedAreas::new()).aggregates,
            Profile::build(&all, &areas, YEAR).aggregates
        );
    }

    #[test]
    fn a_suppressed_latest_measurement_is_not_replaced_by_an_older_one() {
        let (mut figures, areas) = setup();
        let mut old = lonely(A, "5", "3", "7");
        old.year = 2016;
        old.vintage = 2019;
        figures.push(old);
        for f in figures.iter_mut().filter(|f| f.year == 2020) {
            f.value = Value::Unknown;
            f.interval = None;
        }
        let p = Profile::as_of(&figures, &areas, 2020, &both_unchanged());
        let lonely = p.get(Indicator::SeverelyLonely).unwrap();
        assert_eq!((lonely.year, lonely.value), (2020, Value::Unknown));
    }

    #[test]
    fn a_trend_follows_the_measurements_as_the_profile_shows_them() {
        let (figures, areas) = setup();
        let t = trend_across(&figures, &areas, Indicator::SeverelyLonely, &[2019, 2020], &both_unchanged());
        assert_eq!(t.points.len(), 1);
        assert_eq!((t.points[0].year, t.points[0].value), (2020, Value::Known(n("17.714"))));
        let p = Profile::as_of(&figures, &areas, 2020, &both_unchanged());
        assert_eq!(Some(&t.points[0]), p.get(Indicator::SeverelyLonely), "the same number in both");
        assert_eq!(t.gaps, [TrendGap::NoFigures { year: 2019 }]);
        // Without knowing the areas unchanged, 2020 is another division.
        let apart = trend_across(&figures, &areas, Indicator::SeverelyLonely, &[2020], &UnchangedAreas::new());
        assert_eq!(apart.gaps, [TrendGap::OtherBoundaries { year: 2020, vintages: vec![2020] }]);
    }

    #[test]
    fn the_profile_opens_on_the_year_with_population_and_health_figures() {
        let (figures, areas) = setup();
        assert_eq!(fullest_year(&figures, &areas, &[2019, 2020], &both_unchanged()), Some(2020));
        // Without the health figures (another division) the later year adds nothing
        // but is as full: the later one wins the tie.
        assert_eq!(fullest_year(&figures, &areas, &[2019, 2020], &UnchangedAreas::new()), Some(2020));
        let kwb_only: Vec<AreaFigure> = figures.iter().filter(|f| !f.indicator.is_estimate()).cloned().collect();
        assert_eq!(fullest_year(&kwb_only, &areas, &[2019], &both_unchanged()), Some(2019));
        assert_eq!(fullest_year(&figures, &areas, &[], &both_unchanged()), None);
    }

    #[test]
    fn measurements_of_different_years_are_not_compared() {
        let (figures, areas) = setup();
        let p = Profile::as_of(&figures, &areas, 2020, &both_unchanged());
        let mut other = p.get(Indicator::SeverelyLonely).unwrap().clone();
        assert!(compare(p.get(Indicator::SeverelyLonely).unwrap(), &other, ReferenceLevel::Region).is_some());
        other.year = 2022;
        assert!(compare(p.get(Indicator::SeverelyLonely).unwrap(), &other, ReferenceLevel::Region).is_none());
    }
}

#[test]
fn pages_show_figures_as_cbs_does_and_files_keep_them_exact() {
    assert_eq!(n("7.993").dutch(1), "8,0");
    assert_eq!(Unit::Percent.show(n("7.993")), "8,0%");
    assert_eq!(Unit::InhabitantsPerKm2.show(n("13040.395")), "13.040 inwoners per km²");
    assert_eq!(Unit::Count.show(n("34430")), "34.430");
    assert_eq!(Unit::ThousandEuros.show(n("26.55")), "26,6 × € 1.000");
    assert_eq!(n("-0.04").dutch(1), "0,0", "no minus before a zero");
    assert_eq!(n("-2.35").dutch(1), "-2,4", "halves away from zero");
    assert_eq!(Unit::Percent.show_difference(n("2.349")), "+2,3 procentpunt");
    assert_eq!(Unit::Percent.show_difference(n("-0.01")), "0,0 procentpunt");
    assert_eq!(n("7.993").to_machine_string(), "7.993", "the exact value stays for files");
}
