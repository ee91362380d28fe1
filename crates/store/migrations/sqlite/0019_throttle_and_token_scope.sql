-- One throttle for every "at most N per window" rule (core::throttle): a
-- counter per kind and key, with the start of its window (the first attempt),
-- raised with one atomic UPSERT before the attempt is judged, so parallel
-- attempts cannot all pass.
CREATE TABLE throttle (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX throttle_window ON throttle (window_start);

-- Counted by the throttle table now.
DROP TABLE login_attempt;
DROP TABLE password_reset_request;

-- API tokens expire and are read-only or read-write. Tokens that exist
-- already get 90 days from the upgrade (none stops working on the day
-- itself). They keep writing, as before, except those of a regio-beheerder:
-- a write token of that role now needs a TOTP confirmation at creation,
-- which an old token never had, so it becomes read-only.
ALTER TABLE api_token ADD COLUMN expires_at TEXT;
UPDATE api_token SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+90 days');
ALTER TABLE api_token ADD COLUMN scope TEXT NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write'));
UPDATE api_token SET scope = 'read' WHERE user_id IN (SELECT id FROM app_user WHERE role = 'regio_beheerder');
