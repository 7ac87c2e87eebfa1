-- The business date a disbursement was requested on (paid never before it): records of past terms are entered years after
-- the fact, so the moment of entry (requested_at) is not the request's date. Existing rows take requested_at's date in the
-- business time zone, whose default is Asia/Shanghai (UTC+8 all year since 1991, hence the fixed offset); requested_at is
-- stored as ISO 8601 text in UTC ("2024-03-15T01:30:00.000000Z"), which date() reads. NULL only if that text is unreadable:
-- the service then falls back to requested_at's business date.

ALTER TABLE disbursements ADD COLUMN requested_on TEXT;

UPDATE disbursements SET requested_on = date(requested_at, '+8 hours') WHERE requested_on IS NULL;
