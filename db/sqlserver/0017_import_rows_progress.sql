-- An import's progress (GET /imports/{id}, which the console polls while a file is booked; also the answer of a preview and
-- of a commit) counts its lines by outcome and sums their amounts, with and without a donor: with donor_id and amount in the
-- index it reads, that is a scan of the index alone. The index keeps its name and its key, so the chunk's "next lines ready
-- to book" uses it as before.
DROP INDEX ix_import_rows_outcome ON import_rows;
CREATE INDEX ix_import_rows_outcome ON import_rows (import_id, outcome, row_no) INCLUDE (donor_id, amount);
