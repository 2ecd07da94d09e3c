-- The meeting timeline: events added in the meeting, and corrections or hiding of events with
-- a reason. The original event row is never changed: every change is a new row of
-- event_changes, and the view events_current applies the latest ones.

-- Who added an event in the meeting (NULL for events that came from an extract).
ALTER TABLE events ADD COLUMN added_by VARCHAR;
ALTER TABLE events ADD COLUMN added_at TIMESTAMP;

CREATE SEQUENCE event_change_id_seq START 1;
CREATE TABLE event_changes (
    change_id      INTEGER PRIMARY KEY DEFAULT nextval('event_change_id_seq'),
    event_id       BIGINT NOT NULL,
    case_id        INTEGER NOT NULL,
    action         VARCHAR NOT NULL CHECK (action IN ('correct', 'hide', 'restore')),
    -- for 'correct': the event's values from this change on (all of them, not only those changed)
    event_date     DATE,
    date_precision VARCHAR CHECK (date_precision IN ('day', 'month', 'year')),
    event_time     TIME,
    event_type     VARCHAR,
    summary        VARCHAR,
    reason         VARCHAR NOT NULL,
    changed_by     VARCHAR NOT NULL,
    changed_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK (action <> 'correct' OR (event_date IS NOT NULL AND date_precision IS NOT NULL
                                   AND event_type IS NOT NULL AND summary IS NOT NULL))
);

-- Every event as the timeline shows it: the latest correction applied, and whether it is
-- hidden (the latest hide/restore). `events` keeps what the extract said. Events of a
-- replaced upload (retired_at set, migration 0003) are still listed here, flagged.
CREATE VIEW events_current AS
WITH latest_fix AS (
    SELECT * FROM event_changes WHERE action = 'correct'
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY change_id DESC) = 1
), latest_visibility AS (
    SELECT event_id, action FROM event_changes WHERE action IN ('hide', 'restore')
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY change_id DESC) = 1
)
SELECT e.event_id, e.case_id, e.agency_id, e.upload_id, e.row_number,
       coalesce(f.event_date, e.event_date) AS event_date,
       coalesce(f.date_precision, e.date_precision) AS date_precision,
       CASE WHEN f.change_id IS NULL THEN e.event_time ELSE f.event_time END AS event_time,
       coalesce(f.event_type, e.event_type) AS event_type,
       coalesce(f.summary, e.summary) AS summary,
       e.source_ref, e.extra, e.added_by, e.added_at, e.retired_at,
       f.change_id IS NOT NULL AS corrected,
       coalesce(v.action = 'hide', false) AS hidden
FROM events e
LEFT JOIN latest_fix f ON f.event_id = e.event_id
LEFT JOIN latest_visibility v ON v.event_id = e.event_id;
