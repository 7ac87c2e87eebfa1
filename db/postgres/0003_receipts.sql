-- Receipts: gap-free numbers per prefix (issuer) and year, immutable content snapshots, void and reissue,
-- and resumable batch runs.

CREATE TABLE receipt_sequences (
    prefix      text   NOT NULL,
    year        int    NOT NULL,
    last_number bigint NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE receipt_runs (
    id           uuid        NOT NULL PRIMARY KEY,
    programme_id uuid        NOT NULL REFERENCES programmes (id),
    year         int         NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('per-gift', 'annual')),
    status       text        NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    total        bigint      NOT NULL,
    done         bigint      NOT NULL,
    errors       bigint      NOT NULL,
    last_error   text,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    started_at   timestamptz,
    finished_at  timestamptz
);

CREATE TABLE receipts (
    id                uuid        NOT NULL PRIMARY KEY,
    number            text        NOT NULL UNIQUE,
    prefix            text        NOT NULL,
    year              int         NOT NULL,
    sequence          bigint      NOT NULL,
    kind              text        NOT NULL CHECK (kind IN ('gift', 'annual')),
    donor_id          uuid        NOT NULL REFERENCES donors (id),
    programme_id      uuid        REFERENCES programmes (id),
    currency          text        NOT NULL,
    total             bigint      NOT NULL CHECK (total > 0),
    issued_on         date        NOT NULL,
    issued_at         timestamptz NOT NULL,
    issued_by         text        NOT NULL,
    content           text        NOT NULL,
    verification_code text        NOT NULL,
    pdf_sha256        text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('valid', 'void')),
    void_reason       text,
    voided_at         timestamptz,
    voided_by         text,
    replaces_id       uuid        UNIQUE REFERENCES receipts (id),
    replaced_by_id    uuid        REFERENCES receipts (id),
    downloads         bigint      NOT NULL DEFAULT 0,
    run_id            uuid        REFERENCES receipt_runs (id),
    UNIQUE (prefix, year, sequence)
);
CREATE INDEX ix_receipts_donor ON receipts (donor_id, year);
CREATE INDEX ix_receipts_run ON receipts (run_id);
CREATE INDEX ix_receipts_programme ON receipts (programme_id, year);

CREATE TABLE receipt_gifts (
    receipt_id uuid NOT NULL REFERENCES receipts (id),
    gift_id    uuid NOT NULL REFERENCES gifts (id),
    PRIMARY KEY (receipt_id, gift_id)
);
CREATE INDEX ix_receipt_gifts_gift ON receipt_gifts (gift_id);

-- At most one valid receipt per gift, enforced by the key: voiding removes the row, reissuing adds it again.
CREATE TABLE current_gift_receipts (
    gift_id    uuid NOT NULL PRIMARY KEY REFERENCES gifts (id),
    receipt_id uuid NOT NULL REFERENCES receipts (id)
);
