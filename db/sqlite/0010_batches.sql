-- Batches per school and term. A programme keeps its own list of terms (programme_terms, in order; none means the default
-- 秋季学期, 春季学期). A batch is one request per sponsored student of a school for an academic year and term, decided and
-- paid together; its disbursements carry batch_id. One school, year and term has at most one batch.
--
-- One live disbursement per student, academic year and term: a rejected or reversed one does not count, so a new request
-- can replace it.

CREATE TABLE programme_terms (
    programme_id TEXT    NOT NULL REFERENCES programmes (id),
    position     INTEGER NOT NULL CHECK (position >= 1),
    name         TEXT    NOT NULL,
    PRIMARY KEY (programme_id, position),
    UNIQUE (programme_id, name)
);

CREATE TABLE disbursement_batches (
    id            TEXT NOT NULL PRIMARY KEY,
    programme_id  TEXT NOT NULL REFERENCES programmes (id),
    academic_year TEXT NOT NULL,
    term          TEXT NOT NULL,
    school        TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('bank_card', 'aid_card', 'school_account')),
    requested_on  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (programme_id, academic_year, term, school)
);

ALTER TABLE disbursements ADD COLUMN batch_id TEXT REFERENCES disbursement_batches (id);
CREATE INDEX ix_disbursements_batch ON disbursements (batch_id);

-- Before this rule, a student could hold two live disbursements for one year and term (a grant and a supplement, say).
-- Those records stand as they are: every later one of such a group names the first in term_duplicate_of and stays outside
-- the rule; everything recorded from now on is inside it. (Corrections are by reversal only: nothing here changes a record's
-- money, status or audit digest.)
ALTER TABLE disbursements ADD COLUMN term_duplicate_of TEXT;
UPDATE disbursements SET term_duplicate_of = (SELECT o.id FROM disbursements o
     WHERE o.student_id = disbursements.student_id AND o.academic_year = disbursements.academic_year AND o.term = disbursements.term
       AND o.status NOT IN ('rejected', 'reversed') AND o.id < disbursements.id ORDER BY o.id LIMIT 1)
WHERE status NOT IN ('rejected', 'reversed') AND (SELECT o.id FROM disbursements o
     WHERE o.student_id = disbursements.student_id AND o.academic_year = disbursements.academic_year AND o.term = disbursements.term
       AND o.status NOT IN ('rejected', 'reversed') AND o.id < disbursements.id ORDER BY o.id LIMIT 1) IS NOT NULL;

CREATE UNIQUE INDEX ux_disbursements_live_term ON disbursements (student_id, academic_year, term)
    WHERE status NOT IN ('rejected', 'reversed') AND term_duplicate_of IS NULL;
