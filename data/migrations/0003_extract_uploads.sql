-- Extracts as they really arrive: how each upload was read, and retirement of an upload (and
-- its events) when the same agency's newer upload replaces it. Retired events stay in the
-- store, flagged, so reflections attached to them are never orphaned.

ALTER TABLE uploads ADD COLUMN encoding VARCHAR;        -- utf-8, utf-8-sig, utf-16, cp1252
ALTER TABLE uploads ADD COLUMN delimiter VARCHAR;       -- comma, tab, semicolon, pipe
ALTER TABLE uploads ADD COLUMN column_map JSON;         -- field -> the file's column name
ALTER TABLE uploads ADD COLUMN date_order VARCHAR;      -- dmy, mdy, ymd
ALTER TABLE uploads ADD COLUMN mode VARCHAR;            -- add or replace
ALTER TABLE uploads ADD COLUMN warning_count INTEGER;
ALTER TABLE uploads ADD COLUMN retired_at TIMESTAMP;
ALTER TABLE uploads ADD COLUMN replaced_by INTEGER;     -- the upload that replaced it

ALTER TABLE events ADD COLUMN retired_at TIMESTAMP;     -- set when its upload is replaced
