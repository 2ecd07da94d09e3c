-- One agency whatever the capitals or spacing its name was written with: "Police" and "police "
-- (or "POLICE", "Children's  Social Care") are one agency. Before, each spelling became an
-- agency of its own, with its own lane, access and category memory.
--
-- Agencies that differ only so are merged into the one created first (its name is the one kept):
-- everything that names a merged agency by id now names the kept one, so no event, upload,
-- account, invitee, reflection, learning point or action is lost or changed but for which
-- agency row it points to. Each merge is written to the audit trail. Then (0030b, its own
-- transaction: DuckDB builds an index from what was committed) a unique index on the same key
-- (data.agency_names.AGENCY_KEY) refuses a second spelling from now on; the store looks
-- agencies up by it everywhere (ingest, requests, set-up, invitees, accounts, actions).

CREATE TEMP TABLE agency_merge AS
SELECT agency_id AS old_id, new_id
FROM (
    SELECT agency_id,
           first_value(agency_id) OVER (
               PARTITION BY lower(trim(regexp_replace(name, '\s+', ' ', 'g')))
               ORDER BY created_at, agency_id
           ) AS new_id
    FROM agencies
)
WHERE agency_id <> new_id;

INSERT INTO audit_log (actor, action, detail)
SELECT 'migration 0030', 'change',
       'agency ''' || o.name || ''' merged into ''' || n.name || ''' (the same name but for'
       || ' capitals and spaces): its events, uploads, accounts and records now name '''
       || n.name || ''''
FROM agency_merge m
JOIN agencies o ON o.agency_id = m.old_id
JOIN agencies n ON n.agency_id = m.new_id;

UPDATE actions SET owner_agency_id = m.new_id FROM agency_merge m WHERE owner_agency_id = m.old_id;
UPDATE committee_actions SET owner_agency_id = m.new_id
FROM agency_merge m WHERE owner_agency_id = m.old_id;
UPDATE committee_learning SET agency_id = m.new_id FROM agency_merge m WHERE agency_id = m.old_id;
UPDATE events SET agency_id = m.new_id FROM agency_merge m WHERE agency_id = m.old_id;
UPDATE invitees SET agency_id = m.new_id FROM agency_merge m WHERE agency_id = m.old_id;
UPDATE learning_points SET agency_id = m.new_id FROM agency_merge m WHERE agency_id = m.old_id;
UPDATE reflections SET agency_id = m.new_id FROM agency_merge m WHERE agency_id = m.old_id;
UPDATE reflections SET lens_agency_id = m.new_id FROM agency_merge m WHERE lens_agency_id = m.old_id;
UPDATE uploads SET agency_id = m.new_id FROM agency_merge m WHERE agency_id = m.old_id;
UPDATE users SET agency_id = m.new_id FROM agency_merge m WHERE agency_id = m.old_id;
UPDATE case_requests SET requesting_agency_id = m.new_id
FROM agency_merge m WHERE requesting_agency_id = m.old_id;

-- Keyed by agency: a case's access, kept once (the earliest grant); an event type's remembered
-- category, the kept agency's choice first, else the latest choice made under another spelling.
INSERT INTO case_agencies (case_id, agency_id, added_at)
SELECT ca.case_id, m.new_id, min(ca.added_at)
FROM case_agencies ca JOIN agency_merge m ON m.old_id = ca.agency_id
WHERE NOT EXISTS (
    SELECT 1 FROM case_agencies k WHERE k.case_id = ca.case_id AND k.agency_id = m.new_id
)
GROUP BY ca.case_id, m.new_id;
DELETE FROM case_agencies WHERE agency_id IN (SELECT old_id FROM agency_merge);

INSERT INTO agency_type_categories (agency_id, event_type, category, decided_by, decided_at)
SELECT new_id, event_type, category, decided_by, decided_at
FROM (
    SELECT m.new_id, t.event_type, t.category, t.decided_by, t.decided_at,
           row_number() OVER (PARTITION BY m.new_id, t.event_type ORDER BY t.decided_at DESC) AS n
    FROM agency_type_categories t JOIN agency_merge m ON m.old_id = t.agency_id
    WHERE NOT EXISTS (
        SELECT 1 FROM agency_type_categories k
        WHERE k.agency_id = m.new_id AND k.event_type = t.event_type
    )
)
WHERE n = 1;
DELETE FROM agency_type_categories WHERE agency_id IN (SELECT old_id FROM agency_merge);

DELETE FROM agencies WHERE agency_id IN (SELECT old_id FROM agency_merge);
DROP TABLE agency_merge;
