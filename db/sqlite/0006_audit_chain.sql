-- The audit chain, designed once (docs/AUDIT-CHAIN.md): records carry the digests of the money rows their command wrote and a
-- MAC; a sealer chains committed records per programme (and one organisation chain) off the write path; checkpoints sign the
-- chain heads. SQLite has one writer: a record's sequence is MAX + 1 inside the write transaction, and commit_order = sequence.

ALTER TABLE audit_log ADD COLUMN row_digests TEXT;
ALTER TABLE audit_log ADD COLUMN commit_order INTEGER;
ALTER TABLE audit_log ADD COLUMN mac TEXT;
CREATE INDEX ix_audit_log_commit_order ON audit_log (commit_order);

CREATE TABLE audit_entities (
    entity_key      TEXT    NOT NULL,
    record_sequence INTEGER NOT NULL,
    PRIMARY KEY (entity_key, record_sequence)
);

CREATE TABLE audit_seals (
    chain           TEXT    NOT NULL,
    position        INTEGER NOT NULL CHECK (position > 0),
    record_sequence INTEGER NOT NULL UNIQUE,
    record_hash     TEXT    NOT NULL,
    previous_hash   TEXT    NOT NULL,
    hash            TEXT    NOT NULL,
    sealed_at       TEXT    NOT NULL,
    PRIMARY KEY (chain, position)
);

CREATE TABLE audit_sealer (
    id             INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    sealed_through INTEGER NOT NULL
);
INSERT INTO audit_sealer (id, sealed_through) VALUES (1, 0);

CREATE TABLE audit_checkpoints (
    id         TEXT    NOT NULL PRIMARY KEY,
    chain      TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    hash       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    key_id     TEXT    NOT NULL,
    signature  TEXT    NOT NULL
);
CREATE INDEX ix_audit_checkpoints_chain ON audit_checkpoints (chain, position);

CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only'); END;
CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_entities_no_update BEFORE UPDATE ON audit_entities BEGIN SELECT RAISE(ABORT, 'audit_entities is append-only'); END;
CREATE TRIGGER audit_entities_no_delete BEFORE DELETE ON audit_entities BEGIN SELECT RAISE(ABORT, 'audit_entities is append-only'); END;
