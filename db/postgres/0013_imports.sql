-- Gift import: a bank or payment-app file, previewed (nothing booked) and then committed into gifts.
--
-- imports: one uploaded file. status: previewed (rows matched, nothing booked), committing (the background worker books
-- the rows in chunks, one transaction each, resumable after a crash), committed, failed (a chunk failed three times;
-- last_error says why). commit_actor is who committed, as JSON: the worker books the gifts as that person.
CREATE TABLE imports (
    id                   uuid        NOT NULL PRIMARY KEY,
    programme_id         uuid        NOT NULL REFERENCES programmes (id),
    format               text        NOT NULL,
    encoding             text        NOT NULL,
    file_name            text        NOT NULL,
    file_sha256          text        NOT NULL,
    file_size            bigint      NOT NULL,
    mapping_name         text,
    status               text        NOT NULL CHECK (status IN ('previewed', 'committing', 'committed', 'failed')),
    total_rows           integer     NOT NULL,
    commit_actor         text,
    committed_at         timestamptz,
    committed_by         text,
    finished_at          timestamptz,
    last_error           text,
    created_at           timestamptz NOT NULL,
    created_by           text        NOT NULL
);
CREATE INDEX ix_imports_programme ON imports (programme_id, id);
CREATE INDEX ix_imports_status ON imports (status);

-- The original file, kept for the audit pack, in parts of at most 1 MiB (written and read as a stream on every engine).
CREATE TABLE import_files (
    import_id            uuid        NOT NULL REFERENCES imports (id),
    part                 integer     NOT NULL,
    bytes                bytea       NOT NULL,
    PRIMARY KEY (import_id, part)
);

-- One line of the file as read and matched. outcome: new (a gift to book once donor_id is set), duplicate (already
-- recorded: duplicate_gift_id), skipped (not a gift: message), refund (gives back duplicate_gift_id, whose reversal a
-- person confirms), error (message names the column and value), excluded (by a person), booked (gift_id), reversed
-- (the refund's gift was reversed). reference_composed: the file has no id for the line; external_ref is made of its values and
-- identifies it across files but is not printed on the gift. donor_match says how donor_id was found: identity (a payer id or account remembered
-- from an earlier import), code (统一社会信用代码), email, assigned (a person chose), created, anonymous.
CREATE TABLE import_rows (
    import_id            uuid        NOT NULL REFERENCES imports (id),
    row_no               integer     NOT NULL,
    line                 integer     NOT NULL,
    kind                 text        NOT NULL CHECK (kind IN ('payment', 'refund', 'skipped', 'error')),
    outcome              text        NOT NULL CHECK (outcome IN ('new', 'duplicate', 'skipped', 'refund', 'error', 'excluded', 'booked', 'reversed')),
    message              text,
    source               text        NOT NULL,
    external_ref         text,
    reference_composed   boolean     NOT NULL,
    received_on          date,
    received_at          text,
    amount               bigint      NOT NULL,
    currency             text        NOT NULL,
    method               text        NOT NULL,
    payer_name           text,
    payer_account        text,
    payer_account_masked boolean     NOT NULL,
    payer_id             text,
    memo                 text,
    refund_of            text,
    donor_kind           text,
    donor_phone          text,
    donor_email          text,
    donor_org_code       text,
    donor_id             uuid        REFERENCES donors (id),
    donor_match          text,
    suggested_donor_id   uuid        REFERENCES donors (id),
    duplicate_gift_id    uuid        REFERENCES gifts (id),
    gift_id              uuid        REFERENCES gifts (id),
    PRIMARY KEY (import_id, row_no)
);
CREATE INDEX ix_import_rows_outcome ON import_rows (import_id, outcome, row_no);
CREATE INDEX ix_import_rows_reference ON import_rows (import_id, source, external_ref);

-- Every payment booked from a file, by its channel and id: one payment is booked once in the whole organisation, never
-- into two programmes, also from overlapping files and from two instances at once (the primary key decides).
CREATE TABLE external_payments (
    source               text        NOT NULL,
    external_ref         text        NOT NULL,
    gift_id              uuid        NOT NULL REFERENCES gifts (id),
    import_id            uuid        NOT NULL REFERENCES imports (id),
    row_no               integer     NOT NULL,
    PRIMARY KEY (source, external_ref)
);
CREATE INDEX ix_external_payments_gift ON external_payments (gift_id);

-- What identifies a payer across files, remembered when a person assigned the donor of a booked row: a WeChat openid
-- (kind 'wechat-openid') or an unmasked account with its holder's name ('account'). Masked accounts are never stored.
CREATE TABLE payer_identities (
    kind                 text        NOT NULL,
    value                text        NOT NULL,
    donor_id             uuid        NOT NULL REFERENCES donors (id),
    created_at           timestamptz NOT NULL,
    PRIMARY KEY (kind, value)
);

-- A corporate bank export's column mapping, saved per programme by name.
CREATE TABLE import_mappings (
    programme_id         uuid        NOT NULL REFERENCES programmes (id),
    name                 text        NOT NULL,
    mapping              text        NOT NULL,
    created_at           timestamptz NOT NULL,
    created_by           text        NOT NULL,
    PRIMARY KEY (programme_id, name)
);

-- A file's reference is looked up in every programme (one payment, one programme).
CREATE INDEX ix_gifts_reference ON gifts (reference);
