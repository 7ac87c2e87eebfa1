-- Foundation: programmes, donors, API keys, idempotency and the audit trail.
-- Ids are UUIDv7 text, money is INTEGER minor units, timestamps are ISO 8601 UTC text, dates yyyy-MM-dd.

CREATE TABLE programmes (
    id              TEXT    NOT NULL PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    region          TEXT,
    partner         TEXT,
    currency        TEXT    NOT NULL,
    start_date      TEXT    NOT NULL,
    end_date        TEXT    NOT NULL,
    annual_standard INTEGER NOT NULL CHECK (annual_standard > 0),
    target          INTEGER CHECK (target > 0),
    status          TEXT    NOT NULL CHECK (status IN ('planned', 'active', 'closed')),
    created_at      TEXT    NOT NULL,
    created_by      TEXT    NOT NULL
);

CREATE TABLE donors (
    id                TEXT    NOT NULL PRIMARY KEY,
    kind              TEXT    NOT NULL CHECK (kind IN ('person', 'organisation')),
    name              TEXT    NOT NULL,
    anonymous         INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    language          TEXT    NOT NULL,
    email             TEXT,
    phone             TEXT,
    address           TEXT,
    organisation_code TEXT,
    created_at        TEXT    NOT NULL,
    created_by        TEXT    NOT NULL
);
CREATE INDEX ix_donors_name ON donors (name);

CREATE TABLE api_keys (
    id         TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'auditor', 'donor')),
    donor_id   TEXT REFERENCES donors (id),
    key_hash   TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);

CREATE TABLE api_key_programmes (
    api_key_id   TEXT NOT NULL REFERENCES api_keys (id),
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (api_key_id, programme_id)
);

CREATE TABLE idempotency_keys (
    owner           TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    action          TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    response        TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (owner, idempotency_key)
);

CREATE TABLE audit_log (
    sequence      INTEGER NOT NULL PRIMARY KEY,
    occurred_at   TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    entity        TEXT,
    entity_id     TEXT,
    programme_id  TEXT,
    summary       TEXT    NOT NULL,
    previous_hash TEXT    NOT NULL,
    hash          TEXT    NOT NULL
);
CREATE INDEX ix_audit_log_programme ON audit_log (programme_id, sequence);

-- The trail is append-only for the application; verification catches anyone who gets around this.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
