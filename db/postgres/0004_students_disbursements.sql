-- Students (personal data of minors: ID number, guardian phone and address encrypted with AES-GCM),
-- sponsorships, and disbursements with four-eyes approval and their funding gifts.

CREATE TABLE students (
    id                 uuid        NOT NULL PRIMARY KEY,
    programme_id       uuid        NOT NULL REFERENCES programmes (id),
    code               text        NOT NULL,
    sequence           int         NOT NULL,
    name               text        NOT NULL,
    gender             text        NOT NULL CHECK (gender IN ('female', 'male')),
    birth_date         date        NOT NULL,
    id_number_enc      text        NOT NULL,
    id_number_hmac     text        NOT NULL,
    school             text        NOT NULL,
    grade              text        NOT NULL,
    county             text,
    poverty_registered boolean     NOT NULL,
    guardian_name      text,
    guardian_phone_enc text,
    address_enc        text,
    consent_date       date,
    consent_reference  text,
    status             text        NOT NULL CHECK (status IN ('active', 'graduated', 'withdrawn')),
    status_date        date,
    created_at         timestamptz NOT NULL,
    created_by         text        NOT NULL,
    UNIQUE (programme_id, sequence),
    UNIQUE (programme_id, code),
    UNIQUE (programme_id, id_number_hmac)
);
CREATE INDEX ix_students_programme ON students (programme_id, id);

CREATE TABLE sponsorships (
    id            uuid        NOT NULL PRIMARY KEY,
    programme_id  uuid        NOT NULL REFERENCES programmes (id),
    donor_id      uuid        NOT NULL REFERENCES donors (id),
    student_id    uuid        NOT NULL REFERENCES students (id),
    from_year     int         NOT NULL,
    to_year       int         NOT NULL,
    annual_amount bigint      NOT NULL CHECK (annual_amount > 0),
    created_at    timestamptz NOT NULL,
    created_by    text        NOT NULL,
    CHECK (to_year >= from_year)
);
CREATE INDEX ix_sponsorships_student ON sponsorships (student_id);
CREATE INDEX ix_sponsorships_donor ON sponsorships (donor_id);

CREATE TABLE disbursements (
    id                 uuid        NOT NULL PRIMARY KEY,
    programme_id       uuid        NOT NULL REFERENCES programmes (id),
    student_id         uuid        NOT NULL REFERENCES students (id),
    academic_year      text        NOT NULL,
    term               text        NOT NULL,
    purpose            text        NOT NULL,
    amount             bigint      NOT NULL CHECK (amount > 0),
    channel            text        NOT NULL CHECK (channel IN ('bank_card', 'aid_card', 'school_account')),
    reference          text,
    status             text        NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid', 'reversed')),
    requested_at       timestamptz NOT NULL,
    requested_by       text        NOT NULL,
    decided_at         timestamptz,
    decided_by         text,
    rejection_reason   text,
    paid_on            date,
    paid_at            timestamptz,
    paid_by            text,
    payout_reference   text,
    evidence_reference text,
    journal_entry_id   uuid        REFERENCES journal_entries (id),
    reversed_at        timestamptz,
    reversed_by        text,
    reversal_reason    text,
    reversal_entry_id  uuid        REFERENCES journal_entries (id)
);
CREATE INDEX ix_disbursements_programme ON disbursements (programme_id, status);
CREATE INDEX ix_disbursements_student ON disbursements (student_id);

-- Which gifts paid for a disbursement (oldest unspent money first); kept when the disbursement is reversed.
CREATE TABLE disbursement_allocations (
    disbursement_id uuid   NOT NULL REFERENCES disbursements (id),
    gift_id         uuid   NOT NULL REFERENCES gifts (id),
    amount          bigint NOT NULL CHECK (amount > 0),
    PRIMARY KEY (disbursement_id, gift_id)
);
CREATE INDEX ix_disbursement_allocations_gift ON disbursement_allocations (gift_id);
