-- +goose Up
-- catalog: what an administrator changed in a service over its YAML definition
-- (internal/catalog/overrides.go). enabled NULL and empty texts keep the files' value.
CREATE TABLE service_overrides (
    code       TEXT PRIMARY KEY,
    enabled    BIGINT,
    name_ro    TEXT NOT NULL DEFAULT '',
    name_en    TEXT NOT NULL DEFAULT '',
    name_hu    TEXT NOT NULL DEFAULT '',
    summary_ro TEXT NOT NULL DEFAULT '',
    summary_en TEXT NOT NULL DEFAULT '',
    summary_hu TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id)
);

-- cases: the back-office dashboard counts the decisions of the last days
-- (internal/cases/dashboard.go), for one department or for all.
CREATE INDEX cases_decided ON cases (department, decided_at);
CREATE INDEX cases_decided_all ON cases (decided_at);

-- +goose Down
DROP INDEX cases_decided_all;
DROP INDEX cases_decided;
DROP TABLE service_overrides;
