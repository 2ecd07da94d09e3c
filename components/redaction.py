"""Layout of the redaction review and of the case glossary. Pure: review items and glossary
entries in, layout out. Every text is shown as text (never HTML)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components.tables import data_table
from data.redaction import KIND_NAMES
from data.vocabulary import SCOPES

STATUS_TEXT = {
    "confirmed": "Confirmed",
    "changed since review": "The meeting's wording changed since the review: review it again",
    "not reviewed": "Not reviewed yet",
}


def marked_text(text: str, marks) -> list:
    """The meeting's wording with each marked span highlighted and named (not by colour
    alone: the kind follows the span in brackets)."""
    out, pos = [], 0
    for mark in sorted(marks, key=lambda m: m.start):
        out.append(text[pos : mark.start])
        out.append(html.Mark(mark.text, title=KIND_NAMES[mark.kind], className="rpm-marked"))
        out.append(html.Span(f" [{KIND_NAMES[mark.kind]}]", className="rpm-mark-kind"))
        pos = mark.end
    out.append(text[pos:])
    return out


def review_item(item, editable: bool) -> html.Div:
    """One learning point flagged for the committee: what was marked, the proposed wording to
    edit, and its review status."""
    lid = item.learning_id
    text_id = {"type": "review-text", "learning": lid}
    scope = SCOPES[item.scope] + (f": {item.agency}" if item.agency else "")
    status = STATUS_TEXT[item.status]
    if item.status == "confirmed" and item.confirmed_by:
        status += f" by {item.confirmed_by} on {item.confirmed_at:%d %b %Y %H:%M}"
    marks = [
        html.Li(f"{KIND_NAMES[m.kind]}: \u201c{m.text}\u201d \u2192 \u201c{m.replacement}\u201d")
        for m in item.marks
    ]
    return html.Div(
        [
            html.H3(f"Learning point ({scope})", className="h5"),
            html.P(
                [html.Strong(f"Review: {status}.")],
                className=f"rpm-review-status rpm-review-{item.status.split()[0]}",
                id={"type": "review-status", "learning": lid},
            ),
            html.P("The meeting's wording, with what could identify someone marked:"),
            html.Blockquote(marked_text(item.meeting_text, item.marks), className="rpm-quote"),
            html.Details(
                [
                    html.Summary(f"What the review marked ({len(marks)})"),
                    html.Ul(marks) if marks else html.P("Nothing was marked."),
                ]
            )
            if marks
            else html.P("Nothing was marked in this wording."),
            # The textarea sits inside its label (a pattern-matching id cannot be named by
            # a label's "for").
            html.Label(
                [
                    html.Span("Shared wording for the committee", className="rpm-label d-block"),
                    html.Span(
                        "Check it reads well and identifies no one: names become role labels,"
                        " dates a season, places their kind.",
                        className="rpm-hint d-block",
                    ),
                    dbc.Textarea(
                        id=text_id,
                        value=item.proposed_text,
                        rows=3,
                        maxLength=5000,
                        disabled=not editable,
                    ),
                ],
                className="d-block mb-2 w-100",
            ),
            html.Div(id={"type": "review-message", "learning": lid}, role="status"),
            dbc.Button(
                "Confirm the shared wording",
                id={"type": "review-confirm", "learning": lid},
                color="primary",
                size="sm",
                disabled=not editable,
            ),
        ],
        className="rpm-review-item mb-4",
    )


def review_section(items, editable: bool, note: str | None = None) -> html.Section:
    """The redaction review of every learning point flagged for the committee."""
    waiting = sum(1 for i in items if i.status != "confirmed")
    summary = (
        "No learning point is flagged for the committee."
        if not items
        else (
            f"{waiting} of {len(items)} learning points flagged for the committee still need"
            " the review."
            if waiting
            else f"All {len(items)} learning points flagged for the committee are reviewed."
        )
    )
    return html.Section(
        [
            html.H2("Redaction review: what the committee will read"),
            html.P(
                "Only the confirmed shared wording leaves the case, and only once this version is"
                " signed off. Names in the case glossary become role labels; dates, addresses,"
                " postcodes, phone numbers, e-mails, NHS and other reference numbers, schools"
                " and streets are generalised or removed."
            ),
            html.P(summary, id="review-summary", className="fw-bold"),
            *([html.P(note, className="text-body-secondary")] if note else []),
            *[review_item(item, editable) for item in items],
        ],
        id="redaction-review",
        className="rpm-panel mb-4",
    )


def glossary_table(entries, editable: bool) -> html.Div:
    """The case glossary: role label and names, with a remove button per person."""
    if not entries:
        return html.P("No one in the glossary yet.", id="glossary-empty")
    rows = [
        html.Tr(
            [
                html.Td(e.role_label),
                html.Td(", ".join(e.names)),
                html.Td(
                    html.Button(
                        "Remove",
                        id={"type": "glossary-remove", "entry": e.entry_id},
                        className="btn btn-outline-danger btn-sm",
                        disabled=not editable,
                        **{"aria-label": f"Remove {e.role_label} from the glossary"},
                    )
                ),
            ]
        )
        for e in entries
    ]
    return data_table(
        ["Role label (what the committee and anonymised views show)", "Names and aliases", ""],
        rows,
        caption="The people in the case",
        className="rpm-table",
        id="glossary-table",
    )
