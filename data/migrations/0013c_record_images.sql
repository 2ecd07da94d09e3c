-- The child's journey image of a signed record version, drawn once (in the background at
-- sign-off) and reused by every document of that version. A signed version never changes, so
-- neither does its image.
CREATE TABLE record_images (
    record_id  INTEGER PRIMARY KEY,
    png        BLOB NOT NULL,
    drawn_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);
