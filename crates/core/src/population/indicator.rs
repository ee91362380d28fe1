//! What a figure measures: a stable key, a Dutch label, and how figures of
//! several areas combine ([`Measure`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::number::Number;
use crate::error::Invalid;

macro_rules! indicators {
    ($($variant:ident => $code:literal, $label:literal;)+) => {
        /// A population figure, by a key that stays stable in files, the API
        /// and the database.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Indicator {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl Indicator {
            pub const ALL: &'static [Indicator] = &[$(Indicator::$variant,)+];

            pub fn code(self) -> &'static str {
                match self { $(Indicator::$variant => $code,)+ }
            }

            /// The Dutch label shown on pages.
            pub fn label(self) -> &'static str {
                match self { $(Indicator::$variant => $label,)+ }
            }
        }
    };
}

indicators! {
    Inhabitants => "inhabitants", "inwoners";
    Age0To14 => "age_0_14", "inwoners van 0 tot 15 jaar";
    Age15To24 => "age_15_24", "inwoners van 15 tot 25 jaar";
    Age25To44 => "age_25_44", "inwoners van 25 tot 45 jaar";
    Age45To64 => "age_45_64", "inwoners van 45 tot 65 jaar";
    Age65Plus => "age_65_plus", "inwoners van 65 jaar en ouder";
    Households => "households", "huishoudens";
    OnePersonHouseholds => "one_person_households", "eenpersoonshuishoudens";
    OnePersonHouseholds65Plus => "one_person_households_65_plus", "alleenwonende 65-plussers";
    HouseholdsWithChildren => "households_with_children", "huishoudens met kinderen";
    HouseholdsWithoutChildren => "households_without_children", "huishoudens zonder kinderen";
    Share0To14 => "share_0_14", "aandeel inwoners van 0 tot 15 jaar";
    Share65Plus => "share_65_plus", "aandeel inwoners van 65 jaar en ouder";
    ShareOnePersonHouseholds => "share_one_person_households", "aandeel eenpersoonshuishoudens";
    ShareHouseholdsWithChildren => "share_households_with_children", "aandeel huishoudens met kinderen";
    ShareLivingAlone65Plus => "share_living_alone_65_plus", "aandeel alleenwonenden onder 65-plussers";
    LowIncomeHouseholds => "low_income_households", "huishoudens met een laag inkomen";
    IncomePerInhabitant => "income_per_inhabitant", "gemiddeld inkomen per inwoner";
    AverageHouseholdSize => "average_household_size", "gemiddelde huishoudensgrootte";
    PopulationDensity => "population_density", "bevolkingsdichtheid";
    DistanceToGp => "distance_to_gp", "afstand tot de huisartsenpraktijk";
    GoodPerceivedHealth => "good_perceived_health", "ervaren gezondheid goed of zeer goed";
    Overweight => "overweight", "overgewicht";
    SevereObesity => "severe_obesity", "ernstig overgewicht (obesitas)";
    Lonely => "lonely", "eenzaam";
    SeverelyLonely => "severely_lonely", "ernstig eenzaam";
    ChronicCondition => "chronic_condition", "een of meer langdurige aandoeningen";
    AnxietyDepressionRisk => "anxiety_depression_risk", "hoog risico op angststoornis of depressie";
    InformalCarer => "informal_carer", "mantelzorger";
    DifficultyMakingEndsMeet => "difficulty_making_ends_meet", "moeite met rondkomen";
    MeetsExerciseGuideline => "meets_exercise_guideline", "voldoet aan de beweegrichtlijn";
    Smoker => "smoker", "rookt";
    SeverelyLonely65Plus => "severely_lonely_65_plus", "ernstig eenzaam (65-plussers)";
}

/// How figures of several areas combine into one for a wijk or network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A number of people or households: summed.
    Count,
    /// A percentage derived from two counts, never imported: recomputed from
    /// the summed numerator and denominator, so a small buurt weighs as
    /// little as it should.
    Share { numerator: Indicator, denominator: Indicator },
    /// A percentage published as such (CBS gives no count): weighted by its
    /// base, which is the same as turning it back into a count, summing and
    /// dividing again.
    Percentage { base: Base },
    /// A health estimate (RIVM/GGD Gezondheidsmonitor small-area estimate),
    /// a percentage with a 95% interval, weighted by the population of the
    /// age group it describes.
    Estimate { base: Base },
    /// An average amount per unit of its base (income per inhabitant,
    /// persons per household, distance to the GP per inhabitant), weighted
    /// by that base.
    Amount { base: Base },
    /// Members of the base per km² (population density). CBS publishes no
    /// land area next to it in what we import, so each area's land area is
    /// recovered as base ÷ density and the aggregate is the summed base over
    /// the summed land area, never a mean of densities: a dense buurt of a
    /// tenth of a km² must not outweigh a rural one of ten.
    Density { base: Base },
}

/// The population a percentage or average is taken over, built from counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    Inhabitants,
    /// RIVM estimates describe people of 18 and over, but CBS counts
    /// inhabitants in the bands 0–14, 15–24, 25–44, 45–64 and 65+. We weight
    /// by 15 and over, the nearest band edge: the weights only matter
    /// relative to each other, and 15–17-year-olds are about 4% of the 15+
    /// population in almost every buurt, so the effect on a weighted
    /// percentage is far below its interval.
    Adults,
    Elderly,
    Households,
}

impl Base {
    /// The counts whose sum is this population.
    pub fn parts(self) -> &'static [Indicator] {
        match self {
            Base::Inhabitants => &[Indicator::Inhabitants],
            Base::Adults => &[Indicator::Age15To24, Indicator::Age25To44, Indicator::Age45To64, Indicator::Age65Plus],
            Base::Elderly => &[Indicator::Age65Plus],
            Base::Households => &[Indicator::Households],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Base::Inhabitants => "inwoners",
            Base::Adults => "inwoners van 15 jaar en ouder",
            Base::Elderly => "inwoners van 65 jaar en ouder",
            Base::Households => "huishoudens",
        }
    }
}

/// What the number means, for showing it and its differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    /// CBS publishes incomes in thousands of euros.
    ThousandEuros,
    PersonsPerHousehold,
    InhabitantsPerKm2,
    Kilometres,
}

impl Unit {
    /// What follows a value: `12,5%`, `27,4 × € 1.000`.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Count => "",
            Unit::Percent => "%",
            Unit::ThousandEuros => " × € 1.000",
            Unit::PersonsPerHousehold => " personen per huishouden",
            Unit::InhabitantsPerKm2 => " inwoners per km²",
            Unit::Kilometres => " km",
        }
    }

    /// The decimals a page shows, as CBS shows them: percentages, amounts
    /// and distances with one, counts and densities whole. Recomputed
    /// shares carry three decimals that no source published and no reader
    /// can use (`7,993 %`).
    pub fn decimals(self) -> u8 {
        match self {
            Unit::Count | Unit::InhabitantsPerKm2 => 0,
            Unit::Percent | Unit::ThousandEuros | Unit::PersonsPerHousehold | Unit::Kilometres => 1,
        }
    }

    /// `n` as a page shows it: rounded to [`Unit::decimals`], with the unit.
    pub fn show(self, n: Number) -> String {
        format!("{}{}", n.dutch(self.decimals()), self.suffix())
    }

    /// A difference as a page shows it, signed: `+2,3 procentpunt`.
    pub fn show_difference(self, n: Number) -> String {
        let text = n.dutch(self.decimals());
        let sign = if text.starts_with('-') || text.trim_start_matches(['0', ',']).is_empty() { "" } else { "+" };
        format!("{sign}{text}{}", self.difference_suffix())
    }

    /// What follows a difference: percentages differ in percentage points.
    pub fn difference_suffix(self) -> &'static str {
        match self {
            Unit::Count => "",
            Unit::Percent => " procentpunt",
            Unit::ThousandEuros => " × € 1.000",
            Unit::PersonsPerHousehold => " personen per huishouden",
            Unit::InhabitantsPerKm2 => " inwoners per km²",
            Unit::Kilometres => " km",
        }
    }
}

impl Indicator {
    pub fn measure(self) -> Measure {
        use Indicator::*;
        match self {
            Inhabitants
            | Age0To14
            | Age15To24
            | Age25To44
            | Age45To64
            | Age65Plus
            | Households
            | OnePersonHouseholds
            | OnePersonHouseholds65Plus
            | HouseholdsWithChildren
            | HouseholdsWithoutChildren => Measure::Count,
            Share0To14 => Measure::Share { numerator: Age0To14, denominator: Inhabitants },
            Share65Plus => Measure::Share { numerator: Age65Plus, denominator: Inhabitants },
            ShareOnePersonHouseholds => Measure::Share { numerator: OnePersonHouseholds, denominator: Households },
            ShareHouseholdsWithChildren => {
                Measure::Share { numerator: HouseholdsWithChildren, denominator: Households }
            }
            // A one-person household is one person, so households and people can be divided.
            ShareLivingAlone65Plus => Measure::Share { numerator: OnePersonHouseholds65Plus, denominator: Age65Plus },
            // CBS: percentage of private households with an income; the households
            // count is the nearest base it publishes per buurt.
            LowIncomeHouseholds => Measure::Percentage { base: Base::Households },
            IncomePerInhabitant => Measure::Amount { base: Base::Inhabitants },
            // CBS: the mean number of persons per private household.
            AverageHouseholdSize => Measure::Amount { base: Base::Households },
            PopulationDensity => Measure::Density { base: Base::Inhabitants },
            // CBS: the mean road distance over all inhabitants of the area.
            DistanceToGp => Measure::Amount { base: Base::Inhabitants },
            GoodPerceivedHealth
            | Overweight
            | SevereObesity
            | Lonely
            | SeverelyLonely
            | ChronicCondition
            | AnxietyDepressionRisk
            | InformalCarer
            | DifficultyMakingEndsMeet
            | MeetsExerciseGuideline
            | Smoker => Measure::Estimate { base: Base::Adults },
            SeverelyLonely65Plus => Measure::Estimate { base: Base::Elderly },
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Indicator::IncomePerInhabitant => Unit::ThousandEuros,
            Indicator::AverageHouseholdSize => Unit::PersonsPerHousehold,
            Indicator::PopulationDensity => Unit::InhabitantsPerKm2,
            Indicator::DistanceToGp => Unit::Kilometres,
            _ => match self.measure() {
                Measure::Count => Unit::Count,
                Measure::Share { .. } | Measure::Percentage { .. } | Measure::Estimate { .. } => Unit::Percent,
                // Every amount and density is named above, with its own unit.
                Measure::Amount { .. } | Measure::Density { .. } => Unit::Count,
            },
        }
    }

    /// Whether figures of this indicator come with a 95% interval.
    pub fn is_estimate(self) -> bool {
        matches!(self.measure(), Measure::Estimate { .. })
    }
}

impl FromStr for Indicator {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .iter()
            .copied()
            .find(|i| i.code() == s.trim())
            .ok_or_else(|| Invalid(format!("'{}' is geen bekende indicator", s.trim())))
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for (i, a) in Indicator::ALL.iter().enumerate() {
            assert_eq!(a.code().parse::<Indicator>().unwrap(), *a);
            assert_eq!(serde_json::to_string(a).unwrap(), format!("\"{}\"", a.code()));
            assert!(Indicator::ALL[..i].iter().all(|b| b.code() != a.code()));
        }
    }

    #[test]
    fn shares_and_bases_are_built_from_counts() {
        for indicator in Indicator::ALL {
            let counts: Vec<Indicator> = match indicator.measure() {
                Measure::Share { numerator, denominator } => vec![numerator, denominator],
                Measure::Percentage { base }
                | Measure::Estimate { base }
                | Measure::Amount { base }
                | Measure::Density { base } => base.parts().to_vec(),
                Measure::Count => vec![],
            };
            for c in counts {
                assert_eq!(c.measure(), Measure::Count, "{indicator:?} rests on {c:?}");
            }
        }
    }

    #[test]
    fn amounts_and_densities_each_name_their_unit() {
        for indicator in Indicator::ALL {
            if let Measure::Amount { .. } | Measure::Density { .. } = indicator.measure() {
                assert_ne!(indicator.unit(), Unit::Count, "{indicator:?}");
            }
        }
    }
}
