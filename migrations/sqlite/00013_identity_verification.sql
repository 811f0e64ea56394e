-- +goose Up
-- identity: each time staff at a counter (later eID) confirmed that an account
-- belongs to the holder of a CNP, with the document they saw
-- (internal/identity/verify.go). A mistake is revoked, never deleted, so the record
-- of who vouched for whom stays. While not revoked, a CNP is verified on one account
-- only and an account has one verification: the partial unique indexes hold that
-- even when two counters confirm at the same moment.
CREATE TABLE identity_verifications (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    cnp           TEXT NOT NULL,
    method        TEXT NOT NULL,           -- counter; eid when ROeID comes
    document      TEXT NOT NULL,           -- e.g. "CI KX 123456"
    verified_by   INTEGER NOT NULL REFERENCES users (id),
    verified_at   INTEGER NOT NULL,
    revoked_by    INTEGER REFERENCES users (id),
    revoked_at    INTEGER NOT NULL DEFAULT 0,
    revoke_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX identity_verifications_cnp ON identity_verifications (cnp) WHERE revoked_at = 0;
CREATE UNIQUE INDEX identity_verifications_user ON identity_verifications (user_id) WHERE revoked_at = 0;

-- identity: finding whether a CNP is already verified on another account.
CREATE INDEX users_cnp ON users (cnp) WHERE cnp_verified = 1;

-- +goose Down
DROP INDEX users_cnp;
DROP TABLE identity_verifications;
