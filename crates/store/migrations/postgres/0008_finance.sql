-- Financing (issue 6): tariffs per year, and approved payment statements,
-- which are frozen: their rows are never updated or deleted (triggers), a
-- later change to the region becomes a correction line in a later quarter.

CREATE TABLE finance_tariff (
    year BIGINT PRIMARY KEY,
    gp_time_cents BIGINT NOT NULL CHECK (gp_time_cents >= 0),
    coordinator_cents BIGINT NOT NULL CHECK (coordinator_cents >= 0),
    threshold_patients BIGINT NOT NULL CHECK (threshold_patients > 0),
    min_coordinator_minutes BIGINT NOT NULL CHECK (min_coordinator_minutes >= 0),
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);

-- Every saved version of a year's tariffs, so an old statement can be
-- explained with the tariff it was computed with.
CREATE TABLE finance_tariff_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year BIGINT NOT NULL,
    gp_time_cents BIGINT NOT NULL,
    coordinator_cents BIGINT NOT NULL,
    threshold_patients BIGINT NOT NULL,
    min_coordinator_minutes BIGINT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);

CREATE TABLE finance_approval (
    quarter TEXT PRIMARY KEY,
    approved_at TEXT NOT NULL,
    approved_by_user_id BIGINT,
    approved_by_name TEXT NOT NULL
);

CREATE TABLE finance_statement (
    quarter TEXT NOT NULL REFERENCES finance_approval (quarter),
    network_code TEXT NOT NULL,
    registered_patients BIGINT NOT NULL CHECK (registered_patients >= 0),
    PRIMARY KEY (quarter, network_code)
);

CREATE TABLE finance_statement_line (
    quarter TEXT NOT NULL,
    network_code TEXT NOT NULL,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('gp_time', 'coordinator', 'correction')),
    rate_cents_per_year BIGINT NOT NULL,
    patients BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    reason TEXT,
    corrects_quarter TEXT,
    corrects_kind TEXT CHECK (corrects_kind IN ('gp_time', 'coordinator')),
    paid_cents BIGINT,
    recomputed_cents BIGINT,
    PRIMARY KEY (quarter, network_code, position),
    FOREIGN KEY (quarter, network_code) REFERENCES finance_statement (quarter, network_code),
    CHECK ((kind = 'correction') = (corrects_quarter IS NOT NULL))
);
CREATE INDEX finance_statement_line_corrects ON finance_statement_line (corrects_quarter);

CREATE FUNCTION finance_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: an approved statement is frozen', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER finance_tariff_history_no_change BEFORE UPDATE OR DELETE ON finance_tariff_history
FOR EACH ROW EXECUTE FUNCTION finance_refuse_change();
CREATE TRIGGER finance_approval_no_change BEFORE UPDATE OR DELETE ON finance_approval
FOR EACH ROW EXECUTE FUNCTION finance_refuse_change();
CREATE TRIGGER finance_statement_no_change BEFORE UPDATE OR DELETE ON finance_statement
FOR EACH ROW EXECUTE FUNCTION finance_refuse_change();
CREATE TRIGGER finance_statement_line_no_change BEFORE UPDATE OR DELETE ON finance_statement_line
FOR EACH ROW EXECUTE FUNCTION finance_refuse_change();
