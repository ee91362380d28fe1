//! The column names CBS and RIVM give the figures wijkregie keeps, mapped
//! onto `core::population`'s [`Indicator`]. StatLine keys carry a number
//! (`AantalInwoners_5`) that moves when a year's table gains or loses a
//! column, so those are matched on their stem; the short names of the CBS
//! download (`a_inw`, `a_00_14`) have no such number and are matched whole.

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
    ("goedzeergoedervarengezondheid", Indicator::GoodPerceivedHealth),
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
    STEMS.iter().find(|(s, _)| *s == stem).map(|(_, indicator)| *indicator)
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
    }

    #[test]
    fn no_two_columns_of_one_table_fill_the_same_indicator() {
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
        }
    }
}
