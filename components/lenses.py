"""The reviewer's lenses panel of the meeting screen: patterns, suggested and recorded links,
and incidents several agencies recorded. Pure: findings in, Dash components out; every text
from an extract is a child (rendered as text).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.vocabulary import CORROBORATION, KIND_LABELS, LINK_TYPES, SUGGESTED_LINK, counted


def suggestion_key(finding) -> str:
    """A suggestion's button index: the two event ids and the link type's position."""
    a, b = finding.event_ids
    return f"{a}:{b}:{LINK_TYPES.index(finding.link_type)}"


def finding_key(finding) -> str:
    """A pattern's button index, stable while the case does not change."""
    return f"{finding.kind}|{finding.start}|{finding.end}|{finding.event_ids[0]}"


def parse_suggestion_key(key: str) -> tuple[int, int, str]:
    a, b, kind = key.split(":")
    return int(a), int(b), LINK_TYPES[int(kind)]


def episode_of(finding, episodes: Sequence):
    """The key practice episode already marking the finding's span, if any (same first and
    last day), so one click does not mark it twice."""
    return next(
        (e for e in episodes if (e.start_date, e.end_date) == (finding.start, finding.end)), None
    )


def _dates(finding) -> str:
    if finding.start == finding.end:
        return f"{finding.start:%d %b %Y}"
    return f"{finding.start:%d %b %Y} to {finding.end:%d %b %Y}"


def _button(text: str, index, kind: str, label: str, outline: str = "dark"):
    return html.Button(
        text,
        id={"type": kind, "index": index},
        type="button",
        className=f"btn btn-outline-{outline} btn-sm me-2",
        **{"aria-label": label},
    )


def _section(title: str, count_text: str, items: list, empty: str, section_id: str):
    body = html.Ul(items, className="list-unstyled rpm-lens-list") if items else html.P(empty)
    return html.Section(
        [html.H3(f"{title} ({count_text})", className="h6 mt-3"), body],
        id=section_id,
        **{"aria-label": title},
    )


def pattern_items(findings: Sequence, episodes: Sequence = (), *, can_chair: bool) -> list:
    items = []
    for f in findings:
        already = episode_of(f, episodes)
        buttons = []
        if already is not None:
            buttons = [html.Span(f"Already a key practice episode: {already.title}",
                                 className="rpm-hint")]  # fmt: skip
        elif can_chair:
            buttons = [
                _button(
                    "Make it a key practice episode",
                    finding_key(f),
                    "tl-lens-episode",
                    f"Make {f.label.lower()} of {_dates(f)} a key practice episode",
                )
            ]
        items.append(
            html.Li(
                [
                    html.Strong(f"{f.label}: "),
                    html.Span(f.description),
                    html.Span(f" Records: {', '.join(f.event_refs)}.", className="text-muted"),
                    html.Div(buttons, className="mt-1") if buttons else None,
                ],
                className="mb-2",
            )
        )
    return items


def suggestion_items(findings: Sequence, *, can_chair: bool) -> list:
    items = []
    for f in findings:
        key = suggestion_key(f)
        buttons = (
            [
                _button("Accept", key, "tl-lens-accept", f"Accept the link {f.description}"),
                _button(
                    "Dismiss",
                    key,
                    "tl-lens-dismiss",
                    f"Dismiss the link {f.description}",
                    "secondary",
                ),
            ]
            if can_chair
            else []
        )
        items.append(
            html.Li(
                [
                    html.Span(f.description),
                    html.Div(buttons, className="mt-1") if buttons else None,
                ],
                className="mb-2",
            )
        )
    return items


def _take_back(link):
    """A link's "take it back" control: the reason is asked for, as for other contributions."""
    return html.Details(
        [
            html.Summary("Take this link back", className="small"),
            html.Div(
                [
                    html.Label(
                        [
                            "Why it is taken back",
                            dcc.Input(
                                id={"type": "tl-link-why", "index": link.link_id},
                                type="text",
                                maxLength=500,
                                className="form-control form-control-sm",
                            ),
                        ],
                        className="form-label small flex-grow-1 mb-0",
                    ),
                    _button(
                        "Take it back",
                        link.link_id,
                        "tl-link-remove",
                        f"Take back the link {link.link_type} from {link.from_agency} to "
                        f"{link.to_agency}",
                        "danger",
                    ),
                ],
                className="d-flex align-items-end gap-2 mt-1",
            ),
        ],
        className="mt-1",
    )


def link_items(links: Sequence, *, can_chair: bool = False) -> list:
    return [
        html.Li(
            [
                html.Strong(f"{link.link_type}: "),
                (
                    f"{link.from_agency} ({link.from_date:%d %b %Y}) → "
                    f"{link.to_agency} ({link.to_date:%d %b %Y})"
                ),
                html.Span(
                    f" {'accepted suggestion' if link.suggested else 'linked'} by "
                    f"{link.decided_by}",
                    className="text-muted",
                ),
                html.Div(f"Note: {link.note}", className="small") if link.note else None,
                _take_back(link) if can_chair else None,
            ],
            className="mb-2",
        )
        for link in links
    ]


def link_history_view(history: Sequence[dict]):
    """Every change to the case's links, oldest first (who, when, what and why)."""
    if not history:
        return None
    return html.Details(
        [
            html.Summary(f"History of the links ({counted(len(history), 'change')})"),
            html.Ul(
                [
                    html.Li(
                        f"{h['changed_at']:%d %b %Y %H:%M} {h['changed_by']}: link "
                        f"{h['link_id']} {h['detail']}"
                    )
                    for h in history
                ],
                className="small",
            ),
        ],
        id="tl-link-history",
        className="mt-2",
    )


def link_end_words(detail) -> str:
    """How the link form names a chosen event: 'Police, 12 Sep 2014: Incident (P-0003)'."""
    ref = f" ({detail.source_ref})" if detail.source_ref else ""
    return f"{detail.agency}, {detail.event_date:%d %b %Y}: {detail.event_type}{ref}"


def link_form(*, can_chair: bool):
    """Link any two events: the sending and the receiving side are the events selected on the
    chart (or in the chronology) when each button is pressed, then the kind of link."""
    pick = "btn btn-outline-dark btn-sm"
    return html.Section(
        [
            html.H3("Link two events", className="h6 mt-3"),
            html.P(
                "Click an event on the chart (or a row of the chronology), then say which side "
                "of the link it is; do the same for the other event.",
                className="small text-muted mb-1",
            ),
            html.Div(
                [
                    html.Button(
                        "It is the sending side",
                        id="tl-link-from-pick",
                        type="button",
                        className=pick,
                    ),
                    html.Button(
                        "It is the receiving side",
                        id="tl-link-to-pick",
                        type="button",
                        className=pick,
                    ),
                ],
                className="d-flex gap-2 flex-wrap",
            ),
            html.Div(
                id="tl-link-ends", role="status", className="my-2", children=link_ends_view({})
            ),
            html.Div(
                [
                    html.Label("Kind of link", htmlFor="tl-link-type", className="form-label"),
                    dbc.Select(
                        id="tl-link-type",
                        options=[{"label": t, "value": t} for t in LINK_TYPES],
                        value=LINK_TYPES[0],
                        style={"maxWidth": "18rem"},
                    ),
                    html.Label("Note (optional)", htmlFor="tl-link-note", className="form-label"),
                    dbc.Input(id="tl-link-note", maxLength=1000, style={"maxWidth": "24rem"}),
                    html.Button(
                        "Record the link",
                        id="tl-link-save",
                        type="button",
                        className="btn btn-dark btn-sm",
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-2",
            ),
        ],
        id="tl-link-form",
        hidden=not can_chair,
        **{"aria-label": "Link two events"},
    )


def link_ends_view(words: dict):
    """The chosen sending and receiving events, in words ({"from": ..., "to": ...})."""
    return html.Ul(
        [
            html.Li(f"Sending side: {words.get('from') or 'not chosen yet'}"),
            html.Li(f"Receiving side: {words.get('to') or 'not chosen yet'}"),
        ],
        className="list-unstyled small mb-0",
    )


def corroboration_items(findings: Sequence) -> list:
    items = []
    for f in findings:
        differ = f.details.get("differ", {})
        items.append(
            html.Li(
                [
                    html.Strong(
                        f"{_dates(f)}: {counted(len(f.agencies), 'agency', 'agencies')} knew: "
                    ),
                    ", ".join(f.agencies),
                    html.Ul(
                        [
                            html.Li(f"Only {agency}'s account: {', '.join(words)}")
                            for agency, words in differ.items()
                        ]
                    )
                    if differ
                    else None,
                ],
                className="mb-2",
            )
        )
    return items


def link_counts(links: Sequence) -> str:
    """'3 links: 2 referral sent / received, 1 not received'."""
    if not links:
        return "no links"
    by_type: dict[str, int] = {}
    for link in links:
        by_type[link.link_type] = by_type.get(link.link_type, 0) + 1
    parts = ", ".join(f"{n} {kind}" for kind, n in by_type.items())
    return f"{counted(len(links), 'link')}: {parts}"


def lenses_panel(
    findings: Sequence,
    links: Sequence,
    episodes: Sequence = (),
    history: Sequence[dict] = (),
    *,
    can_chair: bool,
):
    """Patterns (each can become a key practice episode), links the app suggests (the chair
    accepts or dismisses), the links recorded, and incidents several agencies recorded."""
    patterns = [f for f in findings if f.kind not in (SUGGESTED_LINK, CORROBORATION)]
    suggestions = [f for f in findings if f.kind == SUGGESTED_LINK]
    accounts = [f for f in findings if f.kind == CORROBORATION]
    return html.Div(
        [
            found_summary(findings),
            _section(
                "Patterns",
                counted(len(patterns), "pattern"),
                pattern_items(patterns, episodes, can_chair=can_chair),
                "No patterns found.",
                "tl-lens-patterns",
            ),
            _section(
                "Suggested links",
                counted(len(suggestions), "suggestion"),
                suggestion_items(suggestions, can_chair=can_chair),
                "No links to suggest.",
                "tl-lens-suggestions",
            ),
            _section(
                "Links recorded",
                link_counts(links),
                link_items(links, can_chair=can_chair),
                "No links recorded yet.",
                "tl-lens-links",
            ),
            link_history_view(history),
            _section(
                "One incident, several accounts",
                counted(len(accounts), "incident"),
                corroboration_items(accounts),
                "No incident recorded by several agencies.",
                "tl-lens-accounts",
            ),
        ]
    )


def found_summary(findings: Sequence):
    """One line for the room: how many of each kind the lenses found, in the order of the
    kinds, before the lists (the chart draws a kind when it is ticked above)."""
    counts = Counter(f.kind for f in findings)
    said = [f"{KIND_LABELS[kind]}: {counts[kind]}" for kind in KIND_LABELS if counts[kind]]
    return html.P(
        [
            html.Strong("What the lenses found: "),
            "; ".join(said) + "." if said else "nothing in this case's events.",
            html.Span(
                " Tick a kind under “Draw on the chart” to see it on the chart.",
                className="text-body-secondary",
            ),
        ],
        id="tl-lens-summary",
        className="mb-3",
    )


def pattern_labels() -> dict[str, str]:
    return dict(KIND_LABELS)
