-- Goods handed out (masks to schools): each distribution books Dr goods distributed / Cr goods in stock at its share of the value.

CREATE TABLE goods_distributions (
    id               CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    programme_id     CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES programmes (id),
    gift_id          CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL REFERENCES gifts (id),
    quantity         NVARCHAR(50)      COLLATE Latin1_General_BIN2 NOT NULL,
    recipient        NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    distributed_on   DATE              NOT NULL,
    reference        NVARCHAR(400)     COLLATE Chinese_PRC_CI_AS   NULL,
    value            BIGINT            NOT NULL CHECK (value >= 0),
    journal_entry_id CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES journal_entries (id),
    created_at       DATETIMEOFFSET(6) NOT NULL,
    created_by       NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL
);
CREATE INDEX ix_goods_distributions_gift ON goods_distributions (gift_id);
CREATE INDEX ix_goods_distributions_programme ON goods_distributions (programme_id, distributed_on);
