-- The audit chain, designed once (docs/AUDIT-CHAIN.md): records carry the digests of the money rows their command wrote and a
-- MAC; a sealer chains committed records per programme (and one organisation chain) off the write path; checkpoints sign the
-- chain heads. The sequence now comes from the database, so writing a record takes no lock.

ALTER TABLE audit_log ADD COLUMN row_digests text;
ALTER TABLE audit_log ADD COLUMN commit_order bigint;
ALTER TABLE audit_log ADD COLUMN mac text;
CREATE INDEX ix_audit_log_commit_order ON audit_log (commit_order);

CREATE SEQUENCE audit_log_sequence;
SELECT setval('audit_log_sequence', COALESCE((SELECT MAX(sequence) FROM audit_log), 0) + 1, false);

-- Which records digested an entity ("gift:<id>"): the newest one holds the entity's digests.
CREATE TABLE audit_entities (
    entity_key      text   NOT NULL,
    record_sequence bigint NOT NULL,
    PRIMARY KEY (entity_key, record_sequence)
);

CREATE TABLE audit_seals (
    chain           text        NOT NULL,
    position        bigint      NOT NULL CHECK (position > 0),
    record_sequence bigint      NOT NULL UNIQUE,
    record_hash     text        NOT NULL,
    previous_hash   text        NOT NULL,
    hash            text        NOT NULL,
    sealed_at       timestamptz NOT NULL,
    PRIMARY KEY (chain, position)
);

CREATE TABLE audit_sealer (
    id             int    NOT NULL PRIMARY KEY CHECK (id = 1),
    sealed_through bigint NOT NULL
);
INSERT INTO audit_sealer (id, sealed_through) VALUES (1, 0);

CREATE TABLE audit_checkpoints (
    id         uuid        NOT NULL PRIMARY KEY,
    chain      text        NOT NULL,
    position   bigint      NOT NULL,
    hash       text        NOT NULL,
    created_at timestamptz NOT NULL,
    reason     text        NOT NULL,
    key_id     text        NOT NULL,
    signature  text        NOT NULL
);
CREATE INDEX ix_audit_checkpoints_chain ON audit_checkpoints (chain, position);

CREATE FUNCTION audit_chain_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_seals_no_change BEFORE UPDATE OR DELETE ON audit_seals FOR EACH ROW EXECUTE FUNCTION audit_chain_append_only();
CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_chain_append_only();
CREATE TRIGGER audit_entities_no_change BEFORE UPDATE OR DELETE ON audit_entities FOR EACH ROW EXECUTE FUNCTION audit_chain_append_only();
