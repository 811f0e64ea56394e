-- +goose Up
-- Participatory budgeting (internal/budget): editions with their areas (domains or
-- zones), citizens' proposals and appeals (each a registered document), and the vote.
-- Amounts are whole units of the edition's currency; dates are 'YYYY-MM-DD'
-- (Europe/Bucharest days, both ends included).
CREATE TABLE budget_editions (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    currency         TEXT NOT NULL CHECK (currency IN ('RON','EUR')),
    total_budget     INTEGER NOT NULL,
    area_kind        TEXT NOT NULL CHECK (area_kind IN ('domain','zone')),
    project_cap      INTEGER NOT NULL DEFAULT 0,
    max_votes        INTEGER NOT NULL,
    votes_per_area   INTEGER NOT NULL DEFAULT 0,
    vote_type        TEXT NOT NULL CHECK (vote_type IN ('approval','cumulative')),
    max_points       INTEGER NOT NULL DEFAULT 0,
    min_age          INTEGER NOT NULL,
    require_tie      INTEGER NOT NULL DEFAULT 1,
    rule             TEXT NOT NULL,
    projects_to_fund INTEGER NOT NULL DEFAULT 0,
    top_up           INTEGER NOT NULL DEFAULT 0,
    proposals_from   TEXT NOT NULL,
    proposals_to     TEXT NOT NULL,
    analysis_from    TEXT NOT NULL,
    analysis_to      TEXT NOT NULL,
    appeals_from     TEXT NOT NULL,
    appeals_to       TEXT NOT NULL,
    vote_from        TEXT NOT NULL,
    vote_to          TEXT NOT NULL,
    results_on       TEXT NOT NULL,
    published        INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER REFERENCES users (id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE budget_areas (
    id         INTEGER PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES budget_editions (id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    budget     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (edition_id, position)
);

CREATE TABLE budget_proposals (
    id              INTEGER PRIMARY KEY,
    edition_id      INTEGER NOT NULL REFERENCES budget_editions (id),
    area_id         INTEGER NOT NULL REFERENCES budget_areas (id),
    proposer_id     INTEGER NOT NULL REFERENCES users (id),
    number          TEXT NOT NULL,
    entry_id        INTEGER NOT NULL REFERENCES registry_entries (id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    address         TEXT NOT NULL,
    location        TEXT NOT NULL DEFAULT '',
    estimate        INTEGER NOT NULL,
    cost            INTEGER NOT NULL,
    tie             TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('submitted','eligible','ineligible','merged')),
    criteria_failed TEXT NOT NULL DEFAULT '',
    review_reason   TEXT NOT NULL DEFAULT '',
    reviewed_at     INTEGER NOT NULL DEFAULT 0,
    reviewed_by     INTEGER REFERENCES users (id),
    merged_into     INTEGER REFERENCES budget_proposals (id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX budget_proposals_edition ON budget_proposals (edition_id, status, id);
CREATE INDEX budget_proposals_proposer ON budget_proposals (proposer_id, id);

CREATE TABLE budget_proposal_photos (
    proposal_id  INTEGER NOT NULL REFERENCES budget_proposals (id),
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    blob_hash    TEXT NOT NULL REFERENCES blobs (hash),
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    PRIMARY KEY (proposal_id, position)
);

CREATE TABLE budget_appeals (
    proposal_id     INTEGER PRIMARY KEY REFERENCES budget_proposals (id),
    number          TEXT NOT NULL,
    entry_id        INTEGER NOT NULL REFERENCES registry_entries (id),
    text            TEXT NOT NULL,
    filed_at        INTEGER NOT NULL,
    decision        TEXT NOT NULL DEFAULT '' CHECK (decision IN ('','upheld','rejected')),
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_at      INTEGER NOT NULL DEFAULT 0,
    decided_by      INTEGER REFERENCES users (id)
);

-- The vote keeps what was chosen apart from who chose it. A ballot is its content
-- under a random id, with no time and no voter; WITHOUT ROWID leaves no hidden
-- insertion order either. budget_voters marks who voted (one row per CNP and
-- edition, by a keyed hash of the CNP, never the CNP) and points at the ballot so
-- that the voter can replace it until the vote closes.
CREATE TABLE budget_ballots (
    id         TEXT PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES budget_editions (id),
    content    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX budget_ballots_edition ON budget_ballots (edition_id, content);

CREATE TABLE budget_voters (
    edition_id INTEGER NOT NULL REFERENCES budget_editions (id),
    cnp_hash   TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    ballot_id  TEXT NOT NULL UNIQUE REFERENCES budget_ballots (id),
    tie        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (edition_id, cnp_hash)
);
CREATE INDEX budget_voters_user ON budget_voters (user_id, edition_id);

-- A receipt is found by the hash of its code and says which ballot hash it confirms.
CREATE TABLE budget_receipts (
    code_hash   TEXT PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES budget_editions (id),
    ballot_hash TEXT NOT NULL,
    replaced    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX budget_receipts_ballot ON budget_receipts (ballot_hash);

-- +goose Down
DROP TABLE budget_receipts;
DROP TABLE budget_voters;
DROP TABLE budget_ballots;
DROP TABLE budget_appeals;
DROP TABLE budget_proposal_photos;
DROP TABLE budget_proposals;
DROP TABLE budget_areas;
DROP TABLE budget_editions;
