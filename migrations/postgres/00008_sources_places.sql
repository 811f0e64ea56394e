-- +goose Up
-- Registers of places and land the virtual civil servant reads: the street
-- nomenclature, the built-up-area (intravilan) limits and the agricultural register.

-- The street nomenclature approved by the city council: one row per street, with its
-- official name and type, the names it had before its last renaming (with the day and
-- the council decision), and the administrative numbers that exist on it.
-- match_keys are the current and former names folded (no diacritics, lower case, no
-- street type), between bars: |eroilor|lenin|, so a name is found with LIKE.
CREATE TABLE source_streets (
    street_code  TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    type         TEXT NOT NULL,
    former_names TEXT NOT NULL DEFAULT '',
    renamed_on   TEXT NOT NULL DEFAULT '',
    decision     TEXT NOT NULL DEFAULT '',
    numbers      TEXT NOT NULL,
    match_keys   TEXT NOT NULL,
    imported_at  BIGINT NOT NULL
);

-- Intravilan and extravilan zones as WGS84 polygons in WKT (longitude first); the
-- bounding box picks the few polygons a point may be in before they are parsed.
CREATE TABLE source_zoning (
    zone_id     TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('intravilan', 'extravilan')),
    polygon_wkt TEXT NOT NULL,
    min_lat     DOUBLE PRECISION NOT NULL,
    max_lat     DOUBLE PRECISION NOT NULL,
    min_lon     DOUBLE PRECISION NOT NULL,
    max_lon     DOUBLE PRECISION NOT NULL,
    imported_at BIGINT NOT NULL
);
CREATE INDEX source_zoning_box ON source_zoning (min_lat, max_lat);

-- The agricultural register (OG 28/2008): one row per position (volume and position
-- in the register), the household head's CNP, land in square metres (exact), and the
-- animals as declared ("2 bovine; 5 ovine").
CREATE TABLE source_agricultural_register (
    position    TEXT PRIMARY KEY,
    cnp         TEXT NOT NULL,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    land_m2     BIGINT NOT NULL CHECK (land_m2 >= 0),
    animals     TEXT NOT NULL DEFAULT '',
    imported_at BIGINT NOT NULL
);
CREATE INDEX source_agricultural_register_cnp ON source_agricultural_register (cnp);

-- +goose Down
DROP TABLE source_agricultural_register;
DROP TABLE source_zoning;
DROP TABLE source_streets;
