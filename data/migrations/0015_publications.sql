-- Publications of the partnership's committee-level data as a bundle of Parquet files, for
-- regional and national pooling (data/publish.py). One row per bundle written; the manifest is
-- the one written beside the files (row counts and checksums, never a key salt).
--
-- The link secret keys the re-hashing of case keys when the partnership chooses bundles that
-- can be joined across publications; otherwise every publication uses a fresh random salt that
-- is never stored.

INSERT INTO settings (key, value)
SELECT 'publish_link_secret', md5(gen_random_uuid()::VARCHAR || random()::VARCHAR)
    || md5(gen_random_uuid()::VARCHAR || random()::VARCHAR)
WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'publish_link_secret');

CREATE SEQUENCE publication_id_seq START 1;
CREATE TABLE publications (
    publication_id    INTEGER PRIMARY KEY DEFAULT nextval('publication_id_seq'),
    bundle            VARCHAR NOT NULL,
    partnership_code  VARCHAR NOT NULL,
    schema_version    INTEGER NOT NULL,
    linkable          BOOLEAN NOT NULL,
    published_by      VARCHAR NOT NULL,
    published_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    manifest          JSON NOT NULL
);
