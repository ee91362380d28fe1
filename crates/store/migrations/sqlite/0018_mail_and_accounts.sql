-- The outbox, extended once for every kind of mail: what a mail is about
-- (core::mail::MailKind), an optional HTML alternative, attachments, and the
-- bundle a mail went out in (the id of the bundle's first mail; NULL when
-- it went out alone). Existing mail was all referral news.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'referral_news'
    CHECK (kind IN ('referral_news', 'one_time_code', 'invitation', 'password_reset', 'application_status', 'meeting_invitation', 'referral_link'));
ALTER TABLE outbox ADD COLUMN html TEXT;
ALTER TABLE outbox ADD COLUMN bundle_id INTEGER;

-- Content is base64 text, so both engines read it through the same driver
-- types; attachments are small (calendar invitations).
CREATE TABLE outbox_attachment (
    mail_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (mail_id, position)
);

-- "Wachtwoord vergeten": single-use links, stored only as a hash of the
-- token, valid until expires_at.
CREATE TABLE password_reset (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_reset_user ON password_reset (user_id);

-- Every request for a reset link, known address or not, for the rate limit.
CREATE TABLE password_reset_request (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    requested_at TEXT NOT NULL
);
CREATE INDEX password_reset_request_email ON password_reset_request (email, requested_at);
CREATE INDEX password_reset_request_addr ON password_reset_request (client_addr, requested_at);

-- Roles whose users must log in with a second factor, besides the
-- regio-beheerder who always must (core::second_factor). A new installation
-- (no users yet) requires it for praktijk and netwerkpartner (NEN 7510);
-- an existing one keeps logging in as before until the region decides.
CREATE TABLE totp_policy (
    role TEXT PRIMARY KEY CHECK (role IN ('wijkmanager', 'praktijk', 'netwerkpartner')),
    required INTEGER NOT NULL
);
INSERT INTO totp_policy (role, required) VALUES
    ('wijkmanager', 0),
    ('praktijk', CASE WHEN EXISTS (SELECT 1 FROM app_user) THEN 0 ELSE 1 END),
    ('netwerkpartner', CASE WHEN EXISTS (SELECT 1 FROM app_user) THEN 0 ELSE 1 END);
