-- Issue 5: every change to a reflection, learning point or action is kept as history (who,
-- when, what it was before and after). Withdrawn items stay in their tables (withdrawn_at set)
-- and are hidden from views; these tables say who withdrew them and when.
-- `before` and `after` are JSON snapshots of the fields a person can change, with agencies and
-- themes by name (never by id), so the history reads the same in any database it is moved to.

CREATE SEQUENCE reflection_history_id_seq START 1;
CREATE TABLE reflection_history (
    history_id     INTEGER PRIMARY KEY DEFAULT nextval('reflection_history_id_seq'),
    case_id        INTEGER NOT NULL,
    reflection_id  INTEGER NOT NULL,
    change         VARCHAR NOT NULL CHECK (change IN ('created', 'edited', 'withdrawn')),
    changed_by     VARCHAR NOT NULL,
    changed_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    before         JSON,
    after          JSON
);

CREATE SEQUENCE learning_history_id_seq START 1;
CREATE TABLE learning_point_history (
    history_id     INTEGER PRIMARY KEY DEFAULT nextval('learning_history_id_seq'),
    case_id        INTEGER NOT NULL,
    learning_id    INTEGER NOT NULL,
    change         VARCHAR NOT NULL CHECK (change IN ('created', 'edited', 'withdrawn')),
    changed_by     VARCHAR NOT NULL,
    changed_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    before         JSON,
    after          JSON
);

CREATE SEQUENCE action_history_id_seq START 1;
CREATE TABLE action_history (
    history_id     INTEGER PRIMARY KEY DEFAULT nextval('action_history_id_seq'),
    case_id        INTEGER NOT NULL,
    action_id      INTEGER NOT NULL,
    change         VARCHAR NOT NULL CHECK (change IN ('created', 'edited', 'withdrawn')),
    changed_by     VARCHAR NOT NULL,
    changed_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    before         JSON,
    after          JSON
);

-- Who withdrew a learning point or an action (reflections already have withdrawn_by).
ALTER TABLE learning_points ADD COLUMN withdrawn_by VARCHAR;
ALTER TABLE actions ADD COLUMN withdrawn_by VARCHAR;

-- One row per case, bumped by every change to its reflections, learning points and actions:
-- the cheap counter that open pages poll to pick up each other's additions.
CREATE TABLE case_revisions (
    case_id     INTEGER PRIMARY KEY,
    revision    BIGINT NOT NULL,
    changed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
