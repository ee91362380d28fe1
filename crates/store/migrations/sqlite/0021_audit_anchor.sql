-- The audit log's anchor (issue 22, item 8): the head of the chain after the
-- last append, MAC'd with a key derived from the secret key, which is not in
-- the database. One row; `since` is the first entry written while anchored
-- (entries of a log from before this migration are only hash-chained).
CREATE TABLE audit_anchor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    since BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT NOT NULL
);

-- Identical refusals are counted (issue 22, item 16): an entry stands for
-- `repeats` of them. Hashed only when not 1, so older entries keep theirs.
ALTER TABLE audit_log ADD COLUMN repeats BIGINT NOT NULL DEFAULT 1;

-- The open count of refusals identical to one already logged, within
-- core::audit::REFUSAL_WINDOW of it. Not chained: it becomes one chained
-- entry with its count when the window has passed (store::audit::flush_refusals).
CREATE TABLE audit_refusal_run (
    run_key TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    repeats BIGINT NOT NULL
);
