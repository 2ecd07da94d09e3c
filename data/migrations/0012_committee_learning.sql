-- Nothing identifying reaches the committee.
--
-- A learning point leaves the case only when it is flagged for the committee, its shared
-- wording has passed the redaction review, and the record version it belongs to is signed off
-- and is the case's latest version (an amendment withdraws the case's learning until the new
-- version is signed). Signing off copies the reviewed learning into `committee_learning`; the
-- learning-related crc_* views read only that.

-- The people in a case and the role labels the room uses for them (the Chronolator way).
-- Personal data: never for CRC use.
CREATE SEQUENCE glossary_entry_id_seq START 1;
CREATE TABLE glossary_entries (
    entry_id    INTEGER PRIMARY KEY DEFAULT nextval('glossary_entry_id_seq'),
    case_id     INTEGER NOT NULL,
    role_label  VARCHAR NOT NULL,
    names       JSON NOT NULL,       -- ["Jordan Smith", "Jordy"]: name and aliases
    added_by    VARCHAR NOT NULL,
    added_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by  VARCHAR,
    updated_at  TIMESTAMP,
    removed_by  VARCHAR,
    removed_at  TIMESTAMP
);

-- The redaction review: each confirmation of a learning point's shared wording is a new row
-- (append-only, so the history of the wording is the table itself). A wording is current for
-- a learning point while `meeting_text` equals the point's text.
CREATE SEQUENCE shared_wording_id_seq START 1;
CREATE TABLE learning_shared_wording (
    wording_id    INTEGER PRIMARY KEY DEFAULT nextval('shared_wording_id_seq'),
    case_id       INTEGER NOT NULL,
    learning_id   INTEGER NOT NULL,
    meeting_text  VARCHAR NOT NULL,  -- the meeting's wording that was reviewed
    shared_text   VARCHAR NOT NULL,  -- the wording the chair confirmed for the committee
    marked        JSON NOT NULL,     -- what the review marked: [{"kind", "text", "replacement"}]
    confirmed_by  VARCHAR NOT NULL,
    confirmed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The reviewed learning of each signed record version, written once at sign-off.
CREATE TABLE committee_learning (
    record_id     INTEGER NOT NULL,
    case_id       INTEGER NOT NULL,
    learning_id   INTEGER NOT NULL,
    wording_id    INTEGER NOT NULL,
    scope         VARCHAR NOT NULL,
    agency_id     INTEGER,
    shared_text   VARCHAR NOT NULL,
    recorded_on   DATE,
    PRIMARY KEY (record_id, learning_id)
);
CREATE TABLE committee_learning_themes (
    record_id    INTEGER NOT NULL,
    learning_id  INTEGER NOT NULL,
    theme_id     INTEGER NOT NULL,
    PRIMARY KEY (record_id, learning_id, theme_id)
);

-- Internal: the record version each case shows the committee, if any: its latest version, and
-- only when that version is signed off.
CREATE VIEW committee_records AS
SELECT mr.case_id, mr.record_id, mr.version, mr.signed_at
FROM meeting_records mr
WHERE mr.signed_at IS NOT NULL
  AND mr.version = (SELECT max(x.version) FROM meeting_records x WHERE x.case_id = mr.case_id);

DROP VIEW crc_redaction_names;
DROP VIEW crc_shared_learning;
DROP VIEW crc_summaries;
DROP VIEW crc_barrier_themes;
DROP VIEW crc_barriers;
DROP VIEW crc_actions;
DROP VIEW crc_learning_themes;
DROP VIEW crc_learning_points;

CREATE VIEW crc_learning_points AS
SELECT k.case_key,
       cl.learning_id AS learning_key,
       cl.scope,
       a.name AS agency,
       r.version AS record_version,
       cl.recorded_on
FROM committee_learning cl
JOIN committee_records r ON r.record_id = cl.record_id
JOIN crc_case_keys k ON k.case_id = cl.case_id
LEFT JOIN agencies a ON a.agency_id = cl.agency_id;

CREATE VIEW crc_learning_themes AS
SELECT k.case_key, clt.learning_id AS learning_key, t.name AS theme
FROM committee_learning_themes clt
JOIN committee_records r ON r.record_id = clt.record_id
JOIN crc_case_keys k ON k.case_id = r.case_id
JOIN themes t ON t.theme_id = clt.theme_id;

-- Actions and barriers carry no text; they reach the committee for cases whose latest record
-- version is signed off. An action names its learning only when that learning is shared.
CREATE VIEW crc_actions AS
SELECT k.case_key,
       ac.action_id AS action_key,
       cl.learning_id AS learning_key,
       a.name AS agency,
       ac.status,
       ac.due_date,
       ac.completed_on,
       (ac.status IN ('open', 'in_progress') AND ac.due_date < current_date) AS overdue
FROM actions ac
JOIN committee_records r ON r.case_id = ac.case_id
JOIN crc_case_keys k ON k.case_id = ac.case_id
LEFT JOIN committee_learning cl
  ON cl.record_id = r.record_id AND cl.learning_id = ac.learning_id
LEFT JOIN agencies a ON a.agency_id = ac.owner_agency_id
WHERE ac.withdrawn_at IS NULL;

CREATE VIEW crc_barriers AS
SELECT k.case_key,
       r.reflection_id AS barrier_key,
       r.target_kind,
       a.name AS agency,
       CAST(r.created_at AS DATE) AS recorded_on
FROM reflections r
JOIN committee_records cr ON cr.case_id = r.case_id
JOIN crc_case_keys k ON k.case_id = r.case_id
LEFT JOIN agencies a ON a.agency_id = r.agency_id
WHERE r.question_key = 'barrier' AND r.withdrawn_at IS NULL;

-- The themes of the shared learning linked to the same event or episode as the barrier.
CREATE VIEW crc_barrier_themes AS
SELECT DISTINCT k.case_key, r.reflection_id AS barrier_key, t.name AS theme
FROM reflections r
JOIN committee_records cr ON cr.case_id = r.case_id
JOIN crc_case_keys k ON k.case_id = r.case_id
JOIN learning_point_links l
  ON (r.target_kind = 'event' AND l.event_id = r.event_id)
  OR (r.target_kind = 'episode' AND l.episode_id = r.episode_id)
JOIN committee_learning_themes clt
  ON clt.record_id = cr.record_id AND clt.learning_id = l.learning_id
JOIN themes t ON t.theme_id = clt.theme_id
WHERE r.question_key = 'barrier' AND r.withdrawn_at IS NULL;

-- Appendix 3, one row per case with a signed-off latest record: which version it summarises.
CREATE VIEW crc_summaries AS
SELECT k.case_key,
       cc.age_months_at_meeting,
       cc.meeting_date,
       (SELECT m.chair_name FROM meetings m WHERE m.case_id = k.case_id
        ORDER BY m.meeting_date DESC NULLS LAST, m.meeting_id DESC LIMIT 1) AS chair_name,
       r.version AS record_version,
       CAST(r.signed_at AS DATE) AS signed_on
FROM committee_records r
JOIN crc_case_keys k ON k.case_id = r.case_id
JOIN crc_cases cc ON cc.case_key = k.case_key;

-- The reviewed shared wording of each learning point the committee receives.
CREATE VIEW crc_shared_learning AS
SELECT k.case_key,
       cl.learning_id AS learning_key,
       cl.scope,
       a.name AS agency,
       r.version AS record_version,
       cl.shared_text AS text
FROM committee_learning cl
JOIN committee_records r ON r.record_id = cl.record_id
JOIN crc_case_keys k ON k.case_id = cl.case_id
LEFT JOIN agencies a ON a.agency_id = cl.agency_id;
