-- Goods handed out (masks to schools): each distribution books Dr goods distributed / Cr goods in stock at its share of the value.

CREATE TABLE goods_distributions (
    id               TEXT    NOT NULL PRIMARY KEY,
    programme_id     TEXT    NOT NULL REFERENCES programmes (id),
    gift_id          TEXT    NOT NULL REFERENCES gifts (id),
    quantity         TEXT    NOT NULL,
    recipient        TEXT    NOT NULL,
    distributed_on   TEXT    NOT NULL,
    reference        TEXT,
    value            INTEGER NOT NULL CHECK (value >= 0),
    journal_entry_id TEXT    REFERENCES journal_entries (id),
    created_at       TEXT    NOT NULL,
    created_by       TEXT    NOT NULL
);
CREATE INDEX ix_goods_distributions_gift ON goods_distributions (gift_id);
CREATE INDEX ix_goods_distributions_programme ON goods_distributions (programme_id, distributed_on);
