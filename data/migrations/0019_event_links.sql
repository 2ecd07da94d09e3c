-- The reviewer's lenses: links between two events of a case (who told whom), the chair's
-- decisions on the links the app suggested, and the lens a reflection was written under.

CREATE SEQUENCE event_link_id_seq START 1;
-- One row per link a person made, or suggestion a person dismissed. A removed link keeps its
-- row (removed_at, removed_by, removed_why); event_link_history holds every change.
CREATE TABLE event_links (
    link_id        INTEGER PRIMARY KEY DEFAULT nextval('event_link_id_seq'),
    case_id        INTEGER NOT NULL,
    from_event_id  BIGINT NOT NULL,  -- the sending side (a referral sent, information shared)
    to_event_id    BIGINT NOT NULL,  -- the receiving side
    link_type      VARCHAR NOT NULL CHECK (link_type IN (
                       'referral sent / received', 'information shared',
                       'information requested', 'not received', 'should have been shared')),
    decision       VARCHAR NOT NULL CHECK (decision IN ('linked', 'dismissed')),
    suggested      BOOLEAN NOT NULL DEFAULT false,  -- the app suggested it; a person decided
    note           VARCHAR,
    decided_by     VARCHAR NOT NULL,
    decided_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    removed_at     TIMESTAMP,
    removed_by     VARCHAR,
    removed_why    VARCHAR,
    CHECK (from_event_id <> to_event_id)
);

CREATE SEQUENCE event_link_history_id_seq START 1;
CREATE TABLE event_link_history (
    history_id  INTEGER PRIMARY KEY DEFAULT nextval('event_link_history_id_seq'),
    case_id     INTEGER NOT NULL,
    link_id     INTEGER NOT NULL,
    change      VARCHAR NOT NULL CHECK (change IN ('linked', 'dismissed', 'removed')),
    changed_by  VARCHAR NOT NULL,
    changed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    detail      VARCHAR NOT NULL
);

-- "With what was known on 14 March 2016 (by Police)": the lens a reflection was written under.
-- lens_date NULL: no lens; lens_agency_id NULL with a date: the whole partnership.
ALTER TABLE reflections ADD COLUMN lens_date DATE;
ALTER TABLE reflections ADD COLUMN lens_agency_id INTEGER;

-- For the committee: one row per current link of a case it has, without the note or who
-- decided. Links saying the information did not travel ('not received', 'should have been
-- shared') are the unanswered shares the committee counts by agency and category.
CREATE VIEW crc_event_links AS
WITH k AS MATERIALIZED (SELECT case_id, case_key FROM crc_case_keys)
SELECT k.case_key,
       l.link_type,
       l.link_type IN ('not received', 'should have been shared') AS unanswered,
       l.suggested,
       fe.event_date AS from_date,
       fa.name AS from_agency,
       coalesce(fe.category, 'Other') AS from_category,
       te.event_date AS to_date,
       ta.name AS to_agency,
       coalesce(te.category, 'Other') AS to_category
FROM event_links l
JOIN k ON k.case_id = l.case_id
JOIN events fe ON fe.event_id = l.from_event_id
JOIN events te ON te.event_id = l.to_event_id
JOIN agencies fa ON fa.agency_id = fe.agency_id
JOIN agencies ta ON ta.agency_id = te.agency_id
WHERE l.removed_at IS NULL AND l.decision = 'linked';
