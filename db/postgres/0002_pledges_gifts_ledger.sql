-- Pledges, gifts and the double-entry ledger. Nothing that moved money is updated or deleted:
-- a reversal is a new journal entry plus a gift_reversals row.

CREATE TABLE pledges (
    id            uuid        NOT NULL PRIMARY KEY,
    programme_id  uuid        NOT NULL REFERENCES programmes (id),
    donor_id      uuid        NOT NULL REFERENCES donors (id),
    currency      text        NOT NULL,
    total         bigint      NOT NULL CHECK (total > 0),
    frequency     text        NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'yearly', 'term', 'custom')),
    closed_status text        CHECK (closed_status IN ('cancelled', 'written_off')),
    closed_reason text,
    closed_at     timestamptz,
    closed_by     text,
    created_at    timestamptz NOT NULL,
    created_by    text        NOT NULL
);
CREATE INDEX ix_pledges_programme ON pledges (programme_id, id);
CREATE INDEX ix_pledges_donor ON pledges (donor_id, id);

CREATE TABLE pledge_instalments (
    pledge_id uuid   NOT NULL REFERENCES pledges (id),
    number    int    NOT NULL CHECK (number > 0),
    due_date  date   NOT NULL,
    amount    bigint NOT NULL CHECK (amount > 0),
    PRIMARY KEY (pledge_id, number)
);

CREATE TABLE journal_entries (
    id                uuid        NOT NULL PRIMARY KEY,
    programme_id      uuid        NOT NULL REFERENCES programmes (id),
    entry_date        date        NOT NULL,
    kind              text        NOT NULL,
    source_type       text        NOT NULL,
    source_id         uuid        NOT NULL,
    reverses_entry_id uuid        UNIQUE REFERENCES journal_entries (id),
    memo              text,
    created_at        timestamptz NOT NULL,
    created_by        text        NOT NULL
);
CREATE INDEX ix_journal_entries_programme ON journal_entries (programme_id, entry_date);
CREATE INDEX ix_journal_entries_source ON journal_entries (source_type, source_id);

CREATE TABLE postings (
    journal_entry_id uuid   NOT NULL REFERENCES journal_entries (id),
    line             int    NOT NULL,
    programme_id     uuid   NOT NULL REFERENCES programmes (id),
    account          text   NOT NULL CHECK (account IN ('cash_at_bank', 'goods_in_stock', 'restricted_fund', 'aid_paid', 'goods_distributed')),
    amount           bigint NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (journal_entry_id, line)
);
CREATE INDEX ix_postings_programme_account ON postings (programme_id, account);

CREATE TABLE gifts (
    id               uuid        NOT NULL PRIMARY KEY,
    programme_id     uuid        NOT NULL REFERENCES programmes (id),
    donor_id         uuid        NOT NULL REFERENCES donors (id),
    pledge_id        uuid        REFERENCES pledges (id),
    kind             text        NOT NULL CHECK (kind IN ('cash', 'in_kind')),
    received_on      date        NOT NULL,
    currency         text        NOT NULL,
    amount           bigint      NOT NULL CHECK (amount >= 0),
    method           text,
    reference        text,
    description      text,
    quantity         text,
    unit             text,
    valuation_basis  text,
    journal_entry_id uuid        REFERENCES journal_entries (id),
    created_at       timestamptz NOT NULL,
    created_by       text        NOT NULL
);
CREATE UNIQUE INDEX ux_gifts_programme_reference ON gifts (programme_id, reference) WHERE reference IS NOT NULL;
CREATE INDEX ix_gifts_programme ON gifts (programme_id, id);
CREATE INDEX ix_gifts_donor ON gifts (donor_id, id);
CREATE INDEX ix_gifts_pledge ON gifts (pledge_id);

CREATE TABLE pledge_allocations (
    gift_id           uuid   NOT NULL REFERENCES gifts (id),
    pledge_id         uuid   NOT NULL REFERENCES pledges (id),
    instalment_number int    NOT NULL,
    amount            bigint NOT NULL CHECK (amount > 0),
    PRIMARY KEY (gift_id, instalment_number)
);
CREATE INDEX ix_pledge_allocations_pledge ON pledge_allocations (pledge_id);

CREATE TABLE gift_reversals (
    gift_id          uuid        NOT NULL PRIMARY KEY REFERENCES gifts (id),
    reason           text        NOT NULL,
    journal_entry_id uuid        REFERENCES journal_entries (id),
    reversed_on      date        NOT NULL,
    reversed_at      timestamptz NOT NULL,
    reversed_by      text        NOT NULL
);

CREATE FUNCTION money_rows_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: correct by reversal', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER journal_entries_no_change BEFORE UPDATE OR DELETE ON journal_entries FOR EACH ROW EXECUTE FUNCTION money_rows_append_only();
CREATE TRIGGER postings_no_change BEFORE UPDATE OR DELETE ON postings FOR EACH ROW EXECUTE FUNCTION money_rows_append_only();
CREATE TRIGGER gifts_no_change BEFORE UPDATE OR DELETE ON gifts FOR EACH ROW EXECUTE FUNCTION money_rows_append_only();
