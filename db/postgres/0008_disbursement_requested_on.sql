-- The business date a disbursement was requested on (paid never before it): records of past terms are entered years after
-- the fact, so the moment of entry (requested_at) is not the request's date. Existing rows take requested_at's date in the
-- business time zone, whose default is Asia/Shanghai.

ALTER TABLE disbursements ADD COLUMN requested_on date;

UPDATE disbursements SET requested_on = (requested_at AT TIME ZONE 'Asia/Shanghai')::date WHERE requested_on IS NULL;
