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
    id                  uuid        NOT NULL PRIMARY KEY,
    login               text,
    display_name        text        NOT NULL,
    role                text        NOT NULL CHECK (role IN ('admin', 'manager', 'auditor', 'donor')),
    donor_id            uuid        REFERENCES donors (id),
    language            text        NOT NULL DEFAULT 'zh-CN',
    password_hash       text,
    password_changed_at timestamptz,
    totp_secret         text,
    totp_pending_secret text,
    totp_enabled_at     timestamptz,
    totp_last_step      bigint,
    failed_sign_ins     integer     NOT NULL DEFAULT 0,
    locked_until        timestamptz,
    last_sign_in_at     timestamptz,
    security_stamp      text        NOT NULL,
    disabled_at         timestamptz,
    disabled_by         text,
    created_at          timestamptz NOT NULL,
    created_by          text        NOT NULL
);
CREATE UNIQUE INDEX ux_users_login ON users (login) WHERE login IS NOT NULL;

CREATE TABLE user_programmes (
    user_id      uuid NOT NULL REFERENCES users (id),
    programme_id uuid NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (user_id, programme_id)
);

-- One-time links (set a password, sign in): only the SHA-256 of the token is stored; used_at makes them single use.
CREATE TABLE user_links (
    id         uuid        NOT NULL PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id),
    token_hash text        NOT NULL UNIQUE,
    purpose    text        NOT NULL CHECK (purpose IN ('password', 'sign-in')),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL
);
CREATE INDEX ix_user_links_user ON user_links (user_id);

-- Organisation-wide sign-in rules; one row.
CREATE TABLE security_policy (
    id                  integer     NOT NULL PRIMARY KEY CHECK (id = 1),
    staff_totp_required boolean     NOT NULL,
    updated_at          timestamptz,
    updated_by          text
);
INSERT INTO security_policy (id, staff_totp_required) VALUES (1, false);

ALTER TABLE api_keys ADD COLUMN user_id uuid REFERENCES users (id);

INSERT INTO users (id, login, display_name, role, donor_id, security_stamp, disabled_at, disabled_by, created_at, created_by)
SELECT id, NULL, name, role, donor_id, md5(random()::text || id::text), revoked_at, revoked_by, created_at, created_by FROM api_keys;
INSERT INTO user_programmes (user_id, programme_id) SELECT api_key_id, programme_id FROM api_key_programmes;
UPDATE api_keys SET user_id = id;
CREATE INDEX ix_api_keys_user ON api_keys (user_id);
