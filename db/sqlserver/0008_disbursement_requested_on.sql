-- The business date a disbursement was requested on (paid never before it): records of past terms are entered years after
-- the fact, so the moment of entry (requested_at) is not the request's date. Existing rows take requested_at's date in the
-- business time zone, whose default is Asia/Shanghai (UTC+8 all year since 1991, hence the fixed offset).

ALTER TABLE disbursements ADD requested_on DATE NULL;
GO
UPDATE disbursements SET requested_on = CAST(SWITCHOFFSET(requested_at, '+08:00') AS DATE) WHERE requested_on IS NULL;
GO
