-- +goose Up
-- sources: the city's own registers that automated answers read, imported from CSV.
-- The local tax roll: one row per taxpayer (CNP or CUI), with the debt in bani
-- (hundredths of a leu) so sums are exact.
CREATE TABLE source_tax_roll (
    identifier  TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    debt_bani   INTEGER NOT NULL CHECK (debt_bani >= 0),
    imported_at INTEGER NOT NULL
);

CREATE TABLE source_imports (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    imported_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE source_imports;
DROP TABLE source_tax_roll;
