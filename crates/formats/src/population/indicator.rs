//! The column names CBS and RIVM give the figures wijkregie keeps, mapped
//! onto `core::population`'s [`Indicator`]. StatLine keys carry a number
//! (`AantalInwoners_5`) that moves when a year's table gains or loses a
//! column, so those are matched on their stem; the short names of the CBS
//! download (`a_inw`, `a_00_14`) have no such number and are matched whole.
//! StatLine's CSV and XLSX downloads name columns by their *title*
//! (`Bevolking/Aantal inwoners (aantal)`), and R or pandas re-save those as
//! `Bevolking.Aantal.inwoners..aantal.`; titles are compared folded (see
//! [`fold`]) and on their end, because the groups in front of a title
//! (`Bevolking/Particuliere huishoudens/`) change between years.

use wijkregie_core::population::Indicator;

/// Short column names of the CBS download (`kwb-YYYY.csv`/`.xlsx`).
const SHORT_NAMES: &[(&str, Indicator)] = &[
    ("a_inw", Indicator::Inhabitants),
    ("a_00_14", Indicator::Age0To14),
    ("a_15_24", Indicator::Age15To24),
    ("a_25_44", Indicator::Age25To44),
    ("a_45_64", Indicator::Age45To64),
    ("a_65_oo", Indicator::Age65Plus),
    ("a_hh", Indicator::Households),
    ("a_1p_hh", Indicator::OnePersonHouseholds),
    ("a_hh_z_k", Indicator::HouseholdsWithoutChildren),
    ("a_hh_m_k", Indicator::HouseholdsWithChildren),
    ("g_hhgro", Indicator::AverageHouseholdSize),
    ("bev_dich", Indicator::PopulationDensity),
    ("g_ink_pi", Indicator::IncomePerInhabitant),
    ("p_hh_li", Indicator::LowIncomeHouseholds),
    ("g_afs_hp", Indicator::DistanceToGp),
];

/// Stems of StatLine keys (85984NED, 85618NED, … and 50120NED).
const STEMS: &[(&str, Indicator)] = &[
    ("aantalinwoners", Indicator::Inhabitants),
    ("k_0tot15jaar", Indicator::Age0To14),
    ("k_15tot25jaar", Indicator::Age15To24),
    ("k_25tot45jaar", Indicator::Age25To44),
    ("k_45tot65jaar", Indicator::Age45To64),
    ("k_65jaarofouder", Indicator::Age65Plus),
    ("huishoudenstotaal", Indicator::Households),
    ("eenpersoonshuishoudens", Indicator::OnePersonHouseholds),
    ("huishoudenszonderkinderen", Indicator::HouseholdsWithoutChildren),
    ("huishoudensmetkinderen", Indicator::HouseholdsWithChildren),
    ("gemiddeldehuishoudensgrootte", Indicator::AverageHouseholdSize),
    ("bevolkingsdichtheid", Indicator::PopulationDensity),
    ("gemiddeldinkomenperinwoner", Indicator::IncomePerInhabitant),
    ("huishoudensmeteenlaaginkomen", Indicator::LowIncomeHouseholds),
    ("afstandtothuisartsenpraktijk", Indicator::DistanceToGp),
    ("ervarengezondheidgoedzeergoed", Indicator::GoodPerceivedHealth),
    ("voldoetaanbeweegrichtlijn", Indicator::MeetsExerciseGuideline),
    ("overgewicht", Indicator::Overweight),
    ("ernstigovergewicht", Indicator::SevereObesity),
    ("roker", Indicator::Smoker),
    ("eenofmeerlangdurigeaandoeningen", Indicator::ChronicCondition),
    ("hoogrisicoopangstofdepressie", Indicator::AnxietyDepressionRisk),
    ("eenzaam", Indicator::Lonely),
    ("ernstigzeerernstigeenzaam", Indicator::SeverelyLonely),
    ("mantelzorger", Indicator::InformalCarer),
    ("moeitemetrondkomen", Indicator::DifficultyMakingEndsMeet),
];

/// StatLine titles of the same figures, without the groups in front
/// (85984NED, 85618NED, 84799NED and 50120NED); `None` marks a title that is
/// known and deliberately not kept, so that `Emotioneel eenzaam (%)` is not
/// taken for `Eenzaam (%)`. The longest title that ends a column name wins.
const TITLES: &[(&str, Option<Indicator>)] = &[
    ("Aantal inwoners (aantal)", Some(Indicator::Inhabitants)),
    ("Leeftijdsgroepen/0 tot 15 jaar (aantal)", Some(Indicator::Age0To14)),
    ("Leeftijdsgroepen/15 tot 25 jaar (aantal)", Some(Indicator::Age15To24)),
    ("Leeftijdsgroepen/25 tot 45 jaar (aantal)", Some(Indicator::Age25To44)),
    ("Leeftijdsgroepen/45 tot 65 jaar (aantal)", Some(Indicator::Age45To64)),
    ("Leeftijdsgroepen/65 jaar of ouder (aantal)", Some(Indicator::Age65Plus)),
    ("Huishoudens totaal (aantal)", Some(Indicator::Households)),
    ("Eenpersoonshuishoudens (aantal)", Some(Indicator::OnePersonHouseholds)),
    ("Huishoudens zonder kinderen (aantal)", Some(Indicator::HouseholdsWithoutChildren)),
    ("Huishoudens met kinderen (aantal)", Some(Indicator::HouseholdsWithChildren)),
    ("Gemiddelde huishoudensgrootte (aantal)", Some(Indicator::AverageHouseholdSize)),
    ("Bevolkingsdichtheid (aantal inwoners per km²)", Some(Indicator::PopulationDensity)),
    ("Gemiddeld inkomen per inwoner (x 1 000 euro)", Some(Indicator::IncomePerInhabitant)),
    ("Huishoudens met een laag inkomen (%)", Some(Indicator::LowIncomeHouseholds)),
    ("Afstand tot huisartsenpraktijk (km)", Some(Indicator::DistanceToGp)),
    ("Ervaren gezondheid goed/zeer goed (%)", Some(Indicator::GoodPerceivedHealth)),
    ("Voldoet aan beweegrichtlijn (%)", Some(Indicator::MeetsExerciseGuideline)),
    ("Overgewicht (%)", Some(Indicator::Overweight)),
    ("Ernstig overgewicht (%)", Some(Indicator::SevereObesity)),
    ("Normaal gewicht (%)", None),
    ("Ondergewicht (%)", None),
    ("Roker (%)", Some(Indicator::Smoker)),
    ("Eén of meer langdurige aandoeningen (%)", Some(Indicator::ChronicCondition)),
    ("Hoog risico op angst of depressie (%)", Some(Indicator::AnxietyDepressionRisk)),
    ("Eenzaam (%)", Some(Indicator::Lonely)),
    ("Ernstig/zeer ernstig eenzaam (%)", Some(Indicator::SeverelyLonely)),
    ("Emotioneel eenzaam (%)", None),
    ("Sociaal eenzaam (%)", None),
    ("Mantelzorger (%)", Some(Indicator::InformalCarer)),
    ("Zwaar belaste mantelzorger (%)", None),
    ("Moeite met rondkomen (%)", Some(Indicator::DifficultyMakingEndsMeet)),
];

/// 50120NED keys (stems) that wijkregie knows and deliberately does not
/// keep; any other column a health file has is named in the summary.
const IGNORED_HEALTH_STEMS: &[&str] = &[
    "id",
    "indelingswijzigingwijkenenbuurten",
    "wekelijksesporters",
    "ondergewicht",
    "normaalgewicht",
    "voldoetaanalcoholrichtlijn",
    "drinker",
    "zwaredrinker",
    "overmatigedrinker",
    "beperktvanwegegezondheid",
    "ernstigbeperktvanwegegezondheid",
    "psychischeklachten",
    "zeerlageveerkracht",
    "mistemotionelesteun",
    "suicidegedachtenlaatste12maanden",
    "heelveelstressinafgelopen4weken",
    "emotioneeleenzaam",
    "sociaaleenzaam",
    "vrijwilligerswerk",
];

/// A column title folded for comparison: lower case, and every run of
/// anything but letters and digits (spaces, `/`, brackets, `%`, `²`, the
/// dots R writes for all of them) one space. `Regioaanduiding/Codering (code)`
/// and `Regioaanduiding.Codering..code.` both become `regioaanduiding codering code`.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        // `²` counts as numeric to Rust, but R writes it as a dot.
        if c.is_alphabetic() || c.is_ascii_digit() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// Whether `column` is `title` (folded), possibly after groups such as
/// `Bevolking/`. Returns the length matched, so the longest title wins.
pub(crate) fn title_match(column: &str, title: &str) -> Option<usize> {
    let (column, title) = (fold(column), fold(title));
    if title.is_empty() {
        return None;
    }
    let ends = column == title || column.strip_suffix(title.as_str()).is_some_and(|head| head.ends_with(' '));
    ends.then_some(title.len())
}

/// What a titled column is: `Some(Some(indicator))` for a kept figure,
/// `Some(None)` for a known title not kept, `None` for an unknown column.
fn by_title(column: &str) -> Option<Option<Indicator>> {
    TITLES
        .iter()
        .filter_map(|(title, indicator)| title_match(column, title).map(|len| (len, *indicator)))
        .max_by_key(|(len, _)| *len)
        .map(|(_, indicator)| indicator)
}

/// Whether a health file's column is one wijkregie knows and leaves alone.
pub(crate) fn deliberately_ignored(column: &str) -> bool {
    IGNORED_HEALTH_STEMS.contains(&stem(column).as_str()) || matches!(by_title(column), Some(None))
}

/// A StatLine key without its moving number: `AantalInwoners_5` → `aantalinwoners`.
pub(crate) fn stem(column: &str) -> String {
    let lower = column.trim().to_lowercase();
    match lower.rsplit_once('_') {
        Some((stem, number)) if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => stem.to_owned(),
        _ => lower,
    }
}

/// The indicator a column holds, if wijkregie keeps it. Short names are tried
/// whole first, because some end in digits that are part of the name (`a_00_14`).
pub(crate) fn indicator_of(column: &str) -> Option<Indicator> {
    let lower = column.trim().to_lowercase();
    if let Some((_, indicator)) = SHORT_NAMES.iter().find(|(name, _)| *name == lower) {
        return Some(*indicator);
    }
    let stem = stem(&lower);
    if let Some((_, indicator)) = STEMS.iter().find(|(s, _)| *s == stem) {
        return Some(*indicator);
    }
    by_title(column).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_ignore_the_moving_number_but_short_names_keep_theirs() {
        assert_eq!(indicator_of("AantalInwoners_5"), Some(Indicator::Inhabitants));
        assert_eq!(indicator_of("AantalInwoners_6"), Some(Indicator::Inhabitants));
        assert_eq!(indicator_of("k_65JaarOfOuder_12"), Some(Indicator::Age65Plus));
        assert_eq!(indicator_of("a_00_14"), Some(Indicator::Age0To14));
        assert_eq!(indicator_of("Overgewicht_9"), Some(Indicator::Overweight));
        assert_eq!(indicator_of("ErnstigOvergewicht_10"), Some(Indicator::SevereObesity));
        assert_eq!(indicator_of("Mannen_6"), None);
        assert_eq!(indicator_of("ErvarenGezondheidGoedZeerGoed_4"), Some(Indicator::GoodPerceivedHealth));
    }

    #[test]
    fn titles_match_folded_and_after_any_groups() {
        assert_eq!(fold("Regioaanduiding/Codering (code)"), "regioaanduiding codering code");
        assert_eq!(fold("Regioaanduiding.Codering..code."), "regioaanduiding codering code");
        assert_eq!(
            fold("  Bevolkingsdichtheid (aantal inwoners per km²)"),
            "bevolkingsdichtheid aantal inwoners per km"
        );
        for column in [
            "Bevolking/Aantal inwoners (aantal)",
            "Bevolking.Aantal.inwoners..aantal.",
            "BEVOLKING / AANTAL INWONERS (AANTAL)",
            "Aantal inwoners (aantal)",
        ] {
            assert_eq!(indicator_of(column), Some(Indicator::Inhabitants), "{column}");
        }
        assert_eq!(
            indicator_of("Bevolking/Particuliere huishoudens/Huishoudens met kinderen (aantal)"),
            Some(Indicator::HouseholdsWithChildren)
        );
        assert_eq!(
            indicator_of("Bevolking.Bevolkingsdichtheid..aantal.inwoners.per.km.."),
            Some(Indicator::PopulationDensity)
        );
        assert_eq!(indicator_of("Bevolking/Geslacht/Mannen (aantal)"), None);
        // A title must end the name at a word: `xaantal inwoners` is not it.
        assert_eq!(indicator_of("Bevolking/Xaantal inwoners (aantal)"), None);
        assert_eq!(indicator_of("Eenzaamheid/Ernstig/zeer ernstig eenzaam (%)"), Some(Indicator::SeverelyLonely));
        assert_eq!(indicator_of("Eenzaamheid/Emotioneel eenzaam (%)"), None);
        assert!(deliberately_ignored("Eenzaamheid/Emotioneel eenzaam (%)"));
        assert!(deliberately_ignored("SociaalEenzaam_30"));
        assert!(!deliberately_ignored("NieuweIndicator_40"));
    }

    #[test]
    fn no_two_columns_of_one_table_fill_the_same_indicator() {
        for (i, (title, indicator)) in TITLES.iter().enumerate() {
            assert!(TITLES[..i].iter().all(|(t, other)| indicator.is_none() || other != indicator && t != title));
        }
        for table in [SHORT_NAMES, STEMS] {
            for (i, (name, indicator)) in table.iter().enumerate() {
                assert!(table[..i].iter().all(|(n, other)| other != indicator && n != name), "{name}");
            }
        }
    }

    #[test]
    fn the_download_and_statline_know_the_same_cbs_figures() {
        for (name, indicator) in SHORT_NAMES {
            assert!(STEMS.iter().any(|(_, other)| other == indicator), "{name} has no StatLine stem");
            assert!(TITLES.iter().any(|(_, other)| *other == Some(*indicator)), "{name} has no StatLine title");
        }
    }
}
