-- Closed-loop referrals from a practice to a partner organisation. The
-- anonymous facts are plain columns (they feed the figures and outlive
-- erasure); everything about the patient is one encrypted value in
-- `personal` (XChaCha20-Poly1305, bound to this row), NULL once erased.
CREATE TABLE referral (
    id TEXT PRIMARY KEY,
    referring_practice TEXT NOT NULL,
    network_code TEXT NOT NULL,
    wijk_code TEXT,
    organization_code TEXT NOT NULL,
    service_id TEXT NOT NULL,
    location_id TEXT,
    pathway TEXT,
    hulpvraag TEXT NOT NULL,
    urgency TEXT NOT NULL,
    sent_by INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    status TEXT NOT NULL,
    -- The status changes (step, side, who, when), JSON: anonymous.
    history TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    erased_at TEXT,
    personal TEXT,
    -- Whether each side has news it has not opened yet (the badge).
    news_for_referrer INTEGER NOT NULL DEFAULT 0,
    news_for_receiver INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX referral_practice ON referral (referring_practice, updated_at);
CREATE INDEX referral_organization ON referral (organization_code, updated_at);

-- Mail waiting to be sent: it says only that there is news, never who or
-- what. Without SMTP configured the regio-beheerder sees it here.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);
