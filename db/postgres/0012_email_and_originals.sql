-- E-mail and the one-original rule for receipts.
--
-- email_outbox: every message Aid sends is written here in the transaction of the thing it announces (a receipt issued,
-- voided or reissued; a sign-in link; an invitation). A hosted sender delivers the rows with retries and exponential
-- backoff; message_id and the stored content never change, so a message delivered twice (a crash after the SMTP server
-- accepted it and before the row was marked sent) is the same message twice. lease_until keeps two instances from sending
-- the same row at the same time. status: pending (waiting or retrying), sent, failed (a permanent 5xx answer; a person
-- may resend, which makes it pending again with the same Message-ID).
CREATE TABLE email_outbox (
    id              uuid        NOT NULL PRIMARY KEY,
    message_id      text        NOT NULL UNIQUE,
    kind            text        NOT NULL CHECK (kind IN ('receipt', 'receipt-void', 'sign-in-link', 'invitation')),
    receipt_id      uuid        REFERENCES receipts (id),
    donor_id        uuid        REFERENCES donors (id),
    user_id         uuid        REFERENCES users (id),
    to_address      text        NOT NULL,
    language        text        NOT NULL,
    subject         text        NOT NULL,
    body            text        NOT NULL,
    attachment_name text,
    attachment      bytea,
    status          text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL,
    created_by      text        NOT NULL,
    sent_at         timestamptz,
    failed_at       timestamptz
);
CREATE INDEX ix_email_outbox_due ON email_outbox (status, next_attempt_at);
CREATE INDEX ix_email_outbox_receipt ON email_outbox (receipt_id);
CREATE INDEX ix_email_outbox_donor ON email_outbox (donor_id);

-- A receipt has exactly one original and it is the donor's: the e-mail attachment (original_via = 'email', set when the
-- message is written to the outbox), or else the donor's first download ('download', set by a conditional UPDATE so that
-- concurrent first downloads give one original). Every other rendering is a copy.
ALTER TABLE receipts ADD COLUMN original_via text CHECK (original_via IN ('email', 'download'));
ALTER TABLE receipts ADD COLUMN original_at timestamptz;

-- Receipts downloaded before this rule had their original already (the first download by anyone was it): never a second one.
UPDATE receipts SET original_via = 'download', original_at = issued_at WHERE downloads > 0;

-- The donor's choice: receipts by e-mail (on unless they turn it off).
ALTER TABLE donors ADD COLUMN email_receipts boolean NOT NULL DEFAULT true;

-- The address a one-time link was sent to: a link is refused once the person's login (e-mail) is no longer that address.
ALTER TABLE user_links ADD COLUMN sent_to text;
