-- People: every user of Aid is a person with a role and a scope; API keys belong to people. Sign-in pages use the login
-- (an e-mail, stored lower-case), the password hash (ASP.NET Core Identity's PasswordHasher, v3 format) and the optional
-- TOTP second factor (the secret encrypted with the key ring, "v2:<keyid>:…"). security_stamp changes on disable, password
-- change and TOTP change: every open session carries the stamp it was issued with and ends when it no longer matches.
--
-- Existing keys: one person per key, named after the key, with the key's role and scope, and the key's own id as the
-- person's id (so two manager keys stay two people and can still approve each other's requests). People behind revoked
-- keys are disabled. Audit records, requested_by, decided_by and idempotency owners keep their key ids: a key id maps to
-- its person through api_keys.user_id. A page session acts as "user:<id>".

CREATE TABLE users (
    id                  TEXT    NOT NULL PRIMARY KEY,
    login               TEXT,
    display_name        TEXT    NOT NULL,
    role                TEXT    NOT NULL CHECK (role IN ('admin', 'manager', 'auditor', 'donor')),
    donor_id            TEXT    REFERENCES donors (id),
    language            TEXT    NOT NULL DEFAULT 'zh-CN',
    password_hash       TEXT,
    password_changed_at TEXT,
    totp_secret         TEXT,
    totp_pending_secret TEXT,
    totp_enabled_at     TEXT,
    totp_last_step      INTEGER,
    failed_sign_ins     INTEGER NOT NULL DEFAULT 0,
    locked_until        TEXT,
    last_sign_in_at     TEXT,
    security_stamp      TEXT    NOT NULL,
    disabled_at         TEXT,
    disabled_by         TEXT,
    created_at          TEXT    NOT NULL,
    created_by          TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_users_login ON users (login) WHERE login IS NOT NULL;

CREATE TABLE user_programmes (
    user_id      TEXT NOT NULL REFERENCES users (id),
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (user_id, programme_id)
);

-- One-time links (set a password, sign in): only the SHA-256 of the token is stored; used_at makes them single use.
CREATE TABLE user_links (
    id         TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password', 'sign-in')),
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX ix_user_links_user ON user_links (user_id);

-- Organisation-wide sign-in rules; one row.
CREATE TABLE security_policy (
    id                 INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    staff_totp_required INTEGER NOT NULL,
    updated_at         TEXT,
    updated_by         TEXT
);
INSERT INTO security_policy (id, staff_totp_required) VALUES (1, 0);

ALTER TABLE api_keys ADD COLUMN user_id TEXT REFERENCES users (id);

INSERT INTO users (id, login, display_name, role, donor_id, security_stamp, disabled_at, disabled_by, created_at, created_by)
SELECT id, NULL, name, role, donor_id, lower(hex(randomblob(16))), revoked_at, revoked_by, created_at, created_by FROM api_keys;
INSERT INTO user_programmes (user_id, programme_id) SELECT api_key_id, programme_id FROM api_key_programmes;
UPDATE api_keys SET user_id = id;
CREATE INDEX ix_api_keys_user ON api_keys (user_id);
