//! The shapes of API bodies, for the OpenAPI document. Bodies themselves are
//! read and written by `formats::region_file::entity`; the test below checks
//! that every entity it writes fits these shapes exactly, so the document
//! cannot drift from what the API really sends.

#![allow(dead_code)] // Read by the OpenAPI derive and the test, not by code.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A CBS area in a given year's boundaries.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaDoc {
    /// `GM`+4, `WK`+6 or `BU`+8 characters, e.g. `WK0363AA`.
    #[schema(example = "WK199101")]
    code: String,
    #[schema(example = 2024)]
    year: u16,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WijkDoc {
    #[schema(example = "noord")]
    code: String,
    name: String,
    areas: Vec<AreaDoc>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressDoc {
    street: String,
    house_number: u32,
    house_number_suffix: Option<String>,
    /// PC6, written `1215EK` or `1215 EK`.
    #[schema(example = "1215EK")]
    postcode: String,
    city: String,
}

/// Registered patients (ingeschreven op naam) counted on a date.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientCountDoc {
    #[schema(example = "2025-04-01")]
    date: String,
    count: u32,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeDoc {
    /// wijkregie's code of the practice; a practice that came with an AGB
    /// code has that as its code. Optional on input when `agb` is given.
    #[schema(example = "01012345")]
    code: Option<String>,
    /// AGB code, 8 digits; unknown for some practices (they are not paid
    /// until it is known).
    #[schema(example = "01012345")]
    agb: Option<String>,
    name: String,
    address: AddressDoc,
    wijk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    opening_hours: Option<String>,
    registered_patients: Vec<PatientCountDoc>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationDoc {
    code: String,
    name: String,
    /// `zorg`, `welzijn`, `sociaal_domein` or `informele_zorg`.
    domain: String,
    /// Intake e-mail for referrals: gets a single-use link when the
    /// organisation has no account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "intake@welzijn-noord.example")]
    email: Option<String>,
    /// Intake phone for referrals, free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
}

/// Option A (`name`) or option B (`hours_per_week`, `start_date`).
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinatorDoc {
    /// `A`: provided by the region; `B`: the network's own coordinator.
    option: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// Whole or quarter hours, e.g. 12.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    hours_per_week: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeMemberDoc {
    /// The practice's code (written on output).
    practice: Option<String>,
    /// The practice by its AGB code instead (read on input, as before
    /// practices had codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    agb: Option<String>,
    from: String,
    until: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerMemberDoc {
    organization: String,
    from: String,
    until: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkDoc {
    code: String,
    name: String,
    wijken: Vec<String>,
    /// `wijkmanagement` or `coordinator_only`.
    module: String,
    /// `interesse`, `in_oprichting`, `actief` or `gestopt`.
    status: String,
    registered_on: Option<String>,
    stopped_on: Option<String>,
    coordinator: Option<CoordinatorDoc>,
    practices: Vec<PracticeMemberDoc>,
    partners: Vec<PartnerMemberDoc>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct RegionDoc {
    code: Option<String>,
    name: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct NetworkTotalDoc {
    network: String,
    date: String,
    registered_patients: u64,
    threshold: u64,
    meets_threshold: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wijkregie_formats::region_file::entity;

    fn fits<T: serde::de::DeserializeOwned + Serialize>(value: serde_json::Value) {
        let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"));
        let back = serde_json::to_value(&typed).unwrap();
        // Compare without nulls the schema omits for option A/B fields.
        assert_eq!(strip_nulls(back), strip_nulls(value));
    }

    fn strip_nulls(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                m.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect()
            }
            serde_json::Value::Array(a) => a.into_iter().map(strip_nulls).collect(),
            other => other,
        }
    }

    #[test]
    fn documented_shapes_match_what_the_api_writes() {
        let demo = wijkregie_formats::demo::region();
        demo.wijken.iter().for_each(|w| fits::<WijkDoc>(entity::wijk(w)));
        demo.practices.iter().for_each(|p| fits::<PracticeDoc>(entity::practice(p)));
        demo.organizations.iter().for_each(|o| fits::<OrganizationDoc>(entity::organization(o)));
        demo.networks.iter().for_each(|n| fits::<NetworkDoc>(entity::network(n)));
    }
}
