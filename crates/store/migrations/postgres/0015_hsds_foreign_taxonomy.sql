-- What an HSDS import keeps of its source (issue 16): the source's own
-- taxonomies and terms, the terms its services carry, the regio-beheerder's
-- mapping of a foreign term onto a hulpvraag (kept per source taxonomy, so
-- the next import of that source applies it), and organisations' HSDS ids
-- and identifiers in other registers, so an export gives the same ids back.

CREATE TABLE foreign_taxonomy (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    uri TEXT,
    version TEXT
);

CREATE TABLE foreign_term (
    id TEXT PRIMARY KEY,
    taxonomy_id TEXT NOT NULL REFERENCES foreign_taxonomy (id),
    code TEXT,
    name TEXT NOT NULL,
    description TEXT,
    parent_id TEXT,
    term_uri TEXT
);
CREATE INDEX foreign_term_taxonomy ON foreign_term (taxonomy_id);

CREATE TABLE service_foreign_term (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    term_id TEXT NOT NULL REFERENCES foreign_term (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (service_id, term_id)
);
CREATE INDEX service_foreign_term_term ON service_foreign_term (term_id);

CREATE TABLE foreign_term_mapping (
    taxonomy_id TEXT NOT NULL REFERENCES foreign_taxonomy (id),
    term_id TEXT NOT NULL REFERENCES foreign_term (id),
    term_code TEXT NOT NULL REFERENCES taxonomy_term (code) ON DELETE CASCADE,
    PRIMARY KEY (taxonomy_id, term_id)
);

CREATE TABLE organization_hsds_id (
    organization_code TEXT PRIMARY KEY REFERENCES organization (code) ON DELETE CASCADE,
    hsds_id TEXT NOT NULL UNIQUE
);

CREATE TABLE organization_identifier (
    id TEXT PRIMARY KEY,
    organization_code TEXT NOT NULL REFERENCES organization (code) ON DELETE CASCADE,
    identifier_scheme TEXT,
    identifier_type TEXT,
    identifier TEXT NOT NULL
);
CREATE INDEX organization_identifier_organization ON organization_identifier (organization_code);

-- Opening hours an HSDS source gave that are not weekly slots (monthly,
-- every other week, only for a period), kept as data with their own id.
-- `interval` is a reserved word in PostgreSQL, hence rule_interval.
CREATE TABLE service_schedule_rule (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    id TEXT NOT NULL,
    freq TEXT,
    rule_interval BIGINT,
    byday TEXT,
    bymonthday TEXT,
    opens TEXT,
    closes TEXT,
    valid_from TEXT,
    valid_to TEXT,
    description TEXT,
    PRIMARY KEY (service_id, position)
);
