-- The child's journey image of a case's draft record, kept with a digest of the figure it was
-- drawn from: a draft's documents redraw it only when what it shows has changed (an upload, an
-- episode, a learning point linked), not at every download. One per case, replaced.
CREATE TABLE draft_images (
    case_id         INTEGER PRIMARY KEY,
    figure_sha256   VARCHAR NOT NULL,
    png             BLOB NOT NULL,
    drawn_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
);
