//! The HSDS 3.0 tables, described once for reading and writing: each
//! table's file in the datapackage, its columns in the order of the HSDS
//! schema, and the fields its object has besides those columns in the JSON
//! shape. The export writes exactly these columns and the import calls every
//! other field unknown, so the two can only change together.

/// One HSDS table and the object its rows describe.
pub(super) struct Table {
    /// The resource's name in HSDS 3.0's datapackage, e.g. `service`.
    pub resource: &'static str,
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
    resource: "organization",
    file: "organizations.csv",
    columns: &[
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "uri",
        "parent_organization_id",
    ],
    other_fields: &[
        "url",
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
    resource: "organization_identifier",
    file: "organization_identifiers.csv",
    columns: &["id", "organization_id", "identifier_scheme", "identifier_type", "identifier"],
    other_fields: &["attributes", "metadata"],
};

pub(super) const SERVICES: Table = Table {
    resource: "service",
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
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "licenses",
        "alert",
        "last_modified",
    ],
    other_fields: &[
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
    resource: "attribute",
    file: "attributes.csv",
    columns: &["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
    other_fields: &["label", "taxonomy_term", "metadata"],
};

pub(super) const SERVICE_AT_LOCATION: Table = Table {
    resource: "service_at_location",
    file: "service_at_location.csv",
    columns: &["id", "service_id", "location_id", "description"],
    other_fields: &["contacts", "phones", "schedules", "location", "attributes", "metadata", "last_modified"],
};

/// Read as well as `service_at_location.csv`: the plural spelling some
/// exports give this file.
pub(super) const SERVICE_AT_LOCATION_PLURAL_FILE: &str = "service_at_locations.csv";

pub(super) const LOCATIONS: Table = Table {
    resource: "location",
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
    resource: "phone",
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
    resource: "contact",
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
    resource: "address",
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
    resource: "schedule",
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
    resource: "service_area",
    file: "service_areas.csv",
    columns: &["id", "service_id", "name", "description", "extent", "extent_type", "uri"],
    other_fields: &["attributes", "metadata"],
};

pub(super) const LANGUAGES: Table = Table {
    resource: "language",
    file: "languages.csv",
    columns: &["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
    other_fields: &["attributes", "metadata"],
};

pub(super) const TAXONOMY_TERMS: Table = Table {
    resource: "taxonomy_term",
    file: "taxonomy_terms.csv",
    columns: &["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri"],
    other_fields: &["metadata"],
};

pub(super) const TAXONOMIES: Table = Table {
    resource: "taxonomy",
    file: "taxonomies.csv",
    columns: &["id", "name", "description", "uri", "version"],
    other_fields: &["metadata"],
};

pub(super) const COST_OPTIONS: Table = Table {
    resource: "cost_option",
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
const TIME_COLUMNS: &[&str] = &["opens_at", "closes_at"];

/// The Frictionless type of a column, as the descriptor states it.
pub(super) fn column_type(column: &str) -> &'static str {
    if NUMBER_COLUMNS.contains(&column) {
        "number"
    } else if DATE_COLUMNS.contains(&column) {
        "date"
    } else if TIME_COLUMNS.contains(&column) {
        "time"
    } else if column == "last_modified" {
        "datetime"
    } else {
        "string"
    }
}

/// The Frictionless format of a column: ids are UUIDs, and addresses of
/// mail and the web are checked as such.
pub(super) fn column_format(column: &str) -> Option<&'static str> {
    match column {
        "email" | "assurer_email" => Some("email"),
        "url" | "website" | "uri" | "term_uri" | "schedule_link" => Some("uri"),
        "tax_id" => None,
        c if c == "id" || c.ends_with("_id") => Some("uuid"),
        _ => None,
    }
}

/// Whether HSDS 3.0 requires the column in this resource.
pub(super) fn required(resource: &str, column: &str) -> bool {
    let columns: &[&str] = match resource {
        "organization" | "taxonomy_term" | "taxonomy" => &["name", "description"],
        "organization_identifier" => &["organization_id", "identifier_type", "identifier"],
        "service" => &["organization_id", "name", "status"],
        "attribute" => &["link_id", "taxonomy_term_id"],
        "service_at_location" => &["service_id", "location_id"],
        "location" => &["location_type"],
        "phone" => &["number"],
        "address" => &["location_id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
        "service_area" | "cost_option" => &["service_id"],
        _ => &[],
    };
    column == "id" || columns.contains(&column)
}

/// The references between resources: (resource, column, referenced
/// resource); `""` is the resource itself.
pub(super) const FOREIGN_KEYS: &[(&str, &str, &str)] = &[
    ("organization", "parent_organization_id", ""),
    ("organization_identifier", "organization_id", "organization"),
    ("service", "organization_id", "organization"),
    ("attribute", "taxonomy_term_id", "taxonomy_term"),
    ("service_at_location", "service_id", "service"),
    ("service_at_location", "location_id", "location"),
    ("location", "organization_id", "organization"),
    ("phone", "location_id", "location"),
    ("phone", "service_id", "service"),
    ("phone", "organization_id", "organization"),
    ("phone", "contact_id", "contact"),
    ("phone", "service_at_location_id", "service_at_location"),
    ("contact", "organization_id", "organization"),
    ("contact", "service_id", "service"),
    ("contact", "service_at_location_id", "service_at_location"),
    ("contact", "location_id", "location"),
    ("address", "location_id", "location"),
    ("schedule", "service_id", "service"),
    ("schedule", "location_id", "location"),
    ("schedule", "service_at_location_id", "service_at_location"),
    ("service_area", "service_id", "service"),
    ("language", "service_id", "service"),
    ("language", "location_id", "location"),
    ("language", "phone_id", "phone"),
    ("taxonomy_term", "taxonomy_id", "taxonomy"),
    ("taxonomy_term", "parent_id", ""),
    ("cost_option", "service_id", "service"),
];

/// The table of a datapackage file, if HSDS has one by that name.
pub(super) fn table(file: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.file == file)
}
