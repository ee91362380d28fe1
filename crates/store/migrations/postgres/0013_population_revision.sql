-- A counter every population import that changes a figure raises in its own
-- transaction, so a server may keep the region's figures in memory and
-- know with one cheap query when they are stale (also with several servers
-- on one database).
CREATE TABLE population_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO population_revision (id, revision) VALUES (1, 0);
