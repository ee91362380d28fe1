//! The HSDS 3.0 tables, described once for reading and writing: each
//! table's file in the datapackage, its columns in the order of the HSDS
//! schema, and the fields its object has besides those columns in the JSON
//! shape. The export writes exactly these columns and the import calls every
//! other field unknown, so the two can only change together.

/// One HSDS table and the object its rows describe.
pub(super) struct Table {
    /// The file in the datapackage, e.g. `services.csv`.
    pub file: &'static str,
    /// The columns of the file, in the order of the HSDS schema: what the
    /// export writes.
    pub columns: &'static [&'static str],
    /// What HSDS also defines for the object but no column holds: nested
    /// records and lists, `metadata`, and older or newer names that files
    /// still carry. Read like the columns, never written.
    pub other_fields: &'static [&'static str],
}

impl Table {
    /// Whether HSDS defines `field` for this object (as a column or otherwise).
    pub fn defines(&self, field: &str) -> bool {
        self.columns.contains(&field) || self.other_fields.contains(&field)
    }
}

pub(super) const ORGANIZATIONS: Table = Table {
    file: "organizations.csv",
    columns: &[
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "legal_status",
        "logo",
        "uri",
        "parent_organization_id",
    ],
    other_fields: &[
        "url",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "funding",
        "fundings",
        "contacts",
        "phones",
        "locations",
        "programs",
        "organization_identifiers",
        "attributes",
        "metadata",
        "services",
        "last_modified",
    ],
};

pub(super) const ORGANIZATION_IDENTIFIERS: Table = Table {
    file: "organization_identifiers.csv",
    columns: &["id", "organization_id", "identifier_scheme", "identifier_type", "identifier"],
    other_fields: &["attributes", "metadata"],
};

pub(super) const SERVICES: Table = Table {
    file: "services.csv",
    columns: &[
        "id",
        "organization_id",
        "program_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "alert",
    ],
    other_fields: &[
        "wait_time",
        "fees",
        "licenses",
        "last_modified",
        "phones",
        "schedules",
        "service_areas",
        "service_at_locations",
        "languages",
        "organization",
        "program",
        "funding",
        "fundings",
        "cost_options",
        "required_documents",
        "contacts",
        "capacities",
        "attributes",
        "metadata",
    ],
};

pub(super) const ATTRIBUTES: Table = Table {
    file: "attributes.csv",
    columns: &["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
    other_fields: &["label", "taxonomy_term", "metadata"],
};

pub(super) const SERVICE_AT_LOCATION: Table = Table {
    file: "service_at_location.csv",
    columns: &["id", "service_id", "location_id", "description"],
    other_fields: &["contacts", "phones", "schedules", "location", "attributes", "metadata", "last_modified"],
};

/// Read as well as `service_at_location.csv`: the plural spelling some
/// exports give this file.
pub(super) const SERVICE_AT_LOCATION_PLURAL_FILE: &str = "service_at_locations.csv";

pub(super) const LOCATIONS: Table = Table {
    file: "locations.csv",
    columns: &[
        "id",
        "location_type",
        "url",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ],
    other_fields: &[
        "languages",
        "addresses",
        "addresss",
        "contacts",
        "accessibility",
        "accessibilitys",
        "phones",
        "schedules",
        "attributes",
        "metadata",
        "last_modified",
    ],
};

pub(super) const PHONES: Table = Table {
    file: "phones.csv",
    columns: &[
        "id",
        "location_id",
        "service_id",
        "organization_id",
        "contact_id",
        "service_at_location_id",
        "number",
        "extension",
        "type",
        "description",
    ],
    other_fields: &["languages", "attributes", "metadata"],
};

pub(super) const CONTACTS: Table = Table {
    file: "contacts.csv",
    columns: &[
        "id",
        "organization_id",
        "service_id",
        "service_at_location_id",
        "location_id",
        "name",
        "title",
        "department",
        "email",
    ],
    other_fields: &["phones", "attributes", "metadata"],
};

pub(super) const ADDRESSES: Table = Table {
    file: "addresses.csv",
    columns: &[
        "id",
        "location_id",
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    other_fields: &["attributes", "metadata"],
};

pub(super) const SCHEDULES: Table = Table {
    file: "schedules.csv",
    columns: &[
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "valid_from",
        "valid_to",
        "dtstart",
        "timezone",
        "until",
        "count",
        "wkst",
        "freq",
        "interval",
        "byday",
        "byweekno",
        "bymonthday",
        "byyearday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
    ],
    other_fields: &["attributes", "metadata"],
};

pub(super) const SERVICE_AREAS: Table = Table {
    file: "service_areas.csv",
    columns: &["id", "service_id", "name", "description", "extent", "extent_type", "uri"],
    other_fields: &["attributes", "metadata"],
};

pub(super) const LANGUAGES: Table = Table {
    file: "languages.csv",
    columns: &["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
    other_fields: &["attributes", "metadata"],
};

pub(super) const TAXONOMY_TERMS: Table = Table {
    file: "taxonomy_terms.csv",
    columns: &["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"],
    other_fields: &["metadata"],
};

pub(super) const TAXONOMIES: Table = Table {
    file: "taxonomies.csv",
    columns: &["id", "name", "description", "uri", "version"],
    other_fields: &["metadata"],
};

pub(super) const COST_OPTIONS: Table = Table {
    file: "cost_options.csv",
    columns: &["id", "service_id", "valid_from", "valid_to", "option", "currency", "amount", "amount_description"],
    other_fields: &["attributes", "metadata"],
};

/// Every table, in the order HSDS lists them (and the export writes them).
pub(super) const TABLES: [&Table; 15] = [
    &ORGANIZATIONS,
    &ORGANIZATION_IDENTIFIERS,
    &SERVICES,
    &ATTRIBUTES,
    &SERVICE_AT_LOCATION,
    &LOCATIONS,
    &PHONES,
    &CONTACTS,
    &ADDRESSES,
    &SCHEDULES,
    &SERVICE_AREAS,
    &LANGUAGES,
    &TAXONOMY_TERMS,
    &TAXONOMIES,
    &COST_OPTIONS,
];

/// The package descriptor, which lists the tables.
pub(super) const DESCRIPTOR_FILE: &str = "datapackage.json";

/// The descriptor and every table's file: what a complete datapackage holds.
pub(super) const fn datapackage_files() -> [&'static str; TABLES.len() + 1] {
    let mut files = [DESCRIPTOR_FILE; TABLES.len() + 1];
    let mut i = 0;
    while i < TABLES.len() {
        files[i + 1] = TABLES[i].file;
        i += 1;
    }
    files
}

// Column types for the descriptor, by name: a name has the same type in
// every table that has it.
const NUMBER_COLUMNS: &[&str] =
    &["minimum_age", "maximum_age", "latitude", "longitude", "amount", "interval", "timezone", "count", "extension"];
const DATE_COLUMNS: &[&str] = &["assured_date", "valid_from", "valid_to", "dtstart", "until"];

/// The Frictionless type of a column, as the descriptor states it.
pub(super) fn column_type(column: &str) -> &'static str {
    if NUMBER_COLUMNS.contains(&column) {
        "number"
    } else if DATE_COLUMNS.contains(&column) {
        "date"
    } else {
        "string"
    }
}

/// The table of a datapackage file, if HSDS has one by that name.
pub(super) fn table(file: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.file == file)
}
