-- The shared model of a Reflective Practice Meeting: who takes part in a case, key practice
-- episodes, the reflective cycle (models are data), reflections, learning points, themes,
-- actions, the flowchart's workflow stages and the meeting itself. Later migrations add
-- columns and history tables; these names are what the code and the CRC views build on.

-- Who takes part in a case. An agency user sees a case when their agency is listed here; a
-- chair when they are a member (chair, facilitator or participant).
CREATE TABLE case_agencies (
    case_id    INTEGER NOT NULL,
    agency_id  INTEGER NOT NULL,
    added_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (case_id, agency_id)
);

CREATE TABLE case_members (
    case_id      INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    case_role    VARCHAR NOT NULL CHECK (case_role IN ('chair', 'facilitator', 'participant')),
    added_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (case_id, user_id)
);

ALTER TABLE cases ADD COLUMN reflective_model VARCHAR NOT NULL DEFAULT 'gibbs';

-- Key practice episodes: named spans of the timeline the group focuses on.
CREATE SEQUENCE episode_id_seq START 1;
CREATE TABLE episodes (
    episode_id   INTEGER PRIMARY KEY DEFAULT nextval('episode_id_seq'),
    case_id      INTEGER NOT NULL,
    title        VARCHAR NOT NULL,
    start_date   DATE NOT NULL,
    end_date     DATE NOT NULL,
    assessment   VARCHAR NOT NULL CHECK (assessment IN ('good_practice', 'problem', 'mixed')),
    description  VARCHAR,
    created_by   VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at   TIMESTAMP,
    deleted_at   TIMESTAMP,
    CHECK (end_date >= start_date)
);

-- Reflective models and their stages are data, not code.
CREATE TABLE reflective_models (
    model_key  VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    position   INTEGER NOT NULL
);
CREATE TABLE reflective_stages (
    model_key  VARCHAR NOT NULL,
    stage_key  VARCHAR NOT NULL,
    position   INTEGER NOT NULL,
    name       VARCHAR NOT NULL,
    prompt     VARCHAR NOT NULL,
    PRIMARY KEY (model_key, stage_key)
);
INSERT INTO reflective_models VALUES
    ('gibbs', 'Gibbs reflective cycle', 1),
    ('kolb', 'Kolb experiential learning cycle', 2),
    ('driscoll', 'Driscoll: What? So what? Now what?', 3);
INSERT INTO reflective_stages VALUES
    ('gibbs', 'description', 1, 'Description', 'What happened?'),
    ('gibbs', 'feelings', 2, 'Feelings', 'What were you thinking and feeling at the time?'),
    ('gibbs', 'evaluation', 3, 'Evaluation', 'What was good and bad about the experience?'),
    ('gibbs', 'analysis', 4, 'Analysis', 'What sense can you make of the situation?'),
    ('gibbs', 'conclusion', 5, 'Conclusion', 'What else could you have done?'),
    ('gibbs', 'action_plan', 6, 'Action plan', 'If it arose again, what would you do?'),
    ('kolb', 'concrete_experience', 1, 'Concrete experience', 'What happened, as it was experienced?'),
    ('kolb', 'reflective_observation', 2, 'Reflective observation', 'Looking back, what do we notice?'),
    ('kolb', 'abstract_conceptualisation', 3, 'Abstract conceptualisation', 'What does it mean; what explains it?'),
    ('kolb', 'active_experimentation', 4, 'Active experimentation', 'What will we try differently?'),
    ('driscoll', 'what', 1, 'What?', 'What happened? What did we see and do?'),
    ('driscoll', 'so_what', 2, 'So what?', 'What does it tell us? What was going on for the child?'),
    ('driscoll', 'now_what', 3, 'Now what?', 'What will we do now, and what difference will it make?');

-- The guidance's seven questions.
CREATE TABLE rpm_questions (
    question_key VARCHAR PRIMARY KEY,
    position     INTEGER NOT NULL,
    text         VARCHAR NOT NULL
);
INSERT INTO rpm_questions VALUES
    ('timescale', 1, 'What time scale is appropriate?'),
    ('going_on', 2, 'What might be/have been going on at each point of the child''s journey?'),
    ('what_did_we_do', 3, 'What did we do about any issues?'),
    ('why', 4, 'Why did we do what we did?'),
    ('barrier', 5, 'Was there anything that acted as a barrier?'),
    ('outcomes', 6, 'What were the outcomes for the child?'),
    ('differently', 7, 'Could we have done things differently?');

-- A reflection is attached to exactly one of: an event, an episode, or the case as a whole.
CREATE SEQUENCE reflection_id_seq START 1;
CREATE TABLE reflections (
    reflection_id  INTEGER PRIMARY KEY DEFAULT nextval('reflection_id_seq'),
    case_id        INTEGER NOT NULL,
    target_kind    VARCHAR NOT NULL CHECK (target_kind IN ('event', 'episode', 'case')),
    event_id       BIGINT,
    episode_id     INTEGER,
    model_key      VARCHAR NOT NULL,
    stage_key      VARCHAR NOT NULL,
    question_key   VARCHAR,
    text           VARCHAR NOT NULL,
    agency_id      INTEGER,
    author         VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at     TIMESTAMP,
    withdrawn_at   TIMESTAMP,
    withdrawn_by   VARCHAR,
    CHECK ((target_kind = 'event') = (event_id IS NOT NULL)),
    CHECK ((target_kind = 'episode') = (episode_id IS NOT NULL))
);

-- Themes of national child safeguarding practice reviews; admins may add more.
CREATE SEQUENCE theme_id_seq START 1;
CREATE TABLE themes (
    theme_id   INTEGER PRIMARY KEY DEFAULT nextval('theme_id_seq'),
    name       VARCHAR NOT NULL UNIQUE,
    active     BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO themes (name) VALUES
    ('Information sharing'), ('Professional curiosity'), ('Voice of the child'),
    ('Escalation and challenge'), ('Thresholds'), ('Risk assessment'), ('Neglect'),
    ('Domestic abuse'), ('Parental mental health'), ('Parental substance misuse'),
    ('Missing episodes'), ('Exploitation'), ('School attendance and exclusion'),
    ('Was not brought to appointments'), ('Transitions between services');

CREATE SEQUENCE learning_id_seq START 1;
CREATE TABLE learning_points (
    learning_id     INTEGER PRIMARY KEY DEFAULT nextval('learning_id_seq'),
    case_id         INTEGER NOT NULL,
    scope           VARCHAR NOT NULL CHECK (scope IN ('single_agency', 'cross_agency')),
    agency_id       INTEGER,
    text            VARCHAR NOT NULL,
    stage_key       VARCHAR,
    share_with_crc  BOOLEAN NOT NULL DEFAULT false,
    created_by      VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at      TIMESTAMP,
    withdrawn_at    TIMESTAMP,
    CHECK ((scope = 'single_agency') = (agency_id IS NOT NULL))
);
CREATE TABLE learning_point_themes (
    learning_id INTEGER NOT NULL,
    theme_id    INTEGER NOT NULL,
    PRIMARY KEY (learning_id, theme_id)
);
CREATE TABLE learning_point_links (
    learning_id INTEGER NOT NULL,
    event_id    BIGINT,
    episode_id  INTEGER,
    CHECK ((event_id IS NULL) <> (episode_id IS NULL))
);

CREATE SEQUENCE action_id_seq START 1;
CREATE TABLE actions (
    action_id        INTEGER PRIMARY KEY DEFAULT nextval('action_id_seq'),
    case_id          INTEGER NOT NULL,
    learning_id      INTEGER,
    description      VARCHAR NOT NULL,
    owner_name       VARCHAR NOT NULL,
    owner_agency_id  INTEGER,
    due_date         DATE,
    status           VARCHAR NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'in_progress', 'done', 'verified')),
    evidence         VARCHAR,
    created_by       VARCHAR NOT NULL,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at       TIMESTAMP,
    completed_on     DATE,
    withdrawn_at     TIMESTAMP
);

-- The flowchart (Appendix 1): stages in order, with the expected days from the previous one.
CREATE TABLE workflow_stages (
    stage_key      VARCHAR PRIMARY KEY,
    position       INTEGER NOT NULL,
    name           VARCHAR NOT NULL,
    expected_days  INTEGER
);
INSERT INTO workflow_stages VALUES
    ('identified', 1, 'Case identified for reflective practice discussion', NULL),
    ('invites_sent', 2, 'Purpose documented and invites circulated', 14),
    ('meeting_held', 3, 'Reflective practice meeting held', 28),
    ('record_distributed', 4, 'Record of discussion completed and distributed', 14),
    ('sent_to_business_unit', 5, 'Record and learning sent to the partnership business unit', 7),
    ('crc_considered', 6, 'Case Review Committee considered the learning', 60),
    ('frontline_informed', 7, 'Frontline practitioners informed', 60);

-- One row per stage reached by a case.
CREATE TABLE case_workflow (
    case_id      INTEGER NOT NULL,
    stage_key    VARCHAR NOT NULL,
    done_on      DATE NOT NULL,
    done_by      VARCHAR NOT NULL,
    note         VARCHAR,
    recorded_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (case_id, stage_key)
);

-- The meeting: one per case (a reconvened meeting is a new row).
CREATE SEQUENCE meeting_id_seq START 1;
CREATE TABLE meetings (
    meeting_id    INTEGER PRIMARY KEY DEFAULT nextval('meeting_id_seq'),
    case_id       INTEGER NOT NULL,
    meeting_date  DATE,
    chair_name    VARCHAR,
    facilitator   VARCHAR,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);
