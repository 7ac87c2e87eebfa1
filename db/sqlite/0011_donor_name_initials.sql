-- Donor search by pinyin initials (张三明 is found by "zsm"): name_initials holds the name's key as Application's
-- PinyinInitials computes it (lower-case ASCII letters and digits). SQL cannot compute pinyin, so existing rows keep NULL
-- here and the service fills them at start-up (DonorNameInitials.FillMissingAsync, idempotent); new and renamed donors get
-- theirs from CreateDonor and UpdateDonor. NOCASE lets SQLite answer "name_initials LIKE 'zs%'" from the index.

ALTER TABLE donors ADD COLUMN name_initials TEXT COLLATE NOCASE;

CREATE INDEX ix_donors_name_initials ON donors (name_initials);
