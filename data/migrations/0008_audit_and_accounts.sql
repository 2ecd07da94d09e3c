-- Trust: the append-only audit trail, and what accounts need for "log out everywhere".
-- The app only ever INSERTs into audit_log (data/audit.py); no code path updates or deletes it.

CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit_log (
    audit_id   BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    occurred_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor      VARCHAR NOT NULL,
    actor_id   INTEGER,
    action     VARCHAR NOT NULL,
    case_ref   VARCHAR,
    subject    VARCHAR,
    detail     VARCHAR,
    ip         VARCHAR
);

-- Raised to sign a user out of every browser: a session carries the number it was issued with.
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMP;
