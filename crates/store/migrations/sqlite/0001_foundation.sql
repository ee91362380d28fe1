-- The foundation: region model, accounts, sessions, API tokens and the audit log.
-- Dates are ISO 8601 text and booleans 0/1 integers in both engines, so the
-- queries in src/ are shared between SQLite and PostgreSQL (see docs/architecture.md).

CREATE TABLE region (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE wijk (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE wijk_area (
    wijk_code TEXT NOT NULL REFERENCES wijk (code) ON DELETE CASCADE,
    area_code TEXT NOT NULL,
    area_year INTEGER NOT NULL,
    PRIMARY KEY (wijk_code, area_code, area_year)
);

CREATE TABLE practice (
    agb TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    street TEXT NOT NULL,
    house_number INTEGER NOT NULL,
    house_number_suffix TEXT,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    wijk_code TEXT REFERENCES wijk (code)
);

CREATE TABLE registered_patients (
    agb TEXT NOT NULL REFERENCES practice (agb) ON DELETE CASCADE,
    counted_on TEXT NOT NULL,
    patients INTEGER NOT NULL CHECK (patients >= 0),
    PRIMARY KEY (agb, counted_on)
);

CREATE TABLE organization (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT NOT NULL CHECK (domain IN ('zorg', 'welzijn', 'sociaal_domein', 'informele_zorg'))
);

CREATE TABLE network (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    module TEXT NOT NULL CHECK (module IN ('wijkmanagement', 'coordinator_only')),
    status TEXT NOT NULL CHECK (status IN ('interesse', 'in_oprichting', 'actief', 'gestopt')),
    registered_on TEXT,
    stopped_on TEXT,
    coordinator_option TEXT CHECK (coordinator_option IN ('A', 'B')),
    coordinator_name TEXT,
    coordinator_minutes_per_week INTEGER,
    coordinator_start TEXT
);

CREATE TABLE network_wijk (
    network_code TEXT NOT NULL REFERENCES network (code) ON DELETE CASCADE,
    wijk_code TEXT NOT NULL REFERENCES wijk (code),
    position INTEGER NOT NULL,
    PRIMARY KEY (network_code, wijk_code)
);

CREATE TABLE network_practice (
    network_code TEXT NOT NULL REFERENCES network (code) ON DELETE CASCADE,
    agb TEXT NOT NULL REFERENCES practice (agb),
    member_from TEXT NOT NULL,
    member_until TEXT,
    PRIMARY KEY (network_code, agb, member_from)
);

CREATE TABLE network_partner (
    network_code TEXT NOT NULL REFERENCES network (code) ON DELETE CASCADE,
    organization_code TEXT NOT NULL REFERENCES organization (code),
    member_from TEXT NOT NULL,
    member_until TEXT,
    PRIMARY KEY (network_code, organization_code, member_from)
);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('regio_beheerder', 'wijkmanager', 'praktijk', 'netwerkpartner')),
    totp_secret TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- What the role is about: network codes, a practice's AGB or an organisation's code.
CREATE TABLE user_scope (
    user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    PRIMARY KEY (user_id, code)
);

-- Server-side sessions. Only a hash of the cookie value is stored, so a copy
-- of the database does not hand out live sessions.
CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES app_user (id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('anonymous', 'password', 'complete')),
    second_factor INTEGER NOT NULL DEFAULT 0,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX session_expires ON session (expires_at);

CREATE TABLE api_token (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE login_attempt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    succeeded INTEGER NOT NULL
);
CREATE INDEX login_attempt_email ON login_attempt (email, attempted_at);
CREATE INDEX login_attempt_addr ON login_attempt (client_addr, attempted_at);

-- Append-only and hash-chained; see core::audit. No foreign key on user_id:
-- the log outlives the accounts it mentions.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    event TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('C', 'R', 'U', 'D', 'E')),
    at TEXT NOT NULL,
    user_id INTEGER,
    user_role TEXT,
    on_behalf_of TEXT,
    object_type TEXT NOT NULL,
    object_id TEXT,
    access_rule TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'refused', 'error')),
    source_instance TEXT NOT NULL,
    client_addr TEXT
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
