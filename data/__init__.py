"""Storage and ingestion: DuckDB schema, the store (all SQL lives here), extract parsing.

Nothing in this package imports Dash.
"""
