-- Financing (issue 6): tariffs per year, and approved payment statements,
-- which are frozen: their rows are never updated or deleted (triggers), a
-- later change to the region becomes a correction line in a later quarter.

CREATE TABLE finance_tariff (
    year INTEGER PRIMARY KEY,
    gp_time_cents INTEGER NOT NULL CHECK (gp_time_cents >= 0),
    coordinator_cents INTEGER NOT NULL CHECK (coordinator_cents >= 0),
    threshold_patients INTEGER NOT NULL CHECK (threshold_patients > 0),
    min_coordinator_minutes INTEGER NOT NULL CHECK (min_coordinator_minutes >= 0),
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);

-- Every saved version of a year's tariffs, so an old statement can be
-- explained with the tariff it was computed with.
CREATE TABLE finance_tariff_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    gp_time_cents INTEGER NOT NULL,
    coordinator_cents INTEGER NOT NULL,
    threshold_patients INTEGER NOT NULL,
    min_coordinator_minutes INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);

CREATE TABLE finance_approval (
    quarter TEXT PRIMARY KEY,
    approved_at TEXT NOT NULL,
    approved_by_user_id INTEGER,
    approved_by_name TEXT NOT NULL
);

CREATE TABLE finance_statement (
    quarter TEXT NOT NULL REFERENCES finance_approval (quarter),
    network_code TEXT NOT NULL,
    registered_patients INTEGER NOT NULL CHECK (registered_patients >= 0),
    PRIMARY KEY (quarter, network_code)
);

CREATE TABLE finance_statement_line (
    quarter TEXT NOT NULL,
    network_code TEXT NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('gp_time', 'coordinator', 'correction')),
    rate_cents_per_year INTEGER NOT NULL,
    patients INTEGER NOT NULL,
    amount_cents INTEGER NOT NULL,
    reason TEXT,
    corrects_quarter TEXT,
    corrects_kind TEXT CHECK (corrects_kind IN ('gp_time', 'coordinator')),
    paid_cents INTEGER,
    recomputed_cents INTEGER,
    PRIMARY KEY (quarter, network_code, position),
    FOREIGN KEY (quarter, network_code) REFERENCES finance_statement (quarter, network_code),
    CHECK ((kind = 'correction') = (corrects_quarter IS NOT NULL))
);
CREATE INDEX finance_statement_line_corrects ON finance_statement_line (corrects_quarter);

CREATE TRIGGER finance_tariff_history_no_update BEFORE UPDATE ON finance_tariff_history
BEGIN
    SELECT RAISE(ABORT, 'finance_tariff_history is append-only');
END;
CREATE TRIGGER finance_tariff_history_no_delete BEFORE DELETE ON finance_tariff_history
BEGIN
    SELECT RAISE(ABORT, 'finance_tariff_history is append-only');
END;
CREATE TRIGGER finance_approval_no_update BEFORE UPDATE ON finance_approval
BEGIN
    SELECT RAISE(ABORT, 'an approved statement is frozen');
END;
CREATE TRIGGER finance_approval_no_delete BEFORE DELETE ON finance_approval
BEGIN
    SELECT RAISE(ABORT, 'an approved statement is frozen');
END;
CREATE TRIGGER finance_statement_no_update BEFORE UPDATE ON finance_statement
BEGIN
    SELECT RAISE(ABORT, 'an approved statement is frozen');
END;
CREATE TRIGGER finance_statement_no_delete BEFORE DELETE ON finance_statement
BEGIN
    SELECT RAISE(ABORT, 'an approved statement is frozen');
END;
CREATE TRIGGER finance_statement_line_no_update BEFORE UPDATE ON finance_statement_line
BEGIN
    SELECT RAISE(ABORT, 'an approved statement is frozen');
END;
CREATE TRIGGER finance_statement_line_no_delete BEFORE DELETE ON finance_statement_line
BEGIN
    SELECT RAISE(ABORT, 'an approved statement is frozen');
END;
