-- The committee's organisational actions are named by their own key, so that they are never
-- taken for a case's actions (crc_actions.action_key) where both are published side by side.
CREATE OR REPLACE VIEW crc_committee_actions AS
SELECT ca.action_id AS committee_action_key,
       ca.decision_id AS decision_key,
       a.name AS agency,
       ca.status,
       ca.due_date,
       ca.completed_on,
       (ca.status IN ('open', 'in_progress') AND ca.due_date < current_date) AS overdue
FROM committee_actions ca
JOIN committee_decisions d ON d.decision_id = ca.decision_id AND d.withdrawn_at IS NULL
LEFT JOIN agencies a ON a.agency_id = ca.owner_agency_id;
