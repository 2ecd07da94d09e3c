"""Layout pieces of the timeline page: details panels, the episode list, the chronology table.

Pure: data in, Dash components out. Text from extracts and users is passed as component
children (rendered as text, never as HTML or Markdown).
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.category_style import MarkerStyle, legend_marker, marker_styles
from components.forms import field, uk_date_input, uk_time_input
from components.tables import data_table
from data.category_list import OTHER
from data.partial_dates import PartialDate
from data.vocabulary import ASSESSMENTS

PRECISION_WORDS = {"day": "exact day", "month": "month only", "year": "year only"}


def _row(term: str, value) -> list:
    return [html.Dt(term, className="col-sm-3"), html.Dd(value, className="col-sm-9")]


def category_cell(name: str, styles: dict[str, MarkerStyle]) -> list:
    """A category's marker (as on the chart) and its name."""
    style = styles.get(name) or styles.get(OTHER)
    return [legend_marker(style, size=16), html.Span(name)] if style else [name]


def event_panel(
    detail,
    *,
    hide_summaries: bool = False,
    editable: bool = False,
    categories: Sequence | None = None,
):
    """Everything about one event: date and precision, category (with its marker), agency,
    type and summary first; time, reference, extra columns, where it came from and its
    corrections one click away. `categories`: the managed list (default: the shipped one)."""
    styles = {st.name: st for st in marker_styles(categories)}
    rows = [
        *_row(
            "Date",
            f"{PartialDate(detail.event_date, detail.date_precision).words(weekday=True)} "
            f"({PRECISION_WORDS.get(detail.date_precision, detail.date_precision)}"
            + ("; uncertain, as the extract marks it" if detail.date_uncertain else "")
            + ")",
        ),
        *_row("Category", html.Span(category_cell(detail.category, styles), className="rpm-cat")),
        *_row("Agency's event type", detail.event_type),
    ]
    if not hide_summaries:
        rows += _row("Summary", html.Div(detail.summary, className="rpm-summary"))
    more = [
        *_row("Time", f"{detail.event_time:%H:%M}" if detail.event_time else "not recorded"),
        *_row("Agency", detail.agency),
        *_row("Agency's reference", detail.source_ref or "none"),
    ]
    if not hide_summaries:
        for key, value in (detail.extra or {}).items():
            more += _row(str(key), "" if value is None else str(value))
    more += _row("Came from", detail.source)
    parts = [
        html.H3(
            f"{detail.event_type} · {detail.agency}",
            id="tl-details-heading",
            className="h4",
        ),
        *(
            [
                html.P(
                    "Hidden from the timeline (the reason is in its history of changes). "
                    "It can be shown again below.",
                    className="rpm-note",
                    id="tl-hidden-note",
                )
            ]
            if detail.hidden
            else []
        ),
        html.Dl(rows, className="row rpm-details", id="tl-event-details"),
        html.Details(
            [
                html.Summary("More about this event"),
                html.Dl(more, className="row rpm-details", id="tl-event-more"),
            ],
            className="rpm-more",
        ),
    ]
    if detail.corrected and detail.original and not hide_summaries:
        original = detail.original
        parts.append(
            html.P(
                [
                    html.Strong("Corrected in the meeting. "),
                    "The extract said: ",
                    (
                        f"{original['event_date']} ({original['date_precision']}), "
                        f"{original['event_type']}: {original['summary']}"
                    ),
                ],
                className="rpm-note",
            )
        )
    if detail.changes:
        parts.append(
            html.Details(
                [
                    html.Summary("History of changes"),
                    html.Ul(
                        [
                            html.Li(
                                f"{c['at']:%d %b %Y %H:%M} {c['by']}: {c['action']} "
                                f"because {c['reason']}"
                            )
                            for c in detail.changes
                        ]
                    ),
                ]
            )
        )
    if editable:
        parts.append(fix_form(detail))
    return html.Div(parts, **{"data-event-id": str(detail.event_id)})


def fix_form(detail):
    """Correct the event, or hide it, with a reason (the original stays in the store)."""

    return html.Details(
        [
            html.Summary(
                "Correct or show this event again"
                if detail.hidden
                else "Correct or hide this event",
                className="fw-bold",
            ),
            dbc.Row(
                [
                    field(
                        "Date (dd/mm/yyyy)",
                        uk_date_input("tl-fix-date", value=f"{detail.event_date:%d/%m/%Y}"),
                        width=4,
                        compact=True,
                    ),
                    field(
                        "Known to the",
                        dbc.Select(
                            id="tl-fix-precision",
                            options=[{"label": p, "value": p} for p in ("day", "month", "year")],
                            value=detail.date_precision,
                        ),
                        width=3,
                        compact=True,
                    ),
                    field(
                        "Time (hh:mm)",
                        uk_time_input(
                            "tl-fix-time",
                            value=f"{detail.event_time:%H:%M}" if detail.event_time else "",
                        ),
                        width=2,
                        compact=True,
                    ),
                    field(
                        "Event type",
                        dbc.Input(id="tl-fix-type", value=detail.event_type, maxLength=100),
                        width=3,
                        compact=True,
                    ),
                ],
                className="g-2 mt-1",
            ),
            dbc.Label("Summary", html_for="tl-fix-summary", className="fw-bold mt-2"),
            dbc.Textarea(id="tl-fix-summary", value=detail.summary, rows=3),
            dbc.Label(
                "Reason for the change (required)",
                html_for="tl-fix-reason",
                className="fw-bold mt-2",
            ),
            dbc.Input(id="tl-fix-reason", maxLength=1000),
            html.Div(
                [
                    html.Button(
                        "Save correction",
                        id="tl-fix-save",
                        type="button",
                        className="btn btn-primary me-2",
                    ),
                    html.Button(
                        "Show this event again" if detail.hidden else "Hide this event",
                        id="tl-fix-hide",
                        type="button",
                        className="btn btn-outline-danger",
                    ),
                ],
                className="mt-2",
            ),
        ],
        className="rpm-form mt-3",
    )


def episode_panel(episode):
    return html.Div(
        [
            html.H3(episode.title, id="tl-details-heading", className="h4"),
            html.Dl(
                [
                    *_row(
                        "Episode", f"{episode.start_date:%d %B %Y} to {episode.end_date:%d %B %Y}"
                    ),
                    *_row("It shows", ASSESSMENTS.get(episode.assessment, episode.assessment)),
                    *_row("Description", episode.description or "none"),
                    *_row("Marked by", episode.created_by),
                ],
                className="row rpm-details",
            ),
        ],
        **{"data-episode-id": str(episode.episode_id)},
    )


def case_panel(case_ref: str):
    return html.Div(
        [
            html.H3("The case as a whole", id="tl-details-heading", className="h4"),
            html.P(
                f"Reflections now apply to case {case_ref} as a whole. Click an event or an "
                "episode to focus on it."
            ),
        ]
    )


def episode_list(episodes: Sequence, *, editable: bool):
    if not episodes:
        return html.P("No episodes marked yet.", id="tl-no-episodes")
    items = []
    for ep in episodes:
        label = ASSESSMENTS.get(ep.assessment, ep.assessment)
        buttons = [
            html.Button(
                "Select",
                id={"type": "tl-ep-select", "index": ep.episode_id},
                type="button",
                className="btn btn-outline-dark btn-sm me-2",
                **{"aria-label": f"Select episode {ep.title}"},
            )
        ]
        if editable:
            buttons += [
                html.Button(
                    "Edit",
                    id={"type": "tl-ep-edit", "index": ep.episode_id},
                    type="button",
                    className="btn btn-outline-dark btn-sm me-2",
                    **{"aria-label": f"Edit episode {ep.title}"},
                ),
                html.Button(
                    "Delete",
                    id={"type": "tl-ep-delete", "index": ep.episode_id},
                    type="button",
                    className="btn btn-outline-danger btn-sm",
                    **{"aria-label": f"Delete episode {ep.title}"},
                ),
            ]
        items.append(
            html.Li(
                [
                    html.Span(
                        [
                            html.Strong(f"{label}: ", className=f"rpm-ep-{ep.assessment}"),
                            ep.title,
                            f" ({ep.start_date:%d %b %Y} to {ep.end_date:%d %b %Y})",
                        ],
                        className="me-3",
                    ),
                    html.Span(buttons),
                ],
                className="rpm-episode d-flex flex-wrap align-items-center mb-2",
            )
        )
    return html.Ul(items, className="list-unstyled", id="tl-episodes")


def event_row(row, selected: int | None, *, hide_summaries: bool, styles: dict) -> html.Tr:
    """One chronology row (`row`: a named tuple of `case_events`); marked when `selected`."""
    chosen = selected is not None and int(row.event_id) == selected
    precision = PRECISION_WORDS.get(row.date_precision, "")
    cells = [
        html.Td(
            html.Button(
                "Selected" if chosen else "Show",
                id={"type": "tl-row", "index": int(row.event_id)},
                type="button",
                className="btn btn-sm " + ("btn-dark" if chosen else "btn-outline-dark"),
                **{"aria-label": f"Show event {row.event_id} on the timeline"},
            )
        ),
        html.Td(
            PartialDate(row.event_date, row.date_precision).words()
            + ("" if row.date_precision == "day" else f" ({precision})")
        ),
        html.Td("" if pd.isna(row.event_time) else f"{row.event_time:%H:%M}"),
        html.Td(row.agency),
        html.Td(
            [row.event_type, html.Span("Hidden", className="badge bg-dark ms-2")]
            if getattr(row, "hidden", False)
            else row.event_type
        ),
        html.Td(html.Span(category_cell(row.category, styles), className="rpm-cat")),
    ]
    if not hide_summaries:
        cells.append(html.Td(row.summary, className="rpm-summary"))
    return html.Tr(
        cells,
        className="table-active rpm-selected-row" if chosen else None,
        **({"aria-current": "true"} if chosen else {}),
    )


# Where the rows sit in `event_table`'s children (data_table: caption, head, body), for
# patching rows.
TABLE_BODY = 2


def event_table(
    rows: pd.DataFrame,
    selected: int | None,
    *,
    hide_summaries: bool = False,
    categories: Sequence | None = None,
):
    """One page of the chronology; the selected event's row is marked (and says so). Each row
    has the agency's own event type and its category with the chart's marker."""
    styles = {st.name: st for st in marker_styles(categories)}
    header = [
        html.Span("Select", className="visually-hidden"),
        "Date",
        "Time",
        "Agency",
        "Event type",
        "Category",
    ]
    if not hide_summaries:
        header.append("Summary")
    body = [
        event_row(row, selected, hide_summaries=hide_summaries, styles=styles)
        for row in rows.itertuples(index=False)
    ]
    return data_table(
        header,
        body,
        caption="The filtered chronology, one page",
        id="tl-chronology",
        hover=True,
        responsive=True,
        className="rpm-table",
    )


BIN_KINDS_SHOWN = 4  # categories a summary bar's details name (most events first)


def bin_panel(
    *,
    lane: str,
    period: str,
    count: int,
    by_category: Sequence[tuple[str, int]],
    partial: str = "",
    greyed: int = 0,
    zoom_id: dict,
    categories: Sequence | None = None,
):
    """What a bar of the summary holds (components.timeline_summary): its lane and period, how
    many events and of which categories, and a button that zooms the chart in to it. Compact:
    the reflection form below it stays in view at 1366x768."""
    styles = {st.name: st for st in marker_styles(categories)}
    said = [f"A bar of the summary: {count:,} event{'' if count == 1 else 's'}"]
    if partial:
        said.append(partial)
    if greyed:
        said.append(f"{greyed:,} not known at the time (greyed by the lens)")
    shown, more = by_category[:BIN_KINDS_SHOWN], len(by_category) - BIN_KINDS_SHOWN
    kinds = [
        html.Li([*category_cell(name, styles), html.Span(f" {n:,}")], className="d-inline me-3")
        for name, n in shown
    ]
    if more > 0:
        kinds.append(html.Li(f"and {more} more", className="d-inline"))
    return html.Div(
        [
            html.H3(f"{lane}, {period}", id="tl-details-heading", className="h4"),
            html.Button(
                f"Zoom in to {period}",
                id=zoom_id,
                type="button",
                className="btn btn-primary btn-sm mb-2",
            ),
            html.P("; ".join(said) + ".", className="mb-1"),
            html.Ul(kinds, className="list-unstyled small mb-1", **{"aria-label": "By category"}),
            html.P(
                "Reflections still apply to the point the form names.",
                className="rpm-note small mb-0",
            ),
        ],
        id="tl-bin-details",
    )
