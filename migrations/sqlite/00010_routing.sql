-- +goose Up
-- routing: a request moved to the service it belongs to (by a person, often on the
-- virtual civil servant's proposal), and a petition forwarded to the institution
-- competent for it (OG 27/2002 art. 6¹). The case keeps its registry number; these
-- rows say where it came from and where it went, for the timeline and the dashboard.
CREATE TABLE case_reroutes (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases (id),
    at               INTEGER NOT NULL,
    from_service     TEXT NOT NULL,
    to_service       TEXT NOT NULL,
    from_department  TEXT NOT NULL,
    to_department    TEXT NOT NULL,
    actor_id         INTEGER,
    reason           TEXT NOT NULL
);
CREATE INDEX case_reroutes_case ON case_reroutes (case_id, id);
CREATE INDEX case_reroutes_from ON case_reroutes (from_department, from_service);

CREATE TABLE case_forwards (
    case_id      INTEGER PRIMARY KEY REFERENCES cases (id),
    institution  TEXT NOT NULL,
    entry_id     INTEGER NOT NULL REFERENCES registry_entries (id),
    at           INTEGER NOT NULL,
    actor_id     INTEGER,
    reason       TEXT NOT NULL
);

-- +goose Down
DROP TABLE case_forwards;
DROP TABLE case_reroutes;
