-- Whether the region shows its social map to everyone, without login (the
-- public fields only). Off until the regio-beheerder turns it on.
ALTER TABLE region ADD COLUMN public_map INTEGER NOT NULL DEFAULT 0;
