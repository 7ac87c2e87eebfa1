-- Pledges, gifts and the double-entry ledger. Nothing that moved money is updated or deleted:
-- a reversal is a new journal entry plus a gift_reversals row.

CREATE TABLE pledges (
    id            TEXT    NOT NULL PRIMARY KEY,
    programme_id  TEXT    NOT NULL REFERENCES programmes (id),
    donor_id      TEXT    NOT NULL REFERENCES donors (id),
    currency      TEXT    NOT NULL,
    total         INTEGER NOT NULL CHECK (total > 0),
    frequency     TEXT    NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'yearly', 'term', 'custom')),
    closed_status TEXT    CHECK (closed_status IN ('cancelled', 'written_off')),
    closed_reason TEXT,
    closed_at     TEXT,
    closed_by     TEXT,
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL
);
CREATE INDEX ix_pledges_programme ON pledges (programme_id, id);
CREATE INDEX ix_pledges_donor ON pledges (donor_id, id);

CREATE TABLE pledge_instalments (
    pledge_id TEXT    NOT NULL REFERENCES pledges (id),
    number    INTEGER NOT NULL CHECK (number > 0),
    due_date  TEXT    NOT NULL,
    amount    INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (pledge_id, number)
);

CREATE TABLE journal_entries (
    id                TEXT NOT NULL PRIMARY KEY,
    programme_id      TEXT NOT NULL REFERENCES programmes (id),
    entry_date        TEXT NOT NULL,
    kind              TEXT NOT NULL,
    source_type       TEXT NOT NULL,
    source_id         TEXT NOT NULL,
    reverses_entry_id TEXT UNIQUE REFERENCES journal_entries (id),
    memo              TEXT,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL
);
CREATE INDEX ix_journal_entries_programme ON journal_entries (programme_id, entry_date);
CREATE INDEX ix_journal_entries_source ON journal_entries (source_type, source_id);

CREATE TABLE postings (
    journal_entry_id TEXT    NOT NULL REFERENCES journal_entries (id),
    line             INTEGER NOT NULL,
    programme_id     TEXT    NOT NULL REFERENCES programmes (id),
    account          TEXT    NOT NULL CHECK (account IN ('cash_at_bank', 'goods_in_stock', 'restricted_fund', 'aid_paid', 'goods_distributed')),
    amount           INTEGER NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (journal_entry_id, line)
);
CREATE INDEX ix_postings_programme_account ON postings (programme_id, account);

CREATE TABLE gifts (
    id               TEXT    NOT NULL PRIMARY KEY,
    programme_id     TEXT    NOT NULL REFERENCES programmes (id),
    donor_id         TEXT    NOT NULL REFERENCES donors (id),
    pledge_id        TEXT    REFERENCES pledges (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('cash', 'in_kind')),
    received_on      TEXT    NOT NULL,
    currency         TEXT    NOT NULL,
    amount           INTEGER NOT NULL CHECK (amount >= 0),
    method           TEXT,
    reference        TEXT,
    description      TEXT,
    quantity         TEXT,
    unit             TEXT,
    valuation_basis  TEXT,
    journal_entry_id TEXT    REFERENCES journal_entries (id),
    created_at       TEXT    NOT NULL,
    created_by       TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_gifts_programme_reference ON gifts (programme_id, reference) WHERE reference IS NOT NULL;
CREATE INDEX ix_gifts_programme ON gifts (programme_id, id);
CREATE INDEX ix_gifts_donor ON gifts (donor_id, id);
CREATE INDEX ix_gifts_pledge ON gifts (pledge_id);

CREATE TABLE pledge_allocations (
    gift_id           TEXT    NOT NULL REFERENCES gifts (id),
    pledge_id         TEXT    NOT NULL REFERENCES pledges (id),
    instalment_number INTEGER NOT NULL,
    amount            INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (gift_id, instalment_number)
);
CREATE INDEX ix_pledge_allocations_pledge ON pledge_allocations (pledge_id);

CREATE TABLE gift_reversals (
    gift_id          TEXT NOT NULL PRIMARY KEY REFERENCES gifts (id),
    reason           TEXT NOT NULL,
    journal_entry_id TEXT REFERENCES journal_entries (id),
    reversed_on      TEXT NOT NULL,
    reversed_at      TEXT NOT NULL,
    reversed_by      TEXT NOT NULL
);

CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'postings is append-only'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'postings is append-only'); END;
CREATE TRIGGER gifts_no_update BEFORE UPDATE ON gifts BEGIN SELECT RAISE(ABORT, 'gifts are reversed, never changed'); END;
CREATE TRIGGER gifts_no_delete BEFORE DELETE ON gifts BEGIN SELECT RAISE(ABORT, 'gifts are reversed, never deleted'); END;
