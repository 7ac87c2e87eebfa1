-- Foundation: programmes, donors, API keys, idempotency and the audit trail.
-- Ids are UUIDv7, money is BIGINT minor units, timestamps timestamptz (UTC), dates date.

CREATE TABLE programmes (
    id              uuid        NOT NULL PRIMARY KEY,
    code            text        NOT NULL UNIQUE,
    name            text        NOT NULL,
    region          text,
    partner         text,
    currency        text        NOT NULL,
    start_date      date        NOT NULL,
    end_date        date        NOT NULL,
    annual_standard bigint      NOT NULL CHECK (annual_standard > 0),
    target          bigint      CHECK (target > 0),
    status          text        NOT NULL CHECK (status IN ('planned', 'active', 'closed')),
    created_at      timestamptz NOT NULL,
    created_by      text        NOT NULL
);

CREATE TABLE donors (
    id                uuid        NOT NULL PRIMARY KEY,
    kind              text        NOT NULL CHECK (kind IN ('person', 'organisation')),
    name              text        NOT NULL,
    anonymous         boolean     NOT NULL,
    language          text        NOT NULL,
    email             text,
    phone             text,
    address           text,
    organisation_code text,
    created_at        timestamptz NOT NULL,
    created_by        text        NOT NULL
);
CREATE INDEX ix_donors_name ON donors (name);

CREATE TABLE api_keys (
    id         uuid        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL CHECK (role IN ('admin', 'manager', 'auditor', 'donor')),
    donor_id   uuid        REFERENCES donors (id),
    key_hash   text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    revoked_at timestamptz,
    revoked_by text
);

CREATE TABLE api_key_programmes (
    api_key_id   uuid NOT NULL REFERENCES api_keys (id),
    programme_id uuid NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (api_key_id, programme_id)
);

CREATE TABLE idempotency_keys (
    owner           text        NOT NULL,
    idempotency_key text        NOT NULL,
    action          text        NOT NULL,
    request_hash    text        NOT NULL,
    response        text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (owner, idempotency_key)
);

CREATE TABLE audit_log (
    sequence      bigint      NOT NULL PRIMARY KEY,
    occurred_at   timestamptz NOT NULL,
    actor         text        NOT NULL,
    action        text        NOT NULL,
    entity        text,
    entity_id     text,
    programme_id  uuid,
    summary       text        NOT NULL,
    previous_hash text        NOT NULL,
    hash          text        NOT NULL
);
CREATE INDEX ix_audit_log_programme ON audit_log (programme_id, sequence);

-- The trail is append-only for the application; verification catches anyone who gets around this.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
