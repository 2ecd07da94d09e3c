-- Sessions kept on the server: the signed cookie carries only a random session id, and signing
-- out ends that session here, so a copied cookie replayed afterwards opens nothing.
-- `token_hash` is the SHA-256 of the id: this table (or a backup) gives no live cookie away.
CREATE TABLE user_sessions (
    token_hash  VARCHAR PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    ended_at    TIMESTAMP,
    ended_why   VARCHAR CHECK (ended_why IN ('signed_out', 'timed_out'))
);
