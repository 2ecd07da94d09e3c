-- The flowchart's steps know about each other: every change to a case's recorded stages is kept
-- (recorded, corrected, withdrawn, the meeting date corrected), with who, when and why; and the
-- record's signature says when an administrator signed on the chair's behalf.

CREATE SEQUENCE workflow_change_id_seq START 1;
CREATE TABLE case_workflow_changes (
    change_id    INTEGER PRIMARY KEY DEFAULT nextval('workflow_change_id_seq'),
    case_id      INTEGER NOT NULL,
    stage_key    VARCHAR NOT NULL,
    change       VARCHAR NOT NULL
                 CHECK (change IN ('recorded', 'corrected', 'withdrawn', 'meeting_date_corrected')),
    done_on      DATE,          -- the date after the change (NULL once withdrawn)
    before_on    DATE,          -- the date before it (NULL when first recorded)
    note         VARCHAR,
    reason       VARCHAR,       -- required for corrections and withdrawals
    changed_by   VARCHAR NOT NULL,
    changed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK (change = 'recorded' OR reason IS NOT NULL)
);

-- Stages recorded before this migration enter the history as they stand.
INSERT INTO case_workflow_changes (case_id, stage_key, change, done_on, note, changed_by, changed_at)
SELECT case_id, stage_key, 'recorded', done_on, note, done_by, recorded_at FROM case_workflow;

-- The chair's name on the record is the one the meeting recorded; `signed_by` is the account.
-- An administrator signing for the chair is said so on the document.
ALTER TABLE meeting_records ADD COLUMN signed_on_behalf BOOLEAN NOT NULL DEFAULT false;
