-- The social map (sociale kaart), after Open Referral HSDS 3.0: taxonomy of
-- hulpvragen, locations, services and their child rows, and a history of
-- every change (HSDS metadata). Organisations are the region's.

CREATE TABLE taxonomy_term (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    parent_code TEXT REFERENCES taxonomy_term (code)
);

CREATE TABLE taxonomy_synonym (
    term_code TEXT NOT NULL REFERENCES taxonomy_term (code) ON DELETE CASCADE,
    synonym TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (term_code, synonym)
);

CREATE TABLE location (
    id TEXT PRIMARY KEY,
    organization_code TEXT NOT NULL REFERENCES organization (code),
    name TEXT NOT NULL,
    description TEXT,
    street TEXT,
    house_number INTEGER,
    house_number_suffix TEXT,
    postcode TEXT,
    city TEXT,
    latitude REAL,
    longitude REAL
);

CREATE TABLE service (
    id TEXT PRIMARY KEY,
    organization_code TEXT NOT NULL REFERENCES organization (code),
    name TEXT NOT NULL,
    alternate_name TEXT,
    description TEXT NOT NULL,
    url TEXT,
    email TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'defunct', 'temporarily closed')),
    assured_date TEXT,
    application_process TEXT,
    fees_description TEXT,
    free_of_charge INTEGER NOT NULL,
    eligibility_description TEXT,
    minimum_age INTEGER,
    maximum_age INTEGER,
    domain TEXT NOT NULL CHECK (domain IN ('zorg', 'welzijn', 'sociaal_domein', 'informele_zorg')),
    by_appointment INTEGER NOT NULL DEFAULT 0,
    schedule_notes TEXT
);
CREATE INDEX service_organization ON service (organization_code);

CREATE TABLE service_location (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    location_id TEXT NOT NULL REFERENCES location (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (service_id, location_id)
);

CREATE TABLE service_language (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (service_id, language)
);

CREATE TABLE service_pathway (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    pathway TEXT NOT NULL CHECK (pathway IN ('welzijn_op_recept', 'gli_volwassenen', 'gli_jeugd', 'kansrijke_start', 'valpreventie')),
    position INTEGER NOT NULL,
    PRIMARY KEY (service_id, pathway)
);

CREATE TABLE service_wijk (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    wijk_code TEXT NOT NULL REFERENCES wijk (code),
    position INTEGER NOT NULL,
    PRIMARY KEY (service_id, wijk_code)
);

CREATE TABLE service_network (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    network_code TEXT NOT NULL REFERENCES network (code),
    position INTEGER NOT NULL,
    PRIMARY KEY (service_id, network_code)
);

CREATE TABLE service_term (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    term_code TEXT NOT NULL REFERENCES taxonomy_term (code),
    position INTEGER NOT NULL,
    PRIMARY KEY (service_id, term_code)
);

CREATE TABLE service_phone (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (service_id, position)
);

CREATE TABLE service_contact (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    email TEXT,
    phone TEXT,
    PRIMARY KEY (service_id, position)
);

CREATE TABLE service_schedule (
    service_id TEXT NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    PRIMARY KEY (service_id, weekday, opens)
);

-- Every change to a service: who, when, and the service as it became.
-- No foreign key to service: the history outlives a removed entry.
CREATE TABLE service_change (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    user_id INTEGER,
    summary TEXT NOT NULL,
    snapshot TEXT NOT NULL
);
CREATE INDEX service_change_service ON service_change (service_id, id);
