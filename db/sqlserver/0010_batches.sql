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

-- Before this rule, a student could hold two live disbursements for one year and term (a grant and a supplement, say).
-- Those records stand as they are: every later one of such a group names the first in term_duplicate_of and stays outside
-- the rule; everything recorded from now on is inside it. (Corrections are by reversal only: nothing here changes a record's
-- money, status or audit digest.)
ALTER TABLE disbursements ADD term_duplicate_of CHAR(36) COLLATE Latin1_General_BIN2 NULL;
GO
UPDATE disbursements SET term_duplicate_of = (SELECT TOP 1 o.id FROM disbursements o
     WHERE o.student_id = disbursements.student_id AND o.academic_year = disbursements.academic_year AND o.term = disbursements.term
       AND o.status <> 'rejected' AND o.status <> 'reversed' AND o.id < disbursements.id ORDER BY o.id)
WHERE status <> 'rejected' AND status <> 'reversed' AND (SELECT TOP 1 o.id FROM disbursements o
     WHERE o.student_id = disbursements.student_id AND o.academic_year = disbursements.academic_year AND o.term = disbursements.term
       AND o.status <> 'rejected' AND o.status <> 'reversed' AND o.id < disbursements.id ORDER BY o.id) IS NOT NULL;

CREATE UNIQUE INDEX ux_disbursements_live_term ON disbursements (student_id, academic_year, term)
    WHERE status <> 'rejected' AND status <> 'reversed' AND term_duplicate_of IS NULL;
