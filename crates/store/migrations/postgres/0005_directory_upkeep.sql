-- Keeping the social map current: a coordinator marks a partner's change as
-- seen, and decides that two look-alike services are really different so
-- they stop showing as likely duplicates.
ALTER TABLE service_change ADD COLUMN reviewed_at TEXT;
ALTER TABLE service_change ADD COLUMN reviewed_by BIGINT REFERENCES app_user (id);

CREATE TABLE service_distinct (
    first_id TEXT NOT NULL,
    second_id TEXT NOT NULL,
    decided_by BIGINT REFERENCES app_user (id),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
);
