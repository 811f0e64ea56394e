-- +goose Up
-- documents: answers issued as signed PDFs. The code is the public verification
-- code in the QR; the PDF is kept as a blob by its SHA-256, which also lets an
-- uploaded copy be recognised as unchanged.
CREATE TABLE issued_documents (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    entry_id    INTEGER NOT NULL REFERENCES registry_entries (id),
    number      TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    holder      TEXT NOT NULL,
    department  TEXT NOT NULL,
    sha256      TEXT NOT NULL REFERENCES blobs (hash),
    issued_at   INTEGER NOT NULL,
    revoked_at  INTEGER NOT NULL DEFAULT 0,
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX issued_documents_case ON issued_documents (case_id);
CREATE INDEX issued_documents_sha ON issued_documents (sha256);

-- +goose Down
DROP TABLE issued_documents;
