-- "The same donor for every line of this payer" (PATCH /imports/{id}/rows/{row} with applyToSamePayer) finds the lines of
-- one payer that still need a donor. Without this index it read every new line of the file, inside the one writer's turn
-- (100,000 lines: 128 ms a request). Lines leave the index as they get a donor. Payer names are cut to 400 characters
-- when a file is previewed (RowMatcher.MaxPayerText).

CREATE INDEX ix_import_rows_needs_donor ON import_rows (import_id, payer_name) WHERE outcome = 'new' AND donor_id IS NULL;
