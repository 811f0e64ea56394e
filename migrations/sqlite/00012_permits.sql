-- +goose Up
-- sources: the building and demolition permits the city issued (exported from the
-- urbanism department's register), read when a holder announces the start or the
-- end of the works.
CREATE TABLE source_building_permits (
    permit_number     TEXT NOT NULL,
    issued_on         TEXT NOT NULL,          -- YYYY-MM-DD
    holder_identifier TEXT NOT NULL,          -- CNP or CUI
    holder_name       TEXT NOT NULL,
    address           TEXT NOT NULL,
    works             TEXT NOT NULL,
    valid_until       TEXT NOT NULL,          -- YYYY-MM-DD: works must start by then
    imported_at       INTEGER NOT NULL,
    PRIMARY KEY (permit_number, issued_on)
);

-- +goose Down
DROP TABLE source_building_permits;
