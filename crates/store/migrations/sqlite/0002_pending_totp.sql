-- A TOTP secret shown to a user but not yet confirmed with a code. Kept on
-- the server, with the session, so the browser never carries it back.
ALTER TABLE session ADD COLUMN pending_totp_secret TEXT;
