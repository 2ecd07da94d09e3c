-- What completed a recorded stage, when it was a committee decision or a briefing delivered:
-- correcting or withdrawing that record moves or withdraws the stage; a stage recorded by hand
-- (or by anything else) is never touched by it. 'decision' or 'delivery' (data.committee);
-- NULL: recorded by hand or by another action.
ALTER TABLE case_workflow ADD COLUMN completed_by VARCHAR;

-- Stages a live decision or delivery recorded before this migration (its note, its date).
UPDATE case_workflow SET completed_by = 'decision'
WHERE stage_key = 'crc_considered'
  AND note LIKE 'Case Review Committee decision %'
  AND EXISTS (
      SELECT 1 FROM committee_decisions d
      JOIN committee_decision_cases dc ON dc.decision_id = d.decision_id
      WHERE dc.case_id = case_workflow.case_id AND d.withdrawn_at IS NULL
  );
UPDATE case_workflow SET completed_by = 'delivery'
WHERE stage_key = 'frontline_informed'
  AND (note LIKE '7-minute briefing on % delivered to %' OR note LIKE 'Workshop on % delivered to %')
  AND EXISTS (
      SELECT 1 FROM briefing_deliveries b
      JOIN briefing_delivery_cases bc ON bc.delivery_id = b.delivery_id
      WHERE bc.case_id = case_workflow.case_id AND b.withdrawn_at IS NULL
  );
