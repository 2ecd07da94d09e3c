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
RING = "tl-ring"  # the selected event's ring over the chart (assets/timeline.js)
EPISODES_VERSION = "tl-episodes-version"
EVENTS_VERSION = "tl-events-version"
HIDE_SUMMARIES = "tl-hide-summaries"
POLL = "tl-poll"
TAB = "tl-tab"  # the tab chosen under the chart
SPAN = "tl-span"  # the visible span: {"from": ISO day, "to": ISO day}, or {} (all)
# a summary bar's "Zoom in" button, {"type": BIN_ZOOM, "index": "<first day>:<day after>"}
BIN_ZOOM = "tl-bin-zoom"
# previous / next while the chart is summarised (no markers to step through in the browser):
# {"step": -1 or 1, "at": the time asked}, answered by the server
SUMMARY_STEP = "tl-summary-step"
CASE_REVISION = "tl-case-revision"
FIX_ACTION = "tl-fix-action"  # a click on the details' Correct or Hide button
# the known-at-the-time lens: {"date": ISO day, "agency": name|None, "words": as reflections say it}
LENS_STATE = "tl-lens-state"
LENS_DRAW = "tl-lens-draw"  # what the lenses draw on the chart: "links" and pattern kinds
LENS_SILENCE = "tl-lens-silence"  # the silence span, days
# Counters the reflection and learning panels move when they save, and redraw their lists on;
# the anonymised view moves them too when the view is switched.
REFLECTIONS_SAVED = "refl-saved"
LEARNING_SAVED = "lp-saved"

CASE_POINT = {"kind": "case", "id": None}

# The toolbar, filters, details and episode form: ids the page's layout shares with the rooms'
# callbacks (a clientside callback's script names them as text, and assets/timeline.js too).
AGENCIES = "tl-agencies"
AXIS = "tl-axis"
CLEAR = "tl-clear"
CSV = "tl-csv"
CSV_DOWNLOAD = "tl-csv-download"
DETAILS = "tl-details"
DRAG = "tl-drag"
EDIT_MESSAGE = "tl-edit-message"
EP_ASSESSMENT = "tl-ep-assessment"
EP_CANCEL = "tl-ep-cancel"
EP_DESCRIPTION = "tl-ep-description"
EP_DRAGGED = "tl-ep-dragged"  # [start, end] (dd/mm/yyyy) of the last drag marking an episode
EP_END = "tl-ep-end"
EP_FORM = "tl-ep-form"
EP_MESSAGE = "tl-ep-message"
EP_SAVE = "tl-ep-save"
EP_START = "tl-ep-start"
EP_TITLE = "tl-ep-title"
EPISODE_EDITING = "tl-episode-editing"
EPISODE_LIST = "tl-episode-list"
PERIOD_FROM = "tl-from"
LANE_BY = "tl-lane-by"
LANE_DOWN = "tl-lane-down"
LANE_ORDER = "tl-lane-order"
LANE_PICK = "tl-lane-pick"
LANE_UP = "tl-lane-up"
HEADING_LEAD = "tl-lead"
NEXT = "tl-next"
PAGE_ROOT = "tl-page-root"
PNG = "tl-png"
PRESENTATION = "tl-present"
PRESET_ALL = "tl-preset-all"
PRESET_PERIOD = "tl-preset-period"
PRESET_YEAR = "tl-preset-year"
PREV = "tl-prev"
SEARCH = "tl-search"
SELECT_CASE = "tl-select-case"
PERIOD_TO = "tl-to"
TYPES = "tl-types"
TYPES_FIND = "tl-types-find"
