-- +goose Up
-- Times are Unix microseconds (UTC) in both databases, dates are 'YYYY-MM-DD' text:
-- the same values and the same ordering on SQLite and PostgreSQL.

-- identity
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('citizen','clerk','worker','head','admin')),
    department    TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    cnp           TEXT NOT NULL DEFAULT '',
    cnp_verified  INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX users_department ON users (department, role);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL DEFAULT 0,
    revoked_at INTEGER NOT NULL DEFAULT 0
);

-- registry
CREATE TABLE register_counters (
    register TEXT NOT NULL,
    year     INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (register, year)
);

CREATE TABLE registry_entries (
    id            INTEGER PRIMARY KEY,
    register      TEXT NOT NULL,
    year          INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    number        TEXT NOT NULL,
    direction     TEXT NOT NULL CHECK (direction IN ('in','out')),
    registered_at INTEGER NOT NULL,
    department    TEXT NOT NULL,
    subject       TEXT NOT NULL,
    correspondent TEXT NOT NULL DEFAULT '',
    channel       TEXT NOT NULL DEFAULT 'online',
    case_id       INTEGER,
    reply_to      INTEGER REFERENCES registry_entries (id),
    created_by    INTEGER,
    cancelled_at  INTEGER NOT NULL DEFAULT 0,
    cancel_reason TEXT NOT NULL DEFAULT '',
    cancelled_by  INTEGER,
    UNIQUE (register, year, seq)
);
CREATE INDEX registry_entries_case ON registry_entries (case_id);
CREATE INDEX registry_entries_number ON registry_entries (number);

-- cases
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    service         TEXT NOT NULL,
    department      TEXT NOT NULL,
    applicant_id    INTEGER REFERENCES users (id),
    applicant_name  TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    outcome         TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    number          TEXT NOT NULL,
    registered_at   INTEGER NOT NULL,
    registered_on   TEXT NOT NULL,
    legal_deadline  TEXT NOT NULL,
    term_days       INTEGER NOT NULL,
    term_working    INTEGER NOT NULL,
    extended_days   INTEGER NOT NULL DEFAULT 0,
    paused_days     INTEGER NOT NULL DEFAULT 0,
    paused_on       TEXT NOT NULL DEFAULT '',
    assignee_id     INTEGER REFERENCES users (id),
    fields          TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    decided_at      INTEGER NOT NULL DEFAULT 0,
    closed_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_queue ON cases (department, legal_deadline, id);
CREATE INDEX cases_queue_status ON cases (department, status, legal_deadline, id);
CREATE INDEX cases_all ON cases (legal_deadline, id);
CREATE INDEX cases_applicant ON cases (applicant_id, id);

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_role  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    status_from TEXT NOT NULL DEFAULT '',
    status_to   TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- documents: uploaded files, stored once by content hash
CREATE TABLE blobs (
    hash         TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE TABLE case_files (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    field        TEXT NOT NULL,
    name         TEXT NOT NULL,
    blob_hash    TEXT NOT NULL REFERENCES blobs (hash),
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  INTEGER
);
CREATE INDEX case_files_case ON case_files (case_id);

-- notify: the outbox, written in the same transaction as what it announces
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER,
    email        TEXT NOT NULL DEFAULT '',
    case_id      INTEGER,
    kind         TEXT NOT NULL,
    params       TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (sent_at, id);
CREATE INDEX outbox_user ON outbox (user_id, id);

-- audit: append-only and hash-chained; seq comes from audit_head under its lock
CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL,
    hash     TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, hash) VALUES (1, 0, '');
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL DEFAULT '',
    case_id     INTEGER,
    legal_basis TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- +goose Down
DROP TABLE audit_log;
DROP TABLE audit_head;
DROP TABLE outbox;
DROP TABLE case_files;
DROP TABLE blobs;
DROP TABLE case_events;
DROP TABLE cases;
DROP TABLE registry_entries;
DROP TABLE register_counters;
DROP TABLE api_tokens;
DROP TABLE users;
