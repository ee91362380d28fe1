-- Practices get an internal key (`code`, like networks and organisations)
-- and the AGB code becomes an optional, unique identifier: real practice
-- lists often lack it, and wijkregie never invents one. Existing practices
-- keep their AGB as their code, so every stored reference (memberships,
-- patient counts, users' scopes, referrals, audit entries) stays valid.
ALTER TABLE practice RENAME COLUMN agb TO code;
ALTER TABLE practice ADD COLUMN agb TEXT;
UPDATE practice SET agb = code;
CREATE UNIQUE INDEX practice_agb ON practice (agb);

-- What a practice list carries besides the address.
ALTER TABLE practice ADD COLUMN phone TEXT;
ALTER TABLE practice ADD COLUMN email TEXT;
ALTER TABLE practice ADD COLUMN opening_hours TEXT;

ALTER TABLE registered_patients RENAME COLUMN agb TO practice_code;
ALTER TABLE network_practice RENAME COLUMN agb TO practice_code;

-- An approved statement keeps the member practices it did not pay for
-- (no AGB code), as JSON: they are part of what was approved.
ALTER TABLE finance_statement ADD COLUMN without_agb TEXT;
