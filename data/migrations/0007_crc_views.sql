-- Pseudonymised views for the Case Review Committee (CRC) and the partnership's analysts.
--
-- The CRC explorer reads only these views. They carry a stable case key that is not the case
-- reference (a keyed hash of the internal case id with a random secret made when this
-- migration ran, so it cannot be worked out from the reference), ages in months instead of
-- dates of birth, dates kept, and no names, labels or free text from extracts (no summaries,
-- extra columns, source references or file names). Withdrawn learning, actions and
-- reflections are left out.

INSERT INTO settings (key, value)
SELECT 'crc_case_key_secret', md5(gen_random_uuid()::VARCHAR || random()::VARCHAR)
WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'crc_case_key_secret');

-- Internal: case id -> case key. Not for analysts (it holds the internal id).
CREATE VIEW crc_case_keys AS
SELECT c.case_id,
       'K' || upper(substr(md5(s.value || ':' || c.case_id::VARCHAR), 1, 10)) AS case_key
FROM cases c, settings s
WHERE s.key = 'crc_case_key_secret';

-- Complete months from a to b (negative when b is before a).
CREATE MACRO crc_age_months(a, b) AS
    CASE WHEN a IS NULL OR b IS NULL THEN NULL
         ELSE (year(b) - year(a)) * 12 + (month(b) - month(a))
              - CASE WHEN day(b) < day(a) THEN 1 ELSE 0 END
    END;

-- The official children's statistics age bands, from age in complete months.
CREATE MACRO crc_age_band(months) AS
    CASE WHEN months IS NULL THEN 'Not known'
         WHEN months < 12 THEN 'Under 1'
         WHEN months < 60 THEN '1 to 4'
         WHEN months < 120 THEN '5 to 9'
         WHEN months < 192 THEN '10 to 15'
         ELSE '16 and over'
    END;

CREATE VIEW crc_process AS
WITH wf AS (
    SELECT case_id,
           max(done_on) FILTER (WHERE stage_key = 'identified') AS identified_on,
           max(done_on) FILTER (WHERE stage_key = 'meeting_held') AS meeting_held_on,
           max(done_on) FILTER (WHERE stage_key = 'crc_considered') AS crc_considered_on,
           max(done_on) FILTER (WHERE stage_key = 'frontline_informed') AS frontline_informed_on
    FROM case_workflow GROUP BY case_id
),
m AS (SELECT case_id, max(meeting_date) AS meeting_date FROM meetings GROUP BY case_id),
furthest AS (
    SELECT cw.case_id, arg_max(cw.stage_key, ws.position) AS stage_key
    FROM case_workflow cw JOIN workflow_stages ws ON ws.stage_key = cw.stage_key
    GROUP BY cw.case_id
)
SELECT k.case_key,
       wf.identified_on,
       coalesce(m.meeting_date, wf.meeting_held_on) AS meeting_date,
       wf.crc_considered_on,
       wf.frontline_informed_on,
       coalesce(m.meeting_date, wf.meeting_held_on) - wf.identified_on AS days_identified_to_meeting,
       wf.crc_considered_on - coalesce(m.meeting_date, wf.meeting_held_on) AS days_meeting_to_crc,
       wf.frontline_informed_on - wf.crc_considered_on AS days_crc_to_frontline,
       coalesce(furthest.stage_key, 'not_started') AS stage_key
FROM crc_case_keys k
LEFT JOIN wf ON wf.case_id = k.case_id
LEFT JOIN m ON m.case_id = k.case_id
LEFT JOIN furthest ON furthest.case_id = k.case_id;

CREATE VIEW crc_cases AS
WITH m AS (SELECT case_id, max(meeting_date) AS meeting_date FROM meetings GROUP BY case_id),
wf AS (
    SELECT case_id, max(done_on) FILTER (WHERE stage_key = 'meeting_held') AS meeting_held_on
    FROM case_workflow GROUP BY case_id
),
furthest AS (
    SELECT cw.case_id, arg_max(cw.stage_key, ws.position) AS stage_key
    FROM case_workflow cw JOIN workflow_stages ws ON ws.stage_key = cw.stage_key
    GROUP BY cw.case_id
),
ca AS (SELECT case_id, count(*) AS agency_count FROM case_agencies GROUP BY case_id)
SELECT k.case_key,
       d.meeting_date,
       year(d.meeting_date) AS meeting_year,
       crc_age_months(c.date_of_birth, d.meeting_date) AS age_months_at_meeting,
       crc_age_band(crc_age_months(c.date_of_birth, d.meeting_date)) AS age_band_at_meeting,
       coalesce(furthest.stage_key, 'not_started') AS stage_key,
       coalesce(ca.agency_count, 0) AS agency_count,
       c.is_demo
FROM cases c
JOIN crc_case_keys k ON k.case_id = c.case_id
LEFT JOIN (
    SELECT c2.case_id, coalesce(m.meeting_date, wf.meeting_held_on) AS meeting_date
    FROM cases c2 LEFT JOIN m ON m.case_id = c2.case_id LEFT JOIN wf ON wf.case_id = c2.case_id
) d ON d.case_id = c.case_id
LEFT JOIN furthest ON furthest.case_id = c.case_id
LEFT JOIN ca ON ca.case_id = c.case_id;

CREATE VIEW crc_case_agencies AS
SELECT k.case_key, a.name AS agency
FROM case_agencies x
JOIN crc_case_keys k ON k.case_id = x.case_id
JOIN agencies a ON a.agency_id = x.agency_id;

-- The keys are computed once per case (MATERIALIZED), not once per event: a million events
-- would otherwise each pay for a hash.
CREATE VIEW crc_events AS
WITH k AS MATERIALIZED (SELECT case_id, case_key FROM crc_case_keys)
SELECT k.case_key,
       e.event_date,
       e.date_precision,
       crc_age_months(c.date_of_birth, e.event_date) AS age_months,
       a.name AS agency,
       e.event_type
FROM events e
JOIN k ON k.case_id = e.case_id
JOIN cases c ON c.case_id = e.case_id
JOIN agencies a ON a.agency_id = e.agency_id;

CREATE VIEW crc_learning_points AS
SELECT k.case_key,
       lp.learning_id AS learning_key,
       lp.scope,
       a.name AS agency,
       lp.share_with_crc,
       CAST(lp.created_at AS DATE) AS recorded_on
FROM learning_points lp
JOIN crc_case_keys k ON k.case_id = lp.case_id
LEFT JOIN agencies a ON a.agency_id = lp.agency_id
WHERE lp.withdrawn_at IS NULL;

CREATE VIEW crc_learning_themes AS
SELECT k.case_key, lp.learning_id AS learning_key, t.name AS theme
FROM learning_point_themes lpt
JOIN learning_points lp ON lp.learning_id = lpt.learning_id
JOIN crc_case_keys k ON k.case_id = lp.case_id
JOIN themes t ON t.theme_id = lpt.theme_id
WHERE lp.withdrawn_at IS NULL;

CREATE VIEW crc_actions AS
SELECT k.case_key,
       ac.action_id AS action_key,
       ac.learning_id AS learning_key,
       a.name AS agency,
       ac.status,
       ac.due_date,
       ac.completed_on,
       (ac.status IN ('open', 'in_progress') AND ac.due_date < current_date) AS overdue
FROM actions ac
JOIN crc_case_keys k ON k.case_id = ac.case_id
LEFT JOIN agencies a ON a.agency_id = ac.owner_agency_id
WHERE ac.withdrawn_at IS NULL;

-- Reflections answering "Was there anything that acted as a barrier?" (no text). Their themes
-- are those of learning points linked to the same event or episode.
CREATE VIEW crc_barriers AS
SELECT k.case_key,
       r.reflection_id AS barrier_key,
       r.target_kind,
       a.name AS agency,
       CAST(r.created_at AS DATE) AS recorded_on
FROM reflections r
JOIN crc_case_keys k ON k.case_id = r.case_id
LEFT JOIN agencies a ON a.agency_id = r.agency_id
WHERE r.question_key = 'barrier' AND r.withdrawn_at IS NULL;

CREATE VIEW crc_barrier_themes AS
SELECT DISTINCT k.case_key, r.reflection_id AS barrier_key, t.name AS theme
FROM reflections r
JOIN crc_case_keys k ON k.case_id = r.case_id
JOIN learning_point_links l
  ON (r.target_kind = 'event' AND l.event_id = r.event_id)
  OR (r.target_kind = 'episode' AND l.episode_id = r.episode_id)
JOIN learning_points lp ON lp.learning_id = l.learning_id AND lp.case_id = r.case_id
JOIN learning_point_themes lpt ON lpt.learning_id = lp.learning_id
JOIN themes t ON t.theme_id = lpt.theme_id
WHERE r.question_key = 'barrier' AND r.withdrawn_at IS NULL AND lp.withdrawn_at IS NULL;

-- Appendix 3: the summary of learning to be shared with the CRC. The chair's name is on the
-- guidance's form; the learning text is what the meeting wrote for the CRC (not extract text).
CREATE VIEW crc_summaries AS
SELECT k.case_key,
       cc.age_months_at_meeting,
       cc.meeting_date,
       (SELECT m.chair_name FROM meetings m WHERE m.case_id = k.case_id
        ORDER BY m.meeting_date DESC NULLS LAST, m.meeting_id DESC LIMIT 1) AS chair_name
FROM crc_case_keys k JOIN crc_cases cc ON cc.case_key = k.case_key;

CREATE VIEW crc_shared_learning AS
SELECT k.case_key,
       lp.learning_id AS learning_key,
       lp.scope,
       a.name AS agency,
       lp.text
FROM learning_points lp
JOIN crc_case_keys k ON k.case_id = lp.case_id
LEFT JOIN agencies a ON a.agency_id = lp.agency_id
WHERE lp.share_with_crc AND lp.withdrawn_at IS NULL;

-- Internal, for the explorer's Appendix 3 only: the names to REMOVE from the shared learning
-- text before it is shown (the child's pseudonym, invitees, the facilitator, members' user
-- names), as the DOCX summary does. Never shown or handed to the CRC.
CREATE VIEW crc_redaction_names AS
SELECT k.case_key, n.kind, n.name
FROM crc_case_keys k
JOIN (
    SELECT case_id, 'child' AS kind, label AS name FROM cases WHERE label IS NOT NULL
    UNION ALL
    SELECT case_id, 'person', facilitator FROM meetings WHERE facilitator IS NOT NULL
    UNION ALL
    SELECT case_id, 'person', name FROM invitees
    UNION ALL
    SELECT cm.case_id, 'person', u.username
    FROM case_members cm JOIN users u ON u.user_id = cm.user_id
) n ON n.case_id = k.case_id;
