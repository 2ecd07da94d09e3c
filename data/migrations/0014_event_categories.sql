-- Event categories: a small managed list of the kinds of event a safeguarding room recognises,
-- each with a fixed marker (shape and colour); word rules that propose a category from an
-- agency's event type; each agency's confirmed choices; and the category on every event.
--
-- The shipped list and rules are written by data.categories at start-up when the tables are
-- empty (one documented source, data/categories.py), which also fills events.category.

CREATE TABLE categories (
    name        VARCHAR PRIMARY KEY,
    position    INTEGER NOT NULL,      -- legend and lane order
    symbol      VARCHAR NOT NULL,      -- plotly marker symbol name; never reused by another
    colour      VARCHAR NOT NULL,      -- #rrggbb, at least 3:1 on white
    description VARCHAR NOT NULL DEFAULT ''
);

CREATE SEQUENCE category_rule_id_seq START 1;
-- A rule is a phrase of words ("section 47", "strategy", "exclu*"); it matches an event type
-- holding those words in that order (case, punctuation and spacing ignored; `*` ends a word
-- prefix; a phrase starting with `=` matches only the whole type). The first matching rule by
-- position wins.
CREATE TABLE category_rules (
    rule_id  INTEGER PRIMARY KEY DEFAULT nextval('category_rule_id_seq'),
    position INTEGER NOT NULL,
    phrase   VARCHAR NOT NULL,
    category VARCHAR NOT NULL
);

-- What an agency's uploader confirmed (or changed) for one of its event types; it wins over
-- the rules for that agency's events, and is proposed again at its next upload.
CREATE TABLE agency_type_categories (
    agency_id  INTEGER NOT NULL,
    event_type VARCHAR NOT NULL,
    category   VARCHAR NOT NULL,
    decided_by VARCHAR NOT NULL,
    decided_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (agency_id, event_type)
);

-- The categories a chair pinned as key for a case: drawn larger on its timeline.
CREATE TABLE case_key_categories (
    case_id  INTEGER NOT NULL,
    category VARCHAR NOT NULL,
    PRIMARY KEY (case_id, category)
);

-- Words of an event type or a rule phrase: lower case, & as "and", apostrophes dropped,
-- anything else that is not a letter or digit (or a rule's *) a single space.
CREATE MACRO category_words(text) AS
    trim(regexp_replace(
        replace(replace(replace(lower(text), '&', ' and '), '''', ''), '’', ''),
        '[^a-z0-9*]+', ' ', 'g'));

-- Whether a rule phrase (already in category_words form) matches an event type: "=words"
-- only the whole type, otherwise the words anywhere in it.
CREATE MACRO category_rule_matches(event_type, phrase) AS
    CASE WHEN starts_with(phrase, '=')
         THEN category_words(event_type) = ltrim(phrase, '= ')
         ELSE regexp_matches(' ' || category_words(event_type) || ' ',
                             ' ' || replace(phrase, '*', '[a-z0-9]*') || ' ')
    END;

ALTER TABLE events ADD COLUMN category VARCHAR;
-- A correction's event type gets its own category (the event's original keeps the extract's).
ALTER TABLE event_changes ADD COLUMN category VARCHAR;

CREATE OR REPLACE VIEW events_current AS
WITH latest_fix AS (
    SELECT * FROM event_changes WHERE action = 'correct'
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY change_id DESC) = 1
), latest_visibility AS (
    SELECT event_id, action FROM event_changes WHERE action IN ('hide', 'restore')
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY change_id DESC) = 1
)
SELECT e.event_id, e.case_id, e.agency_id, e.upload_id, e.row_number,
       coalesce(f.event_date, e.event_date) AS event_date,
       coalesce(f.date_precision, e.date_precision) AS date_precision,
       CASE WHEN f.change_id IS NULL THEN e.event_time ELSE f.event_time END AS event_time,
       coalesce(f.event_type, e.event_type) AS event_type,
       coalesce(f.summary, e.summary) AS summary,
       e.source_ref, e.extra, e.added_by, e.added_at, e.retired_at,
       f.change_id IS NOT NULL AS corrected,
       coalesce(v.action = 'hide', false) AS hidden,
       coalesce(CASE WHEN f.change_id IS NULL THEN e.category ELSE f.category END, 'Other')
           AS category
FROM events e
LEFT JOIN latest_fix f ON f.event_id = e.event_id
LEFT JOIN latest_visibility v ON v.event_id = e.event_id;

CREATE OR REPLACE VIEW crc_events AS
WITH k AS MATERIALIZED (SELECT case_id, case_key FROM crc_case_keys)
SELECT k.case_key,
       e.event_date,
       e.date_precision,
       crc_age_months(c.date_of_birth, e.event_date) AS age_months,
       a.name AS agency,
       e.event_type,
       coalesce(e.category, 'Other') AS category
FROM events e
JOIN k ON k.case_id = e.case_id
JOIN cases c ON c.case_id = e.case_id
JOIN agencies a ON a.agency_id = e.agency_id;
