-- The last TOTP time step a user's code was accepted for (RFC 6238 §5.2: a
-- code is accepted once). A code for this step or an earlier one is refused.
ALTER TABLE app_user ADD COLUMN totp_last_step BIGINT;

-- A known text sealed with the field key, written on first start: at every
-- start the key must open it, so a lost or replaced secret.key is found at
-- start instead of as errors on every referral page. One row.
CREATE TABLE key_check (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    sealed TEXT NOT NULL,
    created_at TEXT NOT NULL
);
