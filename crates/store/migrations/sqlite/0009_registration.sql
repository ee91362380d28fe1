-- Registrations from the public form (issue 6). Every submission is kept,
-- spam included (flagged in `spam`, never queued); the body is the core
-- Application as JSON. The applicant's status link is a random token of
-- which only the SHA-256 is stored; the client address and session are
-- stored as hashes too, only to limit submissions per sender.
CREATE TABLE application (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    submitted_at TEXT NOT NULL,
    request TEXT NOT NULL,
    body TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    sender_hash TEXT,
    session_hash TEXT,
    spam TEXT
);
CREATE INDEX application_sender ON application (sender_hash, submitted_at);
CREATE INDEX application_session ON application (session_hash, submitted_at);

-- The review: at most one decision per application, final once made.
CREATE TABLE application_decision (
    application_id INTEGER PRIMARY KEY REFERENCES application (id),
    decided_at TEXT NOT NULL,
    decided_by INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    network_code TEXT
);

-- Append-only, like the audit log: a submission or a decision is history.
CREATE TRIGGER application_no_update BEFORE UPDATE ON application
BEGIN
    SELECT RAISE(ABORT, 'application is append-only');
END;
CREATE TRIGGER application_no_delete BEFORE DELETE ON application
BEGIN
    SELECT RAISE(ABORT, 'application is append-only');
END;
CREATE TRIGGER application_decision_no_update BEFORE UPDATE ON application_decision
BEGIN
    SELECT RAISE(ABORT, 'application_decision is append-only');
END;
CREATE TRIGGER application_decision_no_delete BEFORE DELETE ON application_decision
BEGIN
    SELECT RAISE(ABORT, 'application_decision is append-only');
END;
