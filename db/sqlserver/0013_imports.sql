-- Gift import: a bank or payment-app file, previewed (nothing booked) and then committed into gifts.
--
-- imports: one uploaded file. status: previewed (rows matched, nothing booked), committing (the background worker books
-- the rows in chunks, one transaction each, resumable after a crash), committed, failed (a chunk failed three times;
-- last_error says why). commit_actor is who committed, as JSON: the worker books the gifts as that person.
CREATE TABLE imports (
    id                   CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id         CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    format               NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL,
    encoding             NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL,
    file_name            NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    file_sha256          NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL,
    file_size            BIGINT            NOT NULL,
    mapping_name         NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    status               NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL CHECK (status IN ('previewed', 'committing', 'committed', 'failed')),
    total_rows           INT               NOT NULL,
    commit_actor         NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    committed_at         DATETIMEOFFSET(6) NULL,
    committed_by         NVARCHAR(400)     COLLATE Latin1_General_BIN2 NULL,
    finished_at          DATETIMEOFFSET(6) NULL,
    last_error           NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    created_at           DATETIMEOFFSET(6) NOT NULL,
    created_by           NVARCHAR(400)     COLLATE Latin1_General_BIN2 NOT NULL
);
GO
CREATE INDEX ix_imports_programme ON imports (programme_id, id);
GO
CREATE INDEX ix_imports_status ON imports (status);
GO

-- The original file, kept for the audit pack, in parts of at most 1 MiB (written and read as a stream on every engine).
CREATE TABLE import_files (
    import_id            CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES imports (id),
    part                 INT               NOT NULL,
    bytes                VARBINARY(MAX)    NOT NULL,
    PRIMARY KEY (import_id, part)
);
GO

-- One line of the file as read and matched. outcome: new (a gift to book once donor_id is set), duplicate (already
-- recorded: duplicate_gift_id), skipped (not a gift: message), refund (gives back duplicate_gift_id, whose reversal a
-- person confirms), error (message names the column and value), excluded (by a person), booked (gift_id), reversed
-- (the refund's gift was reversed). reference_composed: the file has no id for the line; external_ref is made of its values and
-- identifies it across files but is not printed on the gift. donor_match says how donor_id was found: identity (a payer id or account remembered
-- from an earlier import), code (统一社会信用代码), email, assigned (a person chose), created, anonymous.
CREATE TABLE import_rows (
    import_id            CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES imports (id),
    row_no               INT               NOT NULL,
    line                 INT               NOT NULL,
    kind                 NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL CHECK (kind IN ('payment', 'refund', 'skipped', 'error')),
    outcome              NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL CHECK (outcome IN ('new', 'duplicate', 'skipped', 'refund', 'error', 'excluded', 'booked', 'reversed')),
    message              NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    source               NVARCHAR(400)     COLLATE Latin1_General_BIN2 NOT NULL,
    external_ref         NVARCHAR(400)     COLLATE Latin1_General_BIN2 NULL,
    reference_composed   BIT               NOT NULL,
    received_on          DATE              NULL,
    received_at          NVARCHAR(100)     COLLATE Latin1_General_BIN2 NULL,
    amount               BIGINT            NOT NULL,
    currency             NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL,
    method               NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL,
    payer_name           NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    payer_account        NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    payer_account_masked BIT               NOT NULL,
    payer_id             NVARCHAR(400)     COLLATE Latin1_General_BIN2 NULL,
    memo                 NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    refund_of            NVARCHAR(400)     COLLATE Latin1_General_BIN2 NULL,
    donor_kind           NVARCHAR(100)     COLLATE Latin1_General_BIN2 NULL,
    donor_phone          NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    donor_email          NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    donor_org_code       NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    donor_id             CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES donors (id),
    donor_match          NVARCHAR(100)     COLLATE Latin1_General_BIN2 NULL,
    suggested_donor_id   CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES donors (id),
    duplicate_gift_id    CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES gifts (id),
    gift_id              CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES gifts (id),
    PRIMARY KEY (import_id, row_no)
);
GO
CREATE INDEX ix_import_rows_outcome ON import_rows (import_id, outcome, row_no);
GO
CREATE INDEX ix_import_rows_reference ON import_rows (import_id, source, external_ref);
GO

-- Every payment booked from a file, by its channel and id: one payment is booked once in the whole organisation, never
-- into two programmes, also from overlapping files and from two instances at once (the primary key decides).
CREATE TABLE external_payments (
    source               NVARCHAR(400)     COLLATE Latin1_General_BIN2 NOT NULL,
    external_ref         NVARCHAR(400)     COLLATE Latin1_General_BIN2 NOT NULL,
    gift_id              CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES gifts (id),
    import_id            CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES imports (id),
    row_no               INT               NOT NULL,
    PRIMARY KEY (source, external_ref)
);
GO
CREATE INDEX ix_external_payments_gift ON external_payments (gift_id);
GO

-- What identifies a payer across files, remembered when a person assigned the donor of a booked row: a WeChat openid
-- (kind 'wechat-openid') or an unmasked account with its holder's name ('account'). Masked accounts are never stored.
CREATE TABLE payer_identities (
    kind                 NVARCHAR(100)     COLLATE Latin1_General_BIN2 NOT NULL,
    value                NVARCHAR(400)     COLLATE Latin1_General_BIN2 NOT NULL,
    donor_id             CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES donors (id),
    created_at           DATETIMEOFFSET(6) NOT NULL,
    PRIMARY KEY (kind, value)
);
GO

-- A corporate bank export's column mapping, saved per programme by name.
CREATE TABLE import_mappings (
    programme_id         CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    name                 NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    mapping              NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    created_at           DATETIMEOFFSET(6) NOT NULL,
    created_by           NVARCHAR(400)     COLLATE Latin1_General_BIN2 NOT NULL,
    PRIMARY KEY (programme_id, name)
);
GO

-- A file's reference is looked up in every programme (one payment, one programme).
CREATE INDEX ix_gifts_reference ON gifts (reference);
GO
