-- The master keys this database was written with (Aid:Crypto:KeyFile), by their public id: the check value lets an instance
-- prove at start-up that its key file holds the key of this database (docs: README, Operations, "Key file and rotation").
-- check_value is hex of the first 16 bytes of HMAC-SHA256(the key's "key-check" secret, "aid key check value"); it reveals
-- nothing about the key. A rotation registers the new key and sets retired_at on the old one in the same transaction.

CREATE TABLE crypto_keys (
    key_id      text        NOT NULL PRIMARY KEY,
    check_value text        NOT NULL,
    created_at  timestamptz NOT NULL,
    retired_at  timestamptz
);
