"""The committee's decisions, their organisational actions and the briefings delivered, as
layout (data in, Dash components out). Every text is shown as text; an overdue action says so in
words and bold, not by colour alone."""

from __future__ import annotations

from datetime import date

from dash import html

from components.actions import due_words, overdue_days

KIND_NAMES = {"briefing": "7-minute briefing", "workshop": "Workshop"}


def _covers(theme: str | None, case_keys) -> str:
    if theme:
        return f"Theme: {theme} (cases {', '.join(case_keys)})"
    return f"Case {', '.join(case_keys)}"


def actions_table(actions, *, caption: str, today: date | None = None, keys=None) -> html.Table:
    """Organisational actions: what, owning agency, due (overdue in words), status, evidence.
    `keys` ({decision id: covers text}) adds the column of what each action's decision was on."""
    head = ["Action", "Owner agency", "Due", "Status", "Evidence of impact"]
    if keys is not None:
        head.insert(0, "Decision on")
    rows = []
    for a in actions:
        late = overdue_days(a.due_date, a.status, today)
        cells = [
            html.Td(f"{a.action_id}. {a.description}", className="rpm-reflection-text"),
            html.Td(a.owner_agency),
            html.Td(
                due_words(a.due_date, a.status, today) if a.due_date else "no due date",
                className="rpm-overdue" if late else "",
            ),
            html.Td(a.status_name, className=f"rpm-status rpm-status-{a.status}"),
            html.Td(a.evidence or "—", className="rpm-reflection-text"),
        ]
        if keys is not None:
            cells.insert(0, html.Td(keys.get(a.decision_id, "")))
        rows.append(html.Tr(cells, className="rpm-action-overdue" if late else ""))
    return html.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(rows),
        ],
        className="table table-sm rpm-committee-actions",
    )


def changes_list(changes, what: str):
    """The corrections of a decision or a delivery: when, who, why and what it said before."""
    if not changes:
        return None
    items = []
    for c in changes:
        changed = [k for k in c.before if (c.after or {}).get(k) != c.before[k]]
        before = "; ".join(f"{k.replace('_', ' ')}: \u201c{c.before[k]}\u201d" for k in changed)
        items.append(
            html.Li(
                f"{'Corrected' if c.change == 'corrected' else 'Withdrawn'}"
                f" {c.changed_at:%d %b %Y %H:%M} by {c.changed_by}: {c.reason}"
                + (f" (before: {before})" if before else "")
            )
        )
    return html.Details(
        [html.Summary(f"History of this {what} ({len(items)})"), html.Ul(items)],
        className="rpm-record-history small mb-2",
    )


def withdrawn_list(records, what: str) -> html.Details | None:
    """Decisions or deliveries withdrawn: kept, with who withdrew them and why."""
    if not records:
        return None
    items = []
    for r in records:
        label = (
            f"Decision {r.decision_id}, {r.decided_on:%d %b %Y}"
            if hasattr(r, "decision_id")
            else f"{KIND_NAMES[r.kind]} {r.delivery_id}, {r.delivered_on:%d %b %Y}"
        )
        reason = next((c.reason for c in reversed(r.changes) if c.change == "withdrawn"), "")
        items.append(
            html.Li(
                f"{label} on {_covers(r.theme, r.case_keys)}: withdrawn"
                f" {r.withdrawn_at:%d %b %Y} by {r.withdrawn_by} ({reason})"
            )
        )
    return html.Details(
        [html.Summary(f"Withdrawn {what} ({len(items)})"), html.Ul(items)],
        className="rpm-withdrawn mt-3",
    )


def decision_card(d, today: date | None = None) -> html.Article:
    """One decision: when, on what, what was considered and decided, by whom, its actions."""
    return html.Article(
        [
            html.H4(
                f"Decision {d.decision_id}, {d.decided_on:%d %B %Y}: {_covers(d.theme, d.case_keys)}",
                className="h6 fw-bold",
            ),
            html.Dl(
                [
                    html.Dt("Considered"),
                    html.Dd(d.considered, className="rpm-reflection-text"),
                    html.Dt("Decision"),
                    html.Dd(d.decision, className="rpm-reflection-text"),
                    html.Dt("Recorded by"),
                    html.Dd(f"{d.recorded_by}, {d.recorded_at:%d %b %Y %H:%M}"),
                ],
                className="mb-2",
            ),
            changes_list(d.changes, "decision"),
            actions_table(
                d.actions,
                caption=f"Organisational actions of decision {d.decision_id}",
                today=today,
            )
            if d.actions
            else html.P("No organisational action planned yet.", className="text-body-secondary"),
        ],
        className="rpm-committee-decision border rounded p-3 mb-3",
        id=f"committee-decision-{d.decision_id}",
    )


def deliveries_table(deliveries) -> html.Table | html.P:
    if not deliveries:
        return html.P("No briefing or workshop recorded yet.", id="briefing-deliveries")
    return html.Table(
        [
            html.Caption("Briefings and workshops delivered", className="visually-hidden"),
            html.Thead(
                html.Tr(
                    [
                        html.Th(h, scope="col")
                        for h in (
                            "Delivered",
                            "What",
                            "On",
                            "Audience",
                            "Agencies",
                            "Attended",
                            "Recorded by",
                        )
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(f"{d.delivered_on:%d %b %Y}"),
                            html.Td(KIND_NAMES[d.kind]),
                            html.Td(_covers(d.theme, d.case_keys)),
                            html.Td(d.audience, className="rpm-reflection-text"),
                            html.Td(", ".join(d.agencies)),
                            html.Td(str(d.attended), className="text-end"),
                            html.Td([d.recorded_by, changes_list(d.changes, "delivery")]),
                        ]
                    )
                    for d in deliveries
                ]
            ),
        ],
        className="table table-sm",
        id="briefing-deliveries",
    )


def decision_covers(decisions) -> dict[int, str]:
    """{decision id: what it was on}, for the table of every action."""
    return {d.decision_id: _covers(d.theme, d.case_keys) for d in decisions}
