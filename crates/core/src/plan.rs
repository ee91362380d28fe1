//! The annual plan (jaarplan): for now only the five goals its themes are
//! tied to, because theme suggestions ([`crate::population::theme`]) already
//! name the goal a suggested theme serves.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Invalid;

/// The five goals of wijkgericht werken that every theme of a plan serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    DempenZorgvraag,
    ZorgOpDeJuistePlek,
    GezondheidBevorderen,
    SamenMetDePatient,
    DuurzameInzetbaarheid,
}

impl Goal {
    pub const ALL: [Goal; 5] = [
        Self::DempenZorgvraag,
        Self::ZorgOpDeJuistePlek,
        Self::GezondheidBevorderen,
        Self::SamenMetDePatient,
        Self::DuurzameInzetbaarheid,
    ];

    /// The code used in files, the API and the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::DempenZorgvraag => "dempen_zorgvraag",
            Self::ZorgOpDeJuistePlek => "zorg_op_de_juiste_plek",
            Self::GezondheidBevorderen => "gezondheid_bevorderen",
            Self::SamenMetDePatient => "samen_met_de_patient",
            Self::DuurzameInzetbaarheid => "duurzame_inzetbaarheid",
        }
    }

    /// The Dutch label shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::DempenZorgvraag => "dempen zorgvraag",
            Self::ZorgOpDeJuistePlek => "zorg op de juiste plek",
            Self::GezondheidBevorderen => "gezondheid bevorderen",
            Self::SamenMetDePatient => "samen met en rondom de patiënt",
            Self::DuurzameInzetbaarheid => "duurzame inzetbaarheid",
        }
    }
}

impl FromStr for Goal {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL.into_iter().find(|g| g.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen doel: kies uit dempen_zorgvraag, zorg_op_de_juiste_plek, gezondheid_bevorderen, \
                 samen_met_de_patient, duurzame_inzetbaarheid",
                s.trim()
            ))
        })
    }
}

impl fmt::Display for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_parse_their_codes_and_serde_agrees() {
        for goal in Goal::ALL {
            assert_eq!(goal.code().parse::<Goal>().unwrap(), goal);
            assert_eq!(serde_json::to_string(&goal).unwrap(), format!("\"{}\"", goal.code()));
        }
        assert!("gezondheid".parse::<Goal>().unwrap_err().0.contains("geen doel"));
    }
}
