-- One agency whatever its capitals or spacing (0030 merged the ones written twice): the
-- database refuses a second spelling of a name already there. The key is
-- data.agency_names.AGENCY_KEY, the one every look-up by name compares.
CREATE UNIQUE INDEX agencies_name_key ON agencies ((lower(trim(regexp_replace(name, '\s+', ' ', 'g')))));
