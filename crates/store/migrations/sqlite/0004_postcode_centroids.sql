-- Centroids of postcode areas (PC6 or PC4), for distance from a patient's
-- postcode or a practice to the services of the social map.
CREATE TABLE postcode_centroid (
    postcode TEXT PRIMARY KEY,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL
);
