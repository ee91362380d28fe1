-- CBS area boundaries per vintage: CBS redraws wijken and buurten, so an
-- outline belongs to a code *and* the year of the area definitions. The
-- geometry is a GeoJSON MultiPolygon in WGS84 (longitude, latitude), as
-- formats::boundaries writes it; maps read it whole, never query inside it.
CREATE TABLE boundary (
    code TEXT NOT NULL,
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    geometry TEXT NOT NULL,
    PRIMARY KEY (code, year)
);
CREATE INDEX boundary_year ON boundary (year);
