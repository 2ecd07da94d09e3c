-- The flowchart's last two steps, recorded by the committee and the business unit themselves:
-- the Case Review Committee's consideration of the organisational learning (its decision and
-- the organisational actions it plans; stage 6) and the briefings and workshops that inform
-- frontline practitioners (stage 7). A decision or a briefing is about one case or a theme
-- across cases; the cases it covers are listed beside it.
--
-- The committee's own words (what it considered, its decision, an action, its evidence) are
-- checked for the names and identifiers of the cases they cover before they are kept, so
-- nothing identifying is written here by the committee.

CREATE SEQUENCE committee_decision_id_seq START 1;
CREATE TABLE committee_decisions (
    decision_id  INTEGER PRIMARY KEY DEFAULT nextval('committee_decision_id_seq'),
    theme        VARCHAR,            -- the theme considered across cases; NULL for one case
    considered   VARCHAR NOT NULL,   -- what the committee considered
    decision     VARCHAR NOT NULL,   -- what it decided
    decided_on   DATE NOT NULL,      -- the committee's meeting
    recorded_by  VARCHAR NOT NULL,
    recorded_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE committee_decision_cases (
    decision_id  INTEGER NOT NULL,
    case_id      INTEGER NOT NULL,
    PRIMARY KEY (decision_id, case_id)
);

-- Organisational actions the committee plans; every change is a row of the history below.
CREATE SEQUENCE committee_action_id_seq START 1;
CREATE TABLE committee_actions (
    action_id        INTEGER PRIMARY KEY DEFAULT nextval('committee_action_id_seq'),
    decision_id      INTEGER NOT NULL,
    description      VARCHAR NOT NULL,
    owner_agency_id  INTEGER NOT NULL,
    due_date         DATE,
    status           VARCHAR NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'in_progress', 'done', 'verified')),
    evidence         VARCHAR,           -- evidence of impact
    completed_on     DATE,
    created_by       VARCHAR NOT NULL,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by       VARCHAR,
    updated_at       TIMESTAMP
);
CREATE SEQUENCE committee_action_change_id_seq START 1;
CREATE TABLE committee_action_changes (
    change_id    INTEGER PRIMARY KEY DEFAULT nextval('committee_action_change_id_seq'),
    action_id    INTEGER NOT NULL,
    change       VARCHAR NOT NULL CHECK (change IN ('planned', 'updated')),
    status       VARCHAR NOT NULL,
    due_date     DATE,
    evidence     VARCHAR,
    changed_by   VARCHAR NOT NULL,
    changed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Briefings and workshops delivered to frontline practitioners.
CREATE SEQUENCE briefing_delivery_id_seq START 1;
CREATE TABLE briefing_deliveries (
    delivery_id   INTEGER PRIMARY KEY DEFAULT nextval('briefing_delivery_id_seq'),
    theme         VARCHAR,           -- a theme across cases; NULL for one case's learning
    kind          VARCHAR NOT NULL CHECK (kind IN ('briefing', 'workshop')),
    delivered_on  DATE NOT NULL,
    audience      VARCHAR NOT NULL,  -- who it was for ("health visitors and school nurses")
    agencies      JSON NOT NULL,     -- the agencies whose practitioners took part: ["Health"]
    attended      INTEGER NOT NULL CHECK (attended >= 0),
    recorded_by   VARCHAR NOT NULL,
    recorded_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE briefing_delivery_cases (
    delivery_id  INTEGER NOT NULL,
    case_id      INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, case_id)
);

-- For analysts: no text, case keys only.
CREATE VIEW crc_committee_decisions AS
SELECT d.decision_id AS decision_key, k.case_key, d.theme, d.decided_on
FROM committee_decisions d
JOIN committee_decision_cases dc ON dc.decision_id = d.decision_id
JOIN crc_case_keys k ON k.case_id = dc.case_id;

CREATE VIEW crc_committee_actions AS
SELECT ca.action_id AS action_key,
       ca.decision_id AS decision_key,
       a.name AS agency,
       ca.status,
       ca.due_date,
       ca.completed_on,
       (ca.status IN ('open', 'in_progress') AND ca.due_date < current_date) AS overdue
FROM committee_actions ca
LEFT JOIN agencies a ON a.agency_id = ca.owner_agency_id;

CREATE VIEW crc_briefing_deliveries AS
SELECT b.delivery_id AS delivery_key, k.case_key, b.theme, b.kind, b.delivered_on, b.attended
FROM briefing_deliveries b
JOIN briefing_delivery_cases bc ON bc.delivery_id = b.delivery_id
JOIN crc_case_keys k ON k.case_id = bc.case_id;
