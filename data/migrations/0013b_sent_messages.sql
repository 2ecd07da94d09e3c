-- What was sent for a case, to whom and when: every email the app sends or puts in the outbox.
-- `status` is 'sent' only when the mail server accepted the message; 'outbox' when no mail
-- server is configured and the message was written as an .eml file; 'failed' with its reason.
-- `eml` is the message exactly as built, so that a retry sends the same thing.
CREATE SEQUENCE message_id_seq START 1;
CREATE TABLE sent_messages (
    message_id       INTEGER PRIMARY KEY DEFAULT nextval('message_id_seq'),
    case_id          INTEGER NOT NULL,
    kind             VARCHAR NOT NULL
                     CHECK (kind IN ('invitation', 'record_to_attendees', 'to_business_unit')),
    record_version   INTEGER,
    recipients       VARCHAR NOT NULL,
    subject          VARCHAR NOT NULL,
    attachments      VARCHAR,
    eml              BLOB NOT NULL,
    status           VARCHAR NOT NULL CHECK (status IN ('pending', 'sent', 'outbox', 'failed')),
    error            VARCHAR,
    attempts         INTEGER NOT NULL DEFAULT 0,
    outbox_file      VARCHAR,
    created_by       VARCHAR NOT NULL,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    last_attempt_at  TIMESTAMP,
    sent_at          TIMESTAMP
);
