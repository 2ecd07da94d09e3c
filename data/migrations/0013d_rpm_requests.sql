-- The flowchart's first step: an agency asks for an RPM about a child; the business unit
-- accepts it (opening the case with the request's details) or declines it with a reason.
CREATE SEQUENCE rpm_request_id_seq START 1;
CREATE TABLE rpm_requests (
    request_id         INTEGER PRIMARY KEY DEFAULT nextval('rpm_request_id_seq'),
    requested_by       VARCHAR NOT NULL,
    requesting_agency  VARCHAR NOT NULL,
    child_label        VARCHAR NOT NULL,   -- pseudonym or initials, never the full name
    date_of_birth      DATE,
    reason             VARCHAR NOT NULL,   -- why the agency asks for an RPM
    agencies_involved  VARCHAR NOT NULL,
    hoped_learning     VARCHAR NOT NULL,   -- what they hope to learn
    urgency            VARCHAR NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
    status             VARCHAR NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'accepted', 'declined')),
    decided_by         VARCHAR,
    decided_at         TIMESTAMP,
    decline_reason     VARCHAR,
    case_id            INTEGER,            -- the case opened when accepted
    created_at         TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK ((status = 'declined') = (decline_reason IS NOT NULL)),
    CHECK ((status = 'accepted') = (case_id IS NOT NULL))
);
