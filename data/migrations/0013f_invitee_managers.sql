-- "Learning feedback will be shared with the managers of the service": each invitee may name
-- their manager's e-mail address; the invitation and the signed-off record go to them too.
ALTER TABLE invitees ADD COLUMN manager_email VARCHAR;
