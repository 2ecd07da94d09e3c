-- The committee's decisions and the briefings delivered can be corrected or withdrawn, with a
-- reason, as the other stages of the flowchart can: a withdrawn one stays (answerable for) but
-- leaves every list and view, and each change is a row of committee_record_changes with what
-- it said before and after.

ALTER TABLE committee_decisions ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE committee_decisions ADD COLUMN withdrawn_by VARCHAR;
ALTER TABLE briefing_deliveries ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE briefing_deliveries ADD COLUMN withdrawn_by VARCHAR;

CREATE SEQUENCE committee_record_change_id_seq START 1;
CREATE TABLE committee_record_changes (
    change_id    INTEGER PRIMARY KEY DEFAULT nextval('committee_record_change_id_seq'),
    decision_id  INTEGER,            -- the decision changed, or
    delivery_id  INTEGER,            -- the delivery changed
    change       VARCHAR NOT NULL CHECK (change IN ('corrected', 'withdrawn')),
    before       JSON NOT NULL,      -- the words and date before the change
    after        JSON,               -- after a correction; NULL once withdrawn
    reason       VARCHAR NOT NULL,
    changed_by   VARCHAR NOT NULL,
    changed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK ((decision_id IS NULL) <> (delivery_id IS NULL))
);

CREATE OR REPLACE VIEW crc_committee_decisions AS
SELECT d.decision_id AS decision_key, k.case_key, d.theme, d.decided_on
FROM committee_decisions d
JOIN committee_decision_cases dc ON dc.decision_id = d.decision_id
JOIN crc_case_keys k ON k.case_id = dc.case_id
WHERE d.withdrawn_at IS NULL;

CREATE OR REPLACE VIEW crc_committee_actions AS
SELECT ca.action_id AS action_key,
       ca.decision_id AS decision_key,
       a.name AS agency,
       ca.status,
       ca.due_date,
       ca.completed_on,
       (ca.status IN ('open', 'in_progress') AND ca.due_date < current_date) AS overdue
FROM committee_actions ca
JOIN committee_decisions d ON d.decision_id = ca.decision_id AND d.withdrawn_at IS NULL
LEFT JOIN agencies a ON a.agency_id = ca.owner_agency_id;

CREATE OR REPLACE VIEW crc_briefing_deliveries AS
SELECT b.delivery_id AS delivery_key, k.case_key, b.theme, b.kind, b.delivered_on, b.attended
FROM briefing_deliveries b
JOIN briefing_delivery_cases bc ON bc.delivery_id = b.delivery_id
JOIN crc_case_keys k ON k.case_id = bc.case_id
WHERE b.withdrawn_at IS NULL;
