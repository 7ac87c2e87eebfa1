-- Students (personal data of minors: ID number, guardian phone and address encrypted with AES-GCM),
-- sponsorships, and disbursements with four-eyes approval and their funding gifts.
-- The *_enc columns hold "v1:" + base64 ciphertext (binary collation, case matters); id_number_hmac is hex.

CREATE TABLE students (
    id                 CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id       CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    code               NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    sequence           INT               NOT NULL,
    name               NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    gender             NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (gender IN ('female', 'male')),
    birth_date         DATE              NOT NULL,
    id_number_enc      NVARCHAR(MAX)     COLLATE Latin1_General_BIN2 NOT NULL,
    id_number_hmac     NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL,
    school             NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    grade              NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    county             NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NULL,
    poverty_registered BIT               NOT NULL,
    guardian_name      NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NULL,
    guardian_phone_enc NVARCHAR(MAX)     COLLATE Latin1_General_BIN2 NULL,
    address_enc        NVARCHAR(MAX)     COLLATE Latin1_General_BIN2 NULL,
    consent_date       DATE              NULL,
    consent_reference  NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    status             NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (status IN ('active', 'graduated', 'withdrawn')),
    status_date        DATE              NULL,
    created_at         DATETIMEOFFSET(6) NOT NULL,
    created_by         NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    UNIQUE (programme_id, sequence),
    UNIQUE (programme_id, code),
    UNIQUE (programme_id, id_number_hmac)
);
CREATE INDEX ix_students_programme ON students (programme_id, id);

CREATE TABLE sponsorships (
    id            CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id  CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    donor_id      CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES donors (id),
    student_id    CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES students (id),
    from_year     INT               NOT NULL,
    to_year       INT               NOT NULL,
    annual_amount BIGINT            NOT NULL CHECK (annual_amount > 0),
    created_at    DATETIMEOFFSET(6) NOT NULL,
    created_by    NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    CHECK (to_year >= from_year)
);
CREATE INDEX ix_sponsorships_student ON sponsorships (student_id);
CREATE INDEX ix_sponsorships_donor ON sponsorships (donor_id);

CREATE TABLE disbursements (
    id                 CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id       CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    student_id         CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES students (id),
    academic_year      NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    term               NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    purpose            NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    amount             BIGINT            NOT NULL CHECK (amount > 0),
    channel            NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (channel IN ('bank_card', 'aid_card', 'school_account')),
    reference          NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    status             NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid', 'reversed')),
    requested_at       DATETIMEOFFSET(6) NOT NULL,
    requested_by       NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    decided_at         DATETIMEOFFSET(6) NULL,
    decided_by         NVARCHAR(200)     COLLATE Latin1_General_BIN2 NULL,
    rejection_reason   NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    paid_on            DATE              NULL,
    paid_at            DATETIMEOFFSET(6) NULL,
    paid_by            NVARCHAR(200)     COLLATE Latin1_General_BIN2 NULL,
    payout_reference   NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    evidence_reference NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    journal_entry_id   CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES journal_entries (id),
    reversed_at        DATETIMEOFFSET(6) NULL,
    reversed_by        NVARCHAR(200)     COLLATE Latin1_General_BIN2 NULL,
    reversal_reason    NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    reversal_entry_id  CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES journal_entries (id)
);
CREATE INDEX ix_disbursements_programme ON disbursements (programme_id, status);
CREATE INDEX ix_disbursements_student ON disbursements (student_id);

-- Which gifts paid for a disbursement (oldest unspent money first); kept when the disbursement is reversed.
CREATE TABLE disbursement_allocations (
    disbursement_id CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES disbursements (id),
    gift_id         CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES gifts (id),
    amount          BIGINT   NOT NULL CHECK (amount > 0),
    PRIMARY KEY (disbursement_id, gift_id)
);
CREATE INDEX ix_disbursement_allocations_gift ON disbursement_allocations (gift_id);
