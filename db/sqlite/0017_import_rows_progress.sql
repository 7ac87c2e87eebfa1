-- An import's progress (GET /imports/{id}, which the console polls while a file is booked; also the answer of a preview and
-- of a commit, inside the writer's turn) counts its lines by outcome and sums their amounts, with and without a donor. With
-- donor_id and amount in the index it reads, that is a scan of the index alone: 100,000 lines 113 → 17 ms (sqlite3). The
-- index keeps its name and its leading columns, so the chunk's "next lines ready to book" uses it as before.
DROP INDEX ix_import_rows_outcome;
CREATE INDEX ix_import_rows_outcome ON import_rows (import_id, outcome, row_no, donor_id, amount);
