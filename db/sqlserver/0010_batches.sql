-- Batches per school and term. A programme keeps its own list of terms (programme_terms, in order; none means the default
-- 秋季学期, 春季学期). A batch is one request per sponsored student of a school for an academic year and term, decided and
-- paid together; its disbursements carry batch_id. One school, year and term has at most one batch.
--
-- One live disbursement per student, academic year and term: a rejected or reversed one does not count, so a new request
-- can replace it (a filtered index: SQL Server has no NOT IN in index filters).

CREATE TABLE programme_terms (
    programme_id CHAR(36)      COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    position     INT           NOT NULL CHECK (position >= 1),
    name         NVARCHAR(200) COLLATE Chinese_PRC_CI_AS   NOT NULL,
    PRIMARY KEY (programme_id, position),
    UNIQUE (programme_id, name)
);

CREATE TABLE disbursement_batches (
    id            CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id  CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    academic_year NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    term          NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    school        NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    channel       NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (channel IN ('bank_card', 'aid_card', 'school_account')),
    requested_on  DATE              NOT NULL,
    created_at    DATETIMEOFFSET(6) NOT NULL,
    created_by    NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    UNIQUE (programme_id, academic_year, term, school)
);

ALTER TABLE disbursements ADD batch_id CHAR(36) COLLATE Latin1_General_BIN2 NULL REFERENCES disbursement_batches (id);
GO
CREATE INDEX ix_disbursements_batch ON disbursements (batch_id);

CREATE UNIQUE INDEX ux_disbursements_live_term ON disbursements (student_id, academic_year, term)
    WHERE status <> 'rejected' AND status <> 'reversed';
