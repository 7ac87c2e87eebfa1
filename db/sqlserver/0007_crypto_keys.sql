-- The master keys this database was written with (Aid:Crypto:KeyFile), by their public id: the check value lets an instance
-- prove at start-up that its key file holds the key of this database (docs: README, Operations, "Key file and rotation").
-- check_value is hex of the first 16 bytes of HMAC-SHA256(the key's "key-check" secret, "aid key check value"); it reveals
-- nothing about the key. A rotation registers the new key and sets retired_at on the old one in the same transaction.
-- Key ids and check values are lower-case hex: binary collation.

CREATE TABLE crypto_keys (
    key_id      NVARCHAR(64)      COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    check_value NVARCHAR(64)      COLLATE Latin1_General_BIN2 NOT NULL,
    created_at  DATETIMEOFFSET(6) NOT NULL,
    retired_at  DATETIMEOFFSET(6) NULL
);
