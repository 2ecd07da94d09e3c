"""The case timeline page's rooms (registered as a page by `app/pages/case_timeline.py`).

- `ids`: component ids the page's rooms share;
- `state`: reading the page's controls (filters, lanes, selection) into plain values;
- `layout`: the page's first layout;
- `figure`: what the chart shows (filters, lanes, zoom presets, marks) and its updates;
- `categories`: the category filter's options, lanes by category, key categories pinned;
- `selection`: the one selected point, its details, previous/next stepping;
- `table`: the chronology table and its CSV;
- `episodes`: key practice episodes marked in the meeting;
- `event_edits`: events added, corrected or hidden in the meeting;
- `reflection`: the reflection form at the selected point and the reflections' overview;
- `learning`: learning points and actions.
"""
