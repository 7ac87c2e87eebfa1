-- Receipts: gap-free numbers per prefix (issuer) and year, immutable content snapshots, void and reissue,
-- and resumable batch runs.

CREATE TABLE receipt_sequences (
    prefix      TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE receipt_runs (
    id           TEXT    NOT NULL PRIMARY KEY,
    programme_id TEXT    NOT NULL REFERENCES programmes (id),
    year         INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('per-gift', 'annual')),
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    total        INTEGER NOT NULL,
    done         INTEGER NOT NULL,
    errors       INTEGER NOT NULL,
    last_error   TEXT,
    created_at   TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    started_at   TEXT,
    finished_at  TEXT
);

CREATE TABLE receipts (
    id                TEXT    NOT NULL PRIMARY KEY,
    number            TEXT    NOT NULL UNIQUE,
    prefix            TEXT    NOT NULL,
    year              INTEGER NOT NULL,
    sequence          INTEGER NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('gift', 'annual')),
    donor_id          TEXT    NOT NULL REFERENCES donors (id),
    programme_id      TEXT    REFERENCES programmes (id),
    currency          TEXT    NOT NULL,
    total             INTEGER NOT NULL CHECK (total > 0),
    issued_on         TEXT    NOT NULL,
    issued_at         TEXT    NOT NULL,
    issued_by         TEXT    NOT NULL,
    content           TEXT    NOT NULL,
    verification_code TEXT    NOT NULL,
    pdf_sha256        TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('valid', 'void')),
    void_reason       TEXT,
    voided_at         TEXT,
    voided_by         TEXT,
    replaces_id       TEXT    UNIQUE REFERENCES receipts (id),
    replaced_by_id    TEXT    REFERENCES receipts (id),
    downloads         INTEGER NOT NULL DEFAULT 0,
    run_id            TEXT    REFERENCES receipt_runs (id),
    UNIQUE (prefix, year, sequence)
);
CREATE INDEX ix_receipts_donor ON receipts (donor_id, year);
CREATE INDEX ix_receipts_run ON receipts (run_id);
CREATE INDEX ix_receipts_programme ON receipts (programme_id, year);

CREATE TABLE receipt_gifts (
    receipt_id TEXT NOT NULL REFERENCES receipts (id),
    gift_id    TEXT NOT NULL REFERENCES gifts (id),
    PRIMARY KEY (receipt_id, gift_id)
);
CREATE INDEX ix_receipt_gifts_gift ON receipt_gifts (gift_id);

-- At most one valid receipt per gift, enforced by the key: voiding removes the row, reissuing adds it again.
CREATE TABLE current_gift_receipts (
    gift_id    TEXT NOT NULL PRIMARY KEY REFERENCES gifts (id),
    receipt_id TEXT NOT NULL REFERENCES receipts (id)
);
