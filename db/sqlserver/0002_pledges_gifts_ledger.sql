-- Pledges, gifts and the double-entry ledger. Nothing that moved money is updated or deleted:
-- a reversal is a new journal entry plus a gift_reversals row.

CREATE TABLE pledges (
    id            CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id  CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    donor_id      CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES donors (id),
    currency      NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    total         BIGINT            NOT NULL CHECK (total > 0),
    frequency     NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'yearly', 'term', 'custom')),
    closed_status NVARCHAR(50)      COLLATE Latin1_General_BIN2 NULL CHECK (closed_status IN ('cancelled', 'written_off')),
    closed_reason NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    closed_at     DATETIMEOFFSET(6) NULL,
    closed_by     NVARCHAR(200)     COLLATE Latin1_General_BIN2 NULL,
    created_at    DATETIMEOFFSET(6) NOT NULL,
    created_by    NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL
);
CREATE INDEX ix_pledges_programme ON pledges (programme_id, id);
CREATE INDEX ix_pledges_donor ON pledges (donor_id, id);

CREATE TABLE pledge_instalments (
    pledge_id CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES pledges (id),
    number    INT      NOT NULL CHECK (number > 0),
    due_date  DATE     NOT NULL,
    amount    BIGINT   NOT NULL CHECK (amount > 0),
    PRIMARY KEY (pledge_id, number)
);

CREATE TABLE journal_entries (
    id                CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id      CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    entry_date        DATE              NOT NULL,
    kind              NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    source_type       NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    source_id         CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL,
    reverses_entry_id CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES journal_entries (id),
    memo              NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    created_at        DATETIMEOFFSET(6) NOT NULL,
    created_by        NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL
);
-- PostgreSQL: reverses_entry_id UNIQUE. A SQL Server UNIQUE constraint admits only one NULL,
-- so the uniqueness is a filtered unique index over the non-NULL values.
CREATE UNIQUE INDEX ux_journal_entries_reverses_entry_id ON journal_entries (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL;
CREATE INDEX ix_journal_entries_programme ON journal_entries (programme_id, entry_date);
CREATE INDEX ix_journal_entries_source ON journal_entries (source_type, source_id);

CREATE TABLE postings (
    journal_entry_id CHAR(36)     COLLATE Latin1_General_BIN2 NOT NULL REFERENCES journal_entries (id),
    line             INT          NOT NULL,
    programme_id     CHAR(36)     COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    account          NVARCHAR(50) COLLATE Latin1_General_BIN2 NOT NULL CHECK (account IN ('cash_at_bank', 'goods_in_stock', 'restricted_fund', 'aid_paid', 'goods_distributed')),
    amount           BIGINT       NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (journal_entry_id, line)
);
CREATE INDEX ix_postings_programme_account ON postings (programme_id, account);

CREATE TABLE gifts (
    id               CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id     CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    donor_id         CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES donors (id),
    pledge_id        CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES pledges (id),
    kind             NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (kind IN ('cash', 'in_kind')),
    received_on      DATE              NOT NULL,
    currency         NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    amount           BIGINT            NOT NULL CHECK (amount >= 0),
    method           NVARCHAR(50)      COLLATE Chinese_PRC_CI_AS   NULL, -- not binary: COALESCE(method, description) needs one collation
    reference        NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    description      NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    quantity         NVARCHAR(50)      COLLATE Latin1_General_BIN2 NULL,
    unit             NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NULL,
    valuation_basis  NVARCHAR(50)      COLLATE Latin1_General_BIN2 NULL,
    journal_entry_id CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES journal_entries (id),
    created_at       DATETIMEOFFSET(6) NOT NULL,
    created_by       NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL
);
-- Partial unique index in PostgreSQL, filtered unique index here.
CREATE UNIQUE INDEX ux_gifts_programme_reference ON gifts (programme_id, reference) WHERE reference IS NOT NULL;
CREATE INDEX ix_gifts_programme ON gifts (programme_id, id);
CREATE INDEX ix_gifts_donor ON gifts (donor_id, id);
CREATE INDEX ix_gifts_pledge ON gifts (pledge_id);

CREATE TABLE pledge_allocations (
    gift_id           CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES gifts (id),
    pledge_id         CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES pledges (id),
    instalment_number INT      NOT NULL,
    amount            BIGINT   NOT NULL CHECK (amount > 0),
    PRIMARY KEY (gift_id, instalment_number)
);
CREATE INDEX ix_pledge_allocations_pledge ON pledge_allocations (pledge_id);

CREATE TABLE gift_reversals (
    gift_id          CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY REFERENCES gifts (id),
    reason           NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    journal_entry_id CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES journal_entries (id),
    reversed_on      DATE              NOT NULL,
    reversed_at      DATETIMEOFFSET(6) NOT NULL,
    reversed_by      NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL
);

-- Append-only money rows. PostgreSQL's money_rows_append_only() function (message '<table> is append-only:
-- correct by reversal', with the table name) has no counterpart: one trigger per table replaces it.
GO
CREATE TRIGGER journal_entries_no_change ON journal_entries AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'journal_entries is append-only: correct by reversal', 1;
END;
GO
CREATE TRIGGER postings_no_change ON postings AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'postings is append-only: correct by reversal', 1;
END;
GO
CREATE TRIGGER gifts_no_change ON gifts AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'gifts is append-only: correct by reversal', 1;
END;
GO
