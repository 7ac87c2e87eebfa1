-- The audit chain, designed once (docs/AUDIT-CHAIN.md): records carry the digests of the money rows their command wrote and a
-- MAC; a sealer chains committed records per programme (and one organisation chain) off the write path; checkpoints sign the
-- chain heads. The sequence now comes from the database, so writing a record takes no lock.

ALTER TABLE audit_log ADD row_digests NVARCHAR(MAX) COLLATE Latin1_General_BIN2 NULL;
ALTER TABLE audit_log ADD commit_order BIGINT NULL;
ALTER TABLE audit_log ADD mac NVARCHAR(128) COLLATE Latin1_General_BIN2 NULL;
GO
CREATE INDEX ix_audit_log_commit_order ON audit_log (commit_order);

CREATE SEQUENCE audit_log_sequence AS BIGINT START WITH 1 INCREMENT BY 1;
GO
DECLARE @next BIGINT = (SELECT COALESCE(MAX(sequence), 0) + 1 FROM audit_log);
DECLARE @restart NVARCHAR(200) = N'ALTER SEQUENCE audit_log_sequence RESTART WITH ' + CAST(@next AS NVARCHAR(30));
EXEC sp_executesql @restart;
GO

CREATE TABLE audit_entities (
    entity_key      NVARCHAR(200) COLLATE Latin1_General_BIN2 NOT NULL,
    record_sequence BIGINT        NOT NULL,
    PRIMARY KEY (entity_key, record_sequence)
);

CREATE TABLE audit_seals (
    chain           NVARCHAR(64)      COLLATE Latin1_General_BIN2 NOT NULL,
    position        BIGINT            NOT NULL CHECK (position > 0),
    record_sequence BIGINT            NOT NULL UNIQUE,
    record_hash     NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL,
    previous_hash   NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL,
    hash            NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL,
    sealed_at       DATETIMEOFFSET(6) NOT NULL,
    PRIMARY KEY (chain, position)
);

CREATE TABLE audit_sealer (
    id             INT    NOT NULL PRIMARY KEY CHECK (id = 1),
    sealed_through BIGINT NOT NULL
);
INSERT INTO audit_sealer (id, sealed_through) VALUES (1, 0);

CREATE TABLE audit_checkpoints (
    id         CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    chain      NVARCHAR(64)      COLLATE Latin1_General_BIN2 NOT NULL,
    position   BIGINT            NOT NULL,
    hash       NVARCHAR(128)     COLLATE Latin1_General_BIN2 NOT NULL,
    created_at DATETIMEOFFSET(6) NOT NULL,
    reason     NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    key_id     NVARCHAR(64)      COLLATE Latin1_General_BIN2 NOT NULL,
    signature  NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL
);
CREATE INDEX ix_audit_checkpoints_chain ON audit_checkpoints (chain, position);
GO
CREATE TRIGGER audit_seals_no_change ON audit_seals AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'audit_seals is append-only', 1;
END;
GO
CREATE TRIGGER audit_checkpoints_no_change ON audit_checkpoints AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'audit_checkpoints is append-only', 1;
END;
GO
CREATE TRIGGER audit_entities_no_change ON audit_entities AFTER UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    THROW 50001, 'audit_entities is append-only', 1;
END;
GO
