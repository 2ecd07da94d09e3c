-- Extracts from workbooks and Word chronology tables, settings that shape an upload's events,
-- and dates a chronology marks as uncertain ("?22 May 2016", "c. 2015").

ALTER TABLE uploads ADD COLUMN file_kind VARCHAR;       -- csv, workbook or docx
ALTER TABLE uploads ADD COLUMN sheet VARCHAR;           -- workbook: the sheet; docx: the tables
ALTER TABLE uploads ADD COLUMN header_row INTEGER;      -- the file's row naming the columns

ALTER TABLE events ADD COLUMN date_uncertain BOOLEAN DEFAULT false;  -- the source marked it so
