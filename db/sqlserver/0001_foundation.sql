-- SQL Server 2022 (compatibility level 160); the database must have READ_COMMITTED_SNAPSHOT ON (checked at start-up).
-- Foundation: programmes, donors, API keys, idempotency and the audit trail.
-- Ids are UUIDv7 as lower-case CHAR(36) COLLATE Latin1_General_BIN2 (byte-wise, so they sort by creation time),
-- money is BIGINT minor units, timestamps DATETIMEOFFSET(6) (UTC), dates DATE.
-- Text: human text NVARCHAR COLLATE Chinese_PRC_CI_AS; machine codes, actors, hashes, ciphertext and JSON
-- NVARCHAR COLLATE Latin1_General_BIN2. Nullable columns say NULL explicitly (independent of ANSI_NULL_DFLT_ON).

CREATE TABLE programmes (
    id              CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    code            NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL UNIQUE,
    name            NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    region          NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NULL,
    partner         NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NULL,
    currency        NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    start_date      DATE              NOT NULL,
    end_date        DATE              NOT NULL,
    annual_standard BIGINT            NOT NULL CHECK (annual_standard > 0),
    target          BIGINT            NULL CHECK (target > 0),
    status          NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (status IN ('planned', 'active', 'closed')),
    created_at      DATETIMEOFFSET(6) NOT NULL,
    created_by      NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL
);

CREATE TABLE donors (
    id                CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    kind              NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (kind IN ('person', 'organisation')),
    name              NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    anonymous         BIT               NOT NULL,
    language          NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    email             NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    phone             NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NULL,
    address           NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    organisation_code NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NULL,
    created_at        DATETIMEOFFSET(6) NOT NULL,
    created_by        NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL
);
CREATE INDEX ix_donors_name ON donors (name);

CREATE TABLE api_keys (
    id         CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    name       NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    role       NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (role IN ('admin', 'manager', 'auditor', 'donor')),
    donor_id   CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES donors (id),
    key_hash   NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL UNIQUE,
    created_at DATETIMEOFFSET(6) NOT NULL,
    created_by NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    revoked_at DATETIMEOFFSET(6) NULL,
    revoked_by NVARCHAR(200)     COLLATE Latin1_General_BIN2 NULL
);

CREATE TABLE api_key_programmes (
    api_key_id   CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES api_keys (id),
    programme_id CHAR(36) COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (api_key_id, programme_id)
);

-- owner and idempotency_key are binary-collated so keys stay case-sensitive as in PostgreSQL;
-- the primary key is 2 x 400 bytes, under the 900-byte clustered key limit.
CREATE TABLE idempotency_keys (
    owner           NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    idempotency_key NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    action          NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    request_hash    NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL,
    response        NVARCHAR(MAX)     COLLATE Latin1_General_BIN2 NULL,
    created_at      DATETIMEOFFSET(6) NOT NULL,
    PRIMARY KEY (owner, idempotency_key)
);

CREATE TABLE audit_log (
    sequence      BIGINT            NOT NULL PRIMARY KEY,
    occurred_at   DATETIMEOFFSET(6) NOT NULL,
    actor         NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    action        NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    entity        NVARCHAR(200)     COLLATE Latin1_General_BIN2 NULL,
    entity_id     NVARCHAR(200)     COLLATE Latin1_General_BIN2 NULL,
    programme_id  CHAR(36)          COLLATE Latin1_General_BIN2 NULL,
    summary       NVARCHAR(MAX)     COLLATE Latin1_General_BIN2 NOT NULL,
    previous_hash NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL,
    hash          NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL
);
CREATE INDEX ix_audit_log_programme ON audit_log (programme_id, sequence);

-- The trail is append-only for the application; verification catches anyone who gets around this.
-- (PostgreSQL's audit_log_append_only() function has no counterpart: this trigger replaces it.)
GO
CREATE TRIGGER audit_log_no_change ON audit_log AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'audit_log is append-only', 1;
END;
GO
