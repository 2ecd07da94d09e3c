-- Foundation schema. Relationships are enforced by the store rather than by FOREIGN KEY
-- constraints: DuckDB refuses some updates of rows that other tables reference.

CREATE SEQUENCE agency_id_seq START 1;
CREATE TABLE agencies (
    agency_id  INTEGER PRIMARY KEY DEFAULT nextval('agency_id_seq'),
    name       VARCHAR NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE case_id_seq START 1;
CREATE TABLE cases (
    case_id          INTEGER PRIMARY KEY DEFAULT nextval('case_id_seq'),
    case_ref         VARCHAR NOT NULL UNIQUE,
    label            VARCHAR,
    date_of_birth    DATE,
    is_demo          BOOLEAN NOT NULL DEFAULT false,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE user_id_seq START 1;
CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY DEFAULT nextval('user_id_seq'),
    username      VARCHAR NOT NULL UNIQUE,
    password_hash VARCHAR NOT NULL,
    role          VARCHAR NOT NULL CHECK (role IN ('admin', 'chair', 'agency', 'crc')),
    agency_id     INTEGER,
    active        BOOLEAN NOT NULL DEFAULT true,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK (role <> 'agency' OR agency_id IS NOT NULL)
);

CREATE SEQUENCE upload_id_seq START 1;
CREATE TABLE uploads (
    upload_id      INTEGER PRIMARY KEY DEFAULT nextval('upload_id_seq'),
    case_id        INTEGER NOT NULL,
    agency_id      INTEGER NOT NULL,
    file_name      VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    row_count      INTEGER NOT NULL,
    event_count    INTEGER NOT NULL,
    rejected_count INTEGER NOT NULL,
    uploaded_by    VARCHAR NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE event_id_seq START 1;
CREATE TABLE events (
    event_id       BIGINT PRIMARY KEY DEFAULT nextval('event_id_seq'),
    case_id        INTEGER NOT NULL,
    agency_id      INTEGER NOT NULL,
    upload_id      INTEGER,
    row_number     INTEGER,
    event_date     DATE NOT NULL,
    date_precision VARCHAR NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
    event_time     TIME,
    event_type     VARCHAR NOT NULL,
    summary        VARCHAR NOT NULL,
    source_ref     VARCHAR,
    extra          JSON
);

CREATE SEQUENCE rejected_id_seq START 1;
CREATE TABLE rejected_rows (
    rejected_id INTEGER PRIMARY KEY DEFAULT nextval('rejected_id_seq'),
    upload_id   INTEGER NOT NULL,
    row_number  INTEGER NOT NULL,
    column_name VARCHAR,
    value       VARCHAR,
    reason      VARCHAR NOT NULL,
    raw         VARCHAR NOT NULL
);

CREATE TABLE settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
