-- E-mail and the one-original rule for receipts.
--
-- email_outbox: every message Aid sends is written here in the transaction of the thing it announces (a receipt issued,
-- voided or reissued; a sign-in link; an invitation). A hosted sender delivers the rows with retries and exponential
-- backoff; message_id and the stored content never change, so a message delivered twice (a crash after the SMTP server
-- accepted it and before the row was marked sent) is the same message twice. lease_until keeps two instances from sending
-- the same row at the same time. status: pending (waiting or retrying), sent, failed (a permanent 5xx answer; a person
-- may resend, which makes it pending again with the same Message-ID).
CREATE TABLE email_outbox (
    id              CHAR(36)          COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    message_id      NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL UNIQUE,
    kind            NVARCHAR(20)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (kind IN ('receipt', 'receipt-void', 'sign-in-link', 'invitation')),
    receipt_id      CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES receipts (id),
    donor_id        CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES donors (id),
    user_id         CHAR(36)          COLLATE Latin1_General_BIN2 NULL REFERENCES users (id),
    to_address      NVARCHAR(320)     COLLATE Latin1_General_BIN2 NOT NULL,
    language        NVARCHAR(10)      COLLATE Latin1_General_BIN2 NOT NULL,
    subject         NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    body            NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NOT NULL,
    attachment_name NVARCHAR(200)     COLLATE Chinese_PRC_CI_AS   NULL,
    attachment      VARBINARY(MAX)    NULL,
    status          NVARCHAR(10)      COLLATE Latin1_General_BIN2 NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INT               NOT NULL DEFAULT 0,
    next_attempt_at DATETIMEOFFSET(6) NOT NULL,
    lease_until     DATETIMEOFFSET(6) NULL,
    last_error      NVARCHAR(MAX)     COLLATE Chinese_PRC_CI_AS   NULL,
    created_at      DATETIMEOFFSET(6) NOT NULL,
    created_by      NVARCHAR(200)     COLLATE Latin1_General_BIN2 NOT NULL,
    sent_at         DATETIMEOFFSET(6) NULL,
    failed_at       DATETIMEOFFSET(6) NULL
);
GO
CREATE INDEX ix_email_outbox_due ON email_outbox (status, next_attempt_at);
GO
CREATE INDEX ix_email_outbox_receipt ON email_outbox (receipt_id);
GO
CREATE INDEX ix_email_outbox_donor ON email_outbox (donor_id);
GO

-- A receipt has exactly one original and it is the donor's: the e-mail attachment (original_via = 'email', set when the
-- message is written to the outbox), or else the donor's first download ('download', set by a conditional UPDATE so that
-- concurrent first downloads give one original). Every other rendering is a copy.
ALTER TABLE receipts ADD original_via NVARCHAR(10) COLLATE Latin1_General_BIN2 NULL CHECK (original_via IN ('email', 'download')),
                         original_at DATETIMEOFFSET(6) NULL;
GO

-- Receipts downloaded before this rule had their original already (the first download by anyone was it): never a second one.
UPDATE receipts SET original_via = 'download', original_at = issued_at WHERE downloads > 0;
GO

-- The donor's choice: receipts by e-mail (on unless they turn it off).
ALTER TABLE donors ADD email_receipts BIT NOT NULL CONSTRAINT df_donors_email_receipts DEFAULT 1;
GO

-- The address a one-time link was sent to: a link is refused once the person's login (e-mail) is no longer that address.
ALTER TABLE user_links ADD sent_to NVARCHAR(320) COLLATE Chinese_PRC_CI_AS NULL;
GO
