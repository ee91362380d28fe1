//! The figures wijkregie keeps, each under a stable key of its own, and the
//! column names CBS and RIVM give them. StatLine keys carry a number
//! (`AantalInwoners_5`) that moves when a year's table gains or loses a
//! column, so those are matched on their stem; the short names of the CBS
//! download (`a_inw`, `a_00_14`) have no such number and are matched whole.

/// What sort of number a figure is, which decides how it is aggregated:
/// counts are summed, percentages and amounts are recomputed or left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Count,
    Percentage,
    Amount,
}

macro_rules! indicators {
    ($($variant:ident => $key:literal, $kind:ident, $unit:literal;)*) => {
        /// A figure wijkregie knows, by its internal key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Indicator {
            $($variant,)*
        }

        impl Indicator {
            pub const ALL: &'static [Indicator] = &[$(Indicator::$variant,)*];

            /// The stable key under which the figure is stored.
            pub fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)*
                }
            }

            pub fn kind(self) -> Kind {
                match self {
                    $(Self::$variant => Kind::$kind,)*
                }
            }

            /// The unit as the publisher gives it, in Dutch.
            pub fn unit(self) -> &'static str {
                match self {
                    $(Self::$variant => $unit,)*
                }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|i| i.key() == key)
            }
        }
    };
}

indicators! {
    Inhabitants => "inhabitants", Count, "aantal";
    Age0To14 => "age_0_14", Count, "aantal";
    Age15To24 => "age_15_24", Count, "aantal";
    Age25To44 => "age_25_44", Count, "aantal";
    Age45To64 => "age_45_64", Count, "aantal";
    Age65Plus => "age_65_plus", Count, "aantal";
    Households => "households", Count, "aantal";
    OnePersonHouseholds => "one_person_households", Count, "aantal";
    HouseholdsWithoutChildren => "households_without_children", Count, "aantal";
    HouseholdsWithChildren => "households_with_children", Count, "aantal";
    AverageHouseholdSize => "average_household_size", Amount, "personen";
    PopulationDensity => "population_density", Amount, "inwoners per km²";
    IncomePerInhabitant => "income_per_inhabitant", Amount, "x 1.000 euro";
    LowIncomeHouseholds => "low_income_households", Percentage, "%";
    DistanceToGp => "distance_to_gp", Amount, "km";
    GoodPerceivedHealth => "good_perceived_health", Percentage, "%";
    MeetsExerciseGuideline => "meets_exercise_guideline", Percentage, "%";
    Overweight => "overweight", Percentage, "%";
    SevereObesity => "severe_obesity", Percentage, "%";
    Smoker => "smoker", Percentage, "%";
    ChronicCondition => "chronic_condition", Percentage, "%";
    AnxietyDepressionRisk => "anxiety_depression_risk", Percentage, "%";
    Lonely => "lonely", Percentage, "%";
    SeverelyLonely => "severely_lonely", Percentage, "%";
    InformalCarer => "informal_carer", Percentage, "%";
    DifficultyMakingEndsMeet => "difficulty_making_ends_meet", Percentage, "%";
}

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
    fn keys_are_unique_and_read_back() {
        for indicator in Indicator::ALL {
            assert_eq!(Indicator::from_key(indicator.key()), Some(*indicator));
        }
    }
}
