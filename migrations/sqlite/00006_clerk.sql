-- +goose Up
-- clerk: the virtual civil servant's durable jobs, one per filed request, and the
-- steps it took, each with the rule and version it applied, its inputs and outcome.
CREATE TABLE clerk_jobs (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL UNIQUE REFERENCES cases (id),
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX clerk_jobs_due ON clerk_jobs (state, next_at, id);

CREATE TABLE clerk_steps (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    at           INTEGER NOT NULL,
    rule         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    inputs       TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    reviewed_by  INTEGER,
    reviewed_at  INTEGER NOT NULL DEFAULT 0,
    review_note  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX clerk_steps_case ON clerk_steps (case_id, id);

-- +goose Down
DROP TABLE clerk_steps;
DROP TABLE clerk_jobs;
