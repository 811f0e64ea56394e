-- +goose Up
-- Registers and allocations of four services the virtual civil servant resolves:
-- residential parking (zones, the local vehicle tax roll, the subscriptions it
-- grants), the disabled parking card (DGASPC certificates) and the online meeting
-- with the case officer ("Tichetul albastru": slots and bookings).

-- Which addresses belong to a residential parking zone: one row per street segment,
-- with the places the segment's car parks add to the zone and the yearly fee its
-- residents pay (in bani). parity: toate, pare or impare house numbers.
CREATE TABLE source_parking_zones (
    id          INTEGER PRIMARY KEY,
    street      TEXT NOT NULL,
    street_key  TEXT NOT NULL,
    number_from INTEGER NOT NULL,
    number_to   INTEGER NOT NULL,
    parity      TEXT NOT NULL CHECK (parity IN ('toate', 'pare', 'impare')),
    zone        TEXT NOT NULL,
    fee_bani    INTEGER NOT NULL CHECK (fee_bani >= 0),
    places      INTEGER NOT NULL CHECK (places >= 0),
    imported_at INTEGER NOT NULL
);
CREATE INDEX source_parking_zones_street ON source_parking_zones (street_key);
CREATE INDEX source_parking_zones_zone ON source_parking_zones (zone);

-- The local vehicle tax roll: plates normalised without spaces (CJ12ABC).
CREATE TABLE source_vehicles (
    plate            TEXT PRIMARY KEY,
    owner_identifier TEXT NOT NULL,
    owner_name       TEXT NOT NULL,
    make             TEXT NOT NULL DEFAULT '',
    imported_at      INTEGER NOT NULL
);
CREATE INDEX source_vehicles_owner ON source_vehicles (owner_identifier);

-- Residential parking subscriptions granted, one per case at most. A zone's lock
-- row is taken (upserted) before its subscriptions are counted, so two workers
-- never fill the last place twice.
CREATE TABLE parking_subscriptions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL UNIQUE REFERENCES cases (id),
    zone        TEXT NOT NULL,
    plate       TEXT NOT NULL,
    identifier  TEXT NOT NULL, -- the holder's CNP
    valid_from  TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    fee_bani    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX parking_subscriptions_zone ON parking_subscriptions (zone, valid_until);
CREATE INDEX parking_subscriptions_identifier ON parking_subscriptions (identifier);
CREATE INDEX parking_subscriptions_plate ON parking_subscriptions (plate);

CREATE TABLE parking_zone_locks (
    zone       TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL
);

-- The DGASPC register of disability certificates; valid_until '' is a certificate
-- without a term (permanent).
CREATE TABLE source_disability_certificates (
    certificate_no TEXT PRIMARY KEY,
    cnp            TEXT NOT NULL,
    name           TEXT NOT NULL,
    issued_on      TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    grade          TEXT NOT NULL,
    imported_at    INTEGER NOT NULL
);
CREATE INDEX source_disability_certificates_cnp ON source_disability_certificates (cnp);

-- Meeting slots the officers offer; starts_at is the instant (µs), day and minute
-- its Bucharest date and minute of the day, for choosing by day and period.
CREATE TABLE source_meeting_slots (
    slot_id     TEXT PRIMARY KEY,
    department  TEXT NOT NULL,
    officer     TEXT NOT NULL,
    starts_at   INTEGER NOT NULL,
    day         TEXT NOT NULL,
    minute      INTEGER NOT NULL,
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    channel     TEXT NOT NULL CHECK (channel IN ('video', 'telefon')),
    link        TEXT NOT NULL DEFAULT '',
    imported_at INTEGER NOT NULL
);
CREATE INDEX source_meeting_slots_free ON source_meeting_slots (department, starts_at);

-- A slot is booked once (UNIQUE slot_id), a case books once (UNIQUE case_id). The
-- slot's details are copied so a new import of the slots does not change a booking.
CREATE TABLE meeting_bookings (
    id         INTEGER PRIMARY KEY,
    slot_id    TEXT NOT NULL UNIQUE,
    case_id    INTEGER NOT NULL UNIQUE REFERENCES cases (id),
    department TEXT NOT NULL,
    officer    TEXT NOT NULL,
    starts_at  INTEGER NOT NULL,
    minutes    INTEGER NOT NULL,
    channel    TEXT NOT NULL,
    link       TEXT NOT NULL,
    booked_at  INTEGER NOT NULL
);

-- +goose Down
DROP TABLE meeting_bookings;
DROP TABLE source_meeting_slots;
DROP TABLE source_disability_certificates;
DROP TABLE parking_zone_locks;
DROP TABLE parking_subscriptions;
DROP TABLE source_vehicles;
DROP TABLE source_parking_zones;
