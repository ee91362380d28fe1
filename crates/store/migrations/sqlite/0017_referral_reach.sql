-- Every organisation gets a referral address: the intake e-mail that hears
-- of a referral when nobody of the organisation has an account, and the
-- phone number a referrer calls when nobody reacts (HSDS organization.email
-- and phone).
ALTER TABLE organization ADD COLUMN email TEXT;
ALTER TABLE organization ADD COLUMN phone TEXT;

-- Why the practice withdrew a referral is part of the step in `history`;
-- nothing to add for it here.

-- Single-use links to one referral, mailed to an organisation's intake
-- address. Only hashes are kept: of the link's token, of the one-time code
-- (with the token, so a stolen table cannot be tried offline without the
-- link) and of the browser session the code was entered in.
CREATE TABLE referral_link (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    referral_id TEXT NOT NULL REFERENCES referral (id),
    organization_code TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    -- A step was taken with it, or a fresh link replaced it.
    used_at TEXT,
    code_hash TEXT,
    code_sent_at TEXT,
    code_expires_at TEXT,
    code_attempts INTEGER NOT NULL DEFAULT 0,
    codes_sent INTEGER NOT NULL DEFAULT 0,
    access_hash TEXT,
    access_until TEXT
);
CREATE INDEX referral_link_referral ON referral_link (referral_id, created_at);
