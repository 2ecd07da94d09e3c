"""Component ids the timeline page shares with the panels mounted on it (defined once).

`SELECTED_POINT` is a `dcc.Store` holding {"kind": "event"|"episode"|"case", "id": int|None}:
the one selected point that every panel follows. `REFLECTION_MARKS` holds the points with
reflections (written by the reflection panel, drawn by the page). `EPISODES_VERSION` and
`EVENTS_VERSION` count changes made on the page, so panels redraw after them.
`CASE_REVISION` is the case's change counter as the page's one poll (`POLL`) last saw it:
panels redraw what others changed when it moves, instead of polling on their own.
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
POLL = "tl-poll"
TAB = "tl-tab"  # the tab chosen under the chart
SPAN = "tl-span"  # the visible span: {"from": ISO day, "to": ISO day}, or {} (all)
CASE_REVISION = "tl-case-revision"
FIX_ACTION = "tl-fix-action"  # a click on the details' Correct or Hide button
# the known-at-the-time lens: {"date": ISO day, "agency": name|None, "words": as reflections say it}
LENS_STATE = "tl-lens-state"
LENS_DRAW = "tl-lens-draw"  # what the lenses draw on the chart: "links" and pattern kinds
LENS_SILENCE = "tl-lens-silence"  # the silence span, days

CASE_POINT = {"kind": "case", "id": None}
