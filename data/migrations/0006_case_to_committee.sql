-- From case to committee: what opening a case for RPM records (requesting agency, purpose,
-- invitees), the meeting's time and place, and the meeting record (Appendix 2) in versions that
-- are locked once signed. Partnership settings (name, logo) live in `settings`.

-- What the flowchart asks to document when a case is opened for RPM (one row per case).
CREATE TABLE case_requests (
    case_id               INTEGER PRIMARY KEY,
    requesting_agency_id  INTEGER,
    purpose               VARCHAR,
    opened_by             VARCHAR NOT NULL,
    opened_at             TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at            TIMESTAMP
);

-- Professionals invited to the meeting; `attended` is set when the meeting record is kept.
CREATE SEQUENCE invitee_id_seq START 1;
CREATE TABLE invitees (
    invitee_id  INTEGER PRIMARY KEY DEFAULT nextval('invitee_id_seq'),
    case_id     INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    name        VARCHAR NOT NULL,
    role        VARCHAR,
    agency_id   INTEGER,
    email       VARCHAR,
    attended    BOOLEAN,
    added_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

ALTER TABLE meetings ADD COLUMN start_time VARCHAR;
ALTER TABLE meetings ADD COLUMN venue VARCHAR;

-- The meeting record (Appendix 2). Version 1 is the first record; each amendment after
-- sign-off is a new version with a reason. A signed version never changes: `snapshot` holds
-- the whole record as signed (JSON), including the learning points and actions of that moment.
CREATE SEQUENCE record_id_seq START 1;
CREATE TABLE meeting_records (
    record_id         INTEGER PRIMARY KEY DEFAULT nextval('record_id_seq'),
    case_id           INTEGER NOT NULL,
    version           INTEGER NOT NULL,
    issues            VARCHAR,
    timescale         VARCHAR,
    conclusions       VARCHAR,
    amendment_reason  VARCHAR,
    created_by        VARCHAR NOT NULL,
    created_at        TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by        VARCHAR,
    updated_at        TIMESTAMP,
    signed_name       VARCHAR,
    signed_by         VARCHAR,
    signed_at         TIMESTAMP,
    snapshot          JSON,
    UNIQUE (case_id, version),
    CHECK ((signed_at IS NULL) = (snapshot IS NULL)),
    CHECK (version = 1 OR amendment_reason IS NOT NULL)
);
