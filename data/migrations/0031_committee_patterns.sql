-- What the reviewer's lenses found in a case, for the committee (data.committee_patterns).
--
-- When a record version is signed off (its learning through the redaction review), the
-- patterns data.patterns finds in the case's events are written here for that version, beside
-- its learning (committee_learning): silences, clusters of missed appointments and of domestic
-- abuse, closure then re-referral, referrals with no recorded response, one incident told by
-- several agencies. Never the suggested links (they wait for a person: the links people made
-- reach the committee as crc_event_links), the description, or an event's words.

-- One row per signed version whose patterns were written (none found is a row too).
CREATE TABLE committee_pattern_runs (
    record_id    INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL,
    patterns     INTEGER NOT NULL,
    written_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- One row per pattern and distinct (agency, category) of its events.
CREATE TABLE committee_patterns (
    record_id    INTEGER NOT NULL,
    case_id      INTEGER NOT NULL,
    pattern_no   INTEGER NOT NULL,  -- 1, 2, ... within the version, by start date
    kind         VARCHAR NOT NULL,
    start_date   DATE NOT NULL,
    end_date     DATE NOT NULL,
    agency_id    INTEGER,           -- NULL: a silence of every agency
    category     VARCHAR            -- NULL: a silence (no event, no category)
);

-- For the committee: the patterns of the version each case shows it (its latest, when signed
-- off: committee_records), by case key. Nothing of a case not signed off.
CREATE VIEW crc_patterns AS
SELECT k.case_key,
       p.pattern_no,
       p.kind,
       p.start_date,
       p.end_date,
       a.name AS agency,
       p.category
FROM committee_patterns p
JOIN committee_records r ON r.record_id = p.record_id
JOIN crc_case_keys k ON k.case_id = p.case_id
LEFT JOIN agencies a ON a.agency_id = p.agency_id;

-- The links between events are the meeting's findings too: like its learning, barriers and
-- patterns, they reach the committee only for cases whose latest record version is signed off.
CREATE OR REPLACE VIEW crc_event_links AS
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
JOIN committee_records r ON r.case_id = l.case_id
JOIN k ON k.case_id = l.case_id
JOIN events fe ON fe.event_id = l.from_event_id
JOIN events te ON te.event_id = l.to_event_id
JOIN agencies fa ON fa.agency_id = fe.agency_id
JOIN agencies ta ON ta.agency_id = te.agency_id
WHERE l.removed_at IS NULL AND l.decision = 'linked';
