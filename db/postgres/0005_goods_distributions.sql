-- Goods handed out (masks to schools): each distribution books Dr goods distributed / Cr goods in stock at its share of the value.

CREATE TABLE goods_distributions (
    id               uuid        NOT NULL PRIMARY KEY,
    programme_id     uuid        NOT NULL REFERENCES programmes (id),
    gift_id          uuid        NOT NULL REFERENCES gifts (id),
    quantity         text        NOT NULL,
    recipient        text        NOT NULL,
    distributed_on   date        NOT NULL,
    reference        text,
    value            bigint      NOT NULL CHECK (value >= 0),
    journal_entry_id uuid        REFERENCES journal_entries (id),
    created_at       timestamptz NOT NULL,
    created_by       text        NOT NULL
);
CREATE INDEX ix_goods_distributions_gift ON goods_distributions (gift_id);
CREATE INDEX ix_goods_distributions_programme ON goods_distributions (programme_id, distributed_on);
