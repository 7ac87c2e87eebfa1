-- Receipts: gap-free numbers per prefix (issuer) and year, immutable content snapshots, void and reissue,
-- and resumable batch runs.

CREATE TABLE receipt_sequences (
    prefix      NVARCHAR(200) COLLATE Chinese_PRC_CI_AS NOT NULL,
    year        INT           NOT NULL,
    last_number BIGINT        NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE receipt_runs (
    id           CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    year         INT               NOT NULL,
    kind         NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (kind IN ('per-gift', 'annual')),
    status       NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    total        BIGINT            NOT NULL,
    done         BIGINT            NOT NULL,
    errors       BIGINT            NOT NULL,
    last_error   NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    created_at   DATETIMEOFFSET(6) NOT NULL,
    created_by   NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    started_at   DATETIMEOFFSET(6) NULL,
    finished_at  DATETIMEOFFSET(6) NULL
);

CREATE TABLE receipts (
    id                CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    number            NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL UNIQUE,
    prefix            NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    year              INT               NOT NULL,
    sequence          BIGINT            NOT NULL,
    kind              NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (kind IN ('gift', 'annual')),
    donor_id          CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES donors (id),
    programme_id      CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES programmes (id),
    currency          NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    total             BIGINT            NOT NULL CHECK (total > 0),
    issued_on         DATE              NOT NULL,
    issued_at         DATETIMEOFFSET(6) NOT NULL,
    issued_by         NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    content           NVARCHAR(MAX)     COLLATE Latin1_General_BIN2 NOT NULL,
    verification_code NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    pdf_sha256        NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL,
    status            NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (status IN ('valid', 'void')),
    void_reason       NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    voided_at         DATETIMEOFFSET(6) NULL,
    voided_by         NVARCHAR(200)     COLLATE Latin1_General_BIN2 NULL,
    replaces_id       CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES receipts (id),
    replaced_by_id    CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES receipts (id),
    downloads         BIGINT            NOT NULL DEFAULT 0,
    run_id            CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES receipt_runs (id),
    UNIQUE (prefix, year, sequence)
);
-- PostgreSQL: replaces_id UNIQUE. A SQL Server UNIQUE constraint admits only one NULL,
-- so the uniqueness is a filtered unique index over the non-NULL values.
CREATE UNIQUE INDEX ux_receipts_replaces_id ON receipts (replaces_id) WHERE replaces_id IS NOT NULL;
CREATE INDEX ix_receipts_donor ON receipts (donor_id, year);
CREATE INDEX ix_receipts_run ON receipts (run_id);
CREATE INDEX ix_receipts_programme ON receipts (programme_id, year);

CREATE TABLE receipt_gifts (
    receipt_id CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES receipts (id),
    gift_id    CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES gifts (id),
    PRIMARY KEY (receipt_id, gift_id)
);
CREATE INDEX ix_receipt_gifts_gift ON receipt_gifts (gift_id);

-- At most one valid receipt per gift, enforced by the key: voiding removes the row, reissuing adds it again.
CREATE TABLE current_gift_receipts (
    gift_id    CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY REFERENCES gifts (id),
    receipt_id CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES receipts (id)
);
