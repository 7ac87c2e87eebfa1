-- The business date a receipt was voided on (never before it was issued, never in the future): a void recorded today may
-- belong to an earlier day, as a reversal does (gift_reversals.reversed_on). Rows voided before this column existed keep it
-- NULL (their date is voided_at's in the business time zone): filling it in would change the rows' digests under the audit
-- chain, which leaves a column added later out of a row's digest only while it is NULL.

ALTER TABLE receipts ADD COLUMN voided_on date;
