-- Gift import: a bank or payment-app file, previewed (nothing booked) and then committed into gifts.
--
-- imports: one uploaded file. status: previewed (rows matched, nothing booked), committing (the background worker books
-- the rows in chunks, one transaction each, resumable after a crash), committed, failed (a chunk failed three times;
-- last_error says why). commit_actor is who committed, as JSON: the worker books the gifts as that person.
CREATE TABLE imports (
    id           TEXT    NOT NULL PRIMARY KEY,
    programme_id TEXT    NOT NULL REFERENCES programmes (id),
    format       TEXT    NOT NULL,
    encoding     TEXT    NOT NULL,
    file_name    TEXT    NOT NULL,
    file_sha256  TEXT    NOT NULL,
    file_size    INTEGER NOT NULL,
    mapping_name TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('previewed', 'committing', 'committed', 'failed')),
    total_rows   INTEGER NOT NULL,
    commit_actor TEXT,
    committed_at TEXT,
    committed_by TEXT,
    finished_at  TEXT,
    last_error   TEXT,
    created_at   TEXT    NOT NULL,
    created_by   TEXT    NOT NULL
);
CREATE INDEX ix_imports_programme ON imports (programme_id, id);
CREATE INDEX ix_imports_status ON imports (status);

-- The original file, kept for the audit pack, in parts of at most 1 MiB (written and read as a stream on every engine).
CREATE TABLE import_files (
    import_id TEXT    NOT NULL REFERENCES imports (id),
    part      INTEGER NOT NULL,
    bytes     BLOB    NOT NULL,
    PRIMARY KEY (import_id, part)
);

-- One line of the file as read and matched. outcome: new (a gift to book once donor_id is set), duplicate (already
-- recorded: duplicate_gift_id), skipped (not a gift: message), refund (gives back duplicate_gift_id, whose reversal a
-- person confirms), error (message names the column and value), excluded (by a person), booked (gift_id), reversed
-- (the refund's gift was reversed). reference_composed: the file has no id for the line; external_ref is made of its values and
-- identifies it across files but is not printed on the gift. donor_match says how donor_id was found: identity (a payer id or account remembered
-- from an earlier import), code (统一社会信用代码), email, assigned (a person chose), created, anonymous.
CREATE TABLE import_rows (
    import_id            TEXT    NOT NULL REFERENCES imports (id),
    row_no               INTEGER NOT NULL,
    line                 INTEGER NOT NULL,
    kind                 TEXT    NOT NULL CHECK (kind IN ('payment', 'refund', 'skipped', 'error')),
    outcome              TEXT    NOT NULL CHECK (outcome IN ('new', 'duplicate', 'skipped', 'refund', 'error', 'excluded', 'booked', 'reversed')),
    message              TEXT,
    source               TEXT    NOT NULL,
    external_ref         TEXT,
    reference_composed   INTEGER NOT NULL CHECK (reference_composed IN (0, 1)),
    received_on          TEXT,
    received_at          TEXT,
    amount               INTEGER NOT NULL,
    currency             TEXT    NOT NULL,
    method               TEXT    NOT NULL,
    payer_name           TEXT,
    payer_account        TEXT,
    payer_account_masked INTEGER NOT NULL CHECK (payer_account_masked IN (0, 1)),
    payer_id             TEXT,
    memo                 TEXT,
    refund_of            TEXT,
    donor_kind           TEXT,
    donor_phone          TEXT,
    donor_email          TEXT,
    donor_org_code       TEXT,
    donor_id             TEXT    REFERENCES donors (id),
    donor_match          TEXT,
    suggested_donor_id   TEXT    REFERENCES donors (id),
    duplicate_gift_id    TEXT    REFERENCES gifts (id),
    gift_id              TEXT    REFERENCES gifts (id),
    PRIMARY KEY (import_id, row_no)
);
CREATE INDEX ix_import_rows_outcome ON import_rows (import_id, outcome, row_no);
CREATE INDEX ix_import_rows_reference ON import_rows (import_id, source, external_ref);

-- Every payment booked from a file, by its channel and id: one payment is booked once in the whole organisation, never
-- into two programmes, also from overlapping files and from two instances at once (the primary key decides).
CREATE TABLE external_payments (
    source       TEXT    NOT NULL,
    external_ref TEXT    NOT NULL,
    gift_id      TEXT    NOT NULL REFERENCES gifts (id),
    import_id    TEXT    NOT NULL REFERENCES imports (id),
    row_no       INTEGER NOT NULL,
    PRIMARY KEY (source, external_ref)
);
CREATE INDEX ix_external_payments_gift ON external_payments (gift_id);

-- What identifies a payer across files, remembered when a person assigned the donor of a booked row: a WeChat openid
-- (kind 'wechat-openid') or an unmasked account with its holder's name ('account'). Masked accounts are never stored.
CREATE TABLE payer_identities (
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    donor_id   TEXT NOT NULL REFERENCES donors (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, value)
);

-- A corporate bank export's column mapping, saved per programme by name.
CREATE TABLE import_mappings (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    name         TEXT NOT NULL,
    mapping      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (programme_id, name)
);

-- A file's reference is looked up in every programme (one payment, one programme).
CREATE INDEX ix_gifts_reference ON gifts (reference);
