"""Component ids the timeline page shares with the panels mounted on it (defined once).

`SELECTED_POINT` is a `dcc.Store` holding {"kind": "event"|"episode"|"case", "id": int|None}:
the one selected point that every panel follows. `REFLECTION_MARKS` holds the points with
reflections (written by the reflection panel, drawn by the page). `EPISODES_VERSION` and
`EVENTS_VERSION` count changes made on the page, so panels redraw after them.
"""

SELECTED_POINT = "selected-point"
REFLECTION_MARKS = "reflection-marks"
REFLECTION_SLOT = "reflection-slot"
HEADER_LINKS = "tl-header-links"
CASE = "tl-case"
GRAPH = "timeline-graph"
EPISODES_VERSION = "tl-episodes-version"
EVENTS_VERSION = "tl-events-version"
HIDE_SUMMARIES = "tl-hide-summaries"

CASE_POINT = {"kind": "case", "id": None}
