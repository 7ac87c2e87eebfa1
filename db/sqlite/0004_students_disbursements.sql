-- Students (personal data of minors: ID number, guardian phone and address encrypted with AES-GCM),
-- sponsorships, and disbursements with four-eyes approval and their funding gifts.

CREATE TABLE students (
    id                 TEXT    NOT NULL PRIMARY KEY,
    programme_id       TEXT    NOT NULL REFERENCES programmes (id),
    code               TEXT    NOT NULL,
    sequence           INTEGER NOT NULL,
    name               TEXT    NOT NULL,
    gender             TEXT    NOT NULL CHECK (gender IN ('female', 'male')),
    birth_date         TEXT    NOT NULL,
    id_number_enc      TEXT    NOT NULL,
    id_number_hmac     TEXT    NOT NULL,
    school             TEXT    NOT NULL,
    grade              TEXT    NOT NULL,
    county             TEXT,
    poverty_registered INTEGER NOT NULL CHECK (poverty_registered IN (0, 1)),
    guardian_name      TEXT,
    guardian_phone_enc TEXT,
    address_enc        TEXT,
    consent_date       TEXT,
    consent_reference  TEXT,
    status             TEXT    NOT NULL CHECK (status IN ('active', 'graduated', 'withdrawn')),
    status_date        TEXT,
    created_at         TEXT    NOT NULL,
    created_by         TEXT    NOT NULL,
    UNIQUE (programme_id, sequence),
    UNIQUE (programme_id, code),
    UNIQUE (programme_id, id_number_hmac)
);
CREATE INDEX ix_students_programme ON students (programme_id, id);

CREATE TABLE sponsorships (
    id            TEXT    NOT NULL PRIMARY KEY,
    programme_id  TEXT    NOT NULL REFERENCES programmes (id),
    donor_id      TEXT    NOT NULL REFERENCES donors (id),
    student_id    TEXT    NOT NULL REFERENCES students (id),
    from_year     INTEGER NOT NULL,
    to_year       INTEGER NOT NULL,
    annual_amount INTEGER NOT NULL CHECK (annual_amount > 0),
    created_at    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    CHECK (to_year >= from_year)
);
CREATE INDEX ix_sponsorships_student ON sponsorships (student_id);
CREATE INDEX ix_sponsorships_donor ON sponsorships (donor_id);

CREATE TABLE disbursements (
    id                 TEXT    NOT NULL PRIMARY KEY,
    programme_id       TEXT    NOT NULL REFERENCES programmes (id),
    student_id         TEXT    NOT NULL REFERENCES students (id),
    academic_year      TEXT    NOT NULL,
    term               TEXT    NOT NULL,
    purpose            TEXT    NOT NULL,
    amount             INTEGER NOT NULL CHECK (amount > 0),
    channel            TEXT    NOT NULL CHECK (channel IN ('bank_card', 'aid_card', 'school_account')),
    reference          TEXT,
    status             TEXT    NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid', 'reversed')),
    requested_at       TEXT    NOT NULL,
    requested_by       TEXT    NOT NULL,
    decided_at         TEXT,
    decided_by         TEXT,
    rejection_reason   TEXT,
    paid_on            TEXT,
    paid_at            TEXT,
    paid_by            TEXT,
    payout_reference   TEXT,
    evidence_reference TEXT,
    journal_entry_id   TEXT    REFERENCES journal_entries (id),
    reversed_at        TEXT,
    reversed_by        TEXT,
    reversal_reason    TEXT,
    reversal_entry_id  TEXT    REFERENCES journal_entries (id)
);
CREATE INDEX ix_disbursements_programme ON disbursements (programme_id, status);
CREATE INDEX ix_disbursements_student ON disbursements (student_id);

-- Which gifts paid for a disbursement (oldest unspent money first); kept when the disbursement is reversed.
CREATE TABLE disbursement_allocations (
    disbursement_id TEXT    NOT NULL REFERENCES disbursements (id),
    gift_id         TEXT    NOT NULL REFERENCES gifts (id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (disbursement_id, gift_id)
);
CREATE INDEX ix_disbursement_allocations_gift ON disbursement_allocations (gift_id);
