"""Upload an agency's extract to a case: preview, mapping, validation, confirm; upload history.

The file the browser sends waits in `app.upload_staging` until the uploader confirms, so that
changing the mapping re-analyses it without sending it again.
Every callback checks access in the store (`data.ingest.check_may_upload`, `require_case`).
"""

from __future__ import annotations

import base64
import binascii

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from app import upload_staging
from app.context import get_store, require_user
from components.category_style import marker_styles
from components.upload_categories import CHOOSER, category_mapping_section, chosen_categories
from data.access import require_case
from data.cases import list_agencies
from data.categories import categories, propose
from data.dates import DATE_ORDERS
from data.errors import Forbidden, NotFound, StoreError
from data.extract_files import ACCEPTED_EXTENSIONS, ENCODINGS
from data.ingest import analyse_file, ingest_file
from data.ingest.model import FIELD_LABELS, FIELDS, MAX_UPLOAD_BYTES
from data.ingest.template import TEMPLATE_GUIDE, template_csv, template_guide_csv, template_xlsx
from data.ingest.uploads import list_uploads, rejects_csv
from data.permissions import committee_only, speaks_for_agency, upload_agency

dash.register_page(
    __name__,
    path_template="/cases/<case_ref>/upload",
    title="Upload an extract - RPM Timeline",
    name="Upload an extract",
    # Before /cases/<case_ref>, whose pattern would also match this longer path.
    order=10,
)

DATE_ORDER_LABELS = {
    "dmy": "Day first (03/05/2016 is 3 May 2016)",
    "mdy": "Month first (05/03/2016 is 3 May 2016)",
    "ymd": "Year first (16/05/03 is 3 May 2016)",
}
ACCEPT = ",".join(
    [
        *ACCEPTED_EXTENSIONS,
        "text/csv",
        "text/plain",
        "text/tab-separated-values",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_REJECTS = 50


# ---------------------------------------------------------------------------------------------
# Layout


def layout(case_ref: str | None = None, **_query):
    store, user = get_store(), require_user()
    try:
        case = require_case(store, user, case_ref or "")
    except (NotFound, Forbidden):
        return html.Div(
            [
                html.H1("Case not found"),
                html.P(f"There is no case with the reference {case_ref or '(none)'}."),
                html.A("Back to the list of cases", href=dash.get_relative_path("/")),
            ]
        )
    if committee_only(user):
        return html.Div([html.H1("Upload an extract"), html.P("Your role does not upload.")])
    back = dash.get_relative_path(f"/cases/{case.case_ref}")
    if speaks_for_agency(user):
        agency_field = [
            dbc.Label("Agency", html_for="upload-agency"),
            dbc.Input(id="upload-agency", value=user.agency, readonly=True, className="mb-1"),
            dbc.FormText("Agency users upload their own agency's extracts."),
        ]
    else:
        agency_field = [
            dbc.Label("Agency", html_for="upload-agency"),
            dbc.Input(
                id="upload-agency",
                list="upload-agency-list",
                placeholder="Choose or type the agency's name",
                maxLength=80,
                autoComplete="off",
                debounce=600,  # ms: re-analyse once the name is typed, not per key
            ),
            html.Datalist(
                id="upload-agency-list",
                children=[html.Option(value=a) for a in list_agencies(store)],
            ),
            dbc.FormText("The agency whose extract this is."),
        ]
    return html.Div(
        [
            html.A(f"Back to the timeline of {case.case_ref}", href=back, className="rpm-back"),
            html.H1(["Upload an extract", html.Span(f" {case.case_ref}", className="rpm-ref")]),
            dcc.Store(id="upload-case", data=case.case_ref),
            dcc.Store(id="upload-token"),
            html.Div(
                [
                    html.H2("1. Agency and file"),
                    html.Div(agency_field, className="mb-3 rpm-upload-agency"),
                    dbc.Label(
                        "Extract file: CSV or tab-separated text, an Excel workbook (.xlsx, "
                        ".xls, .ods) or a Word document with a chronology table (.docx)",
                        id="upload-file-label",
                    ),
                    html.Div(
                        dcc.Upload(
                            id="upload-file",
                            children=html.Div(
                                [
                                    "Drag the file here, or ",
                                    html.Span("choose a file", className="rpm-upload-choose"),
                                    f" (up to {MAX_UPLOAD_BYTES // 2**20} MB)",
                                ]
                            ),
                            max_size=MAX_UPLOAD_BYTES,
                            accept=ACCEPT,
                            className="rpm-upload-drop",
                        ),
                        # assets/upload.js reads the limit to say why a file is refused.
                        **{"data-max-bytes": MAX_UPLOAD_BYTES},
                    ),
                    html.Div(id="upload-size-error", className="rpm-upload-error", role="alert"),
                    html.P(id="upload-reading", className="mt-2", role="status"),
                    dcc.Loading(
                        html.Div(id="upload-status", role="status", **{"aria-live": "polite"}),
                        type="default",
                    ),
                ],
                className="rpm-upload-step",
            ),
            html.Div(
                id="upload-review",
                className="rpm-upload-step",
                hidden=True,
                children=[
                    html.H2("2. Check the columns"),
                    html.Div(id="upload-detected", className="mb-2"),
                    html.Ul(id="upload-reading-notes", className="rpm-upload-notes"),
                    reading_fields(),
                    html.Div(
                        id="upload-preview",
                        className="rpm-upload-preview",
                        tabIndex=0,  # a wide export scrolls sideways: reachable by keyboard
                        role="region",
                        **{"aria-label": "The first rows of the file"},
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    dbc.Label(FIELD_LABELS[f], html_for=f"upload-map-{f}"),
                                    dbc.Select(id=f"upload-map-{f}", options=[], value=""),
                                ],
                                className="rpm-upload-map-field",
                            )
                            for f in FIELDS
                        ],
                        className="rpm-upload-map",
                    ),
                    html.Fieldset(
                        [
                            html.Legend("Numeric dates are written", className="fs-6 fw-bold"),
                            dbc.RadioItems(
                                id="upload-date-order",
                                options=[
                                    {"label": DATE_ORDER_LABELS[o], "value": o} for o in DATE_ORDERS
                                ],
                                value="dmy",
                            ),
                        ],
                        className="mt-3",
                    ),
                    html.H2("3. Check the result", className="mt-4"),
                    dcc.Loading(html.Div(id="upload-analysis"), type="default"),
                    html.Div(id="upload-categories"),
                    html.Fieldset(
                        [
                            html.Legend(
                                "If this agency has uploaded to this case before",
                                className="fs-6 fw-bold",
                            ),
                            dbc.RadioItems(
                                id="upload-mode",
                                options=[
                                    {
                                        "label": "Replace: this file is a corrected version; the "
                                        "earlier upload's events leave the timeline (kept, retired)",
                                        "value": "replace",
                                    },
                                    {
                                        "label": "Add: this file holds further events",
                                        "value": "add",
                                    },
                                ],
                                value="add",
                            ),
                        ],
                        className="mt-3",
                    ),
                    dbc.Button(
                        "Import the events",
                        id="upload-confirm",
                        color="success",
                        size="lg",
                        className="mt-3",
                        disabled=True,
                    ),
                    html.Span(id="upload-progress", className="ms-3", role="status"),
                ],
            ),
            dcc.Loading(html.Div(id="upload-result", role="status", **{"aria-live": "polite"})),
            html.H2("Upload history", className="mt-5"),
            html.Div(history_view(store, user, case.case_ref), id="upload-history"),
            dcc.Download(id="upload-rejects-download"),
            html.H2("Template for agencies", className="mt-5"),
            html.P(
                "Agencies that can shape their export can start from this template. Any other "
                "columns are kept and shown with the event."
            ),
            dbc.Button(
                "Download the template (CSV)", id="upload-template-button", color="secondary"
            ),
            dbc.Button(
                "Download the template (Excel)",
                id="upload-template-xlsx-button",
                color="secondary",
                className="ms-2",
            ),
            dbc.Button(
                "Download the column guide (CSV)",
                id="upload-guide-button",
                color="secondary",
                className="ms-2",
            ),
            dcc.Download(id="upload-template-download"),
            html.Table(
                [
                    html.Caption("What each column of the template holds"),
                    html.Thead(
                        html.Tr(
                            [html.Th("Column"), html.Th("Required"), html.Th("What to put in it")]
                        )
                    ),
                    html.Tbody(
                        [
                            html.Tr([html.Td(c), html.Td(r), html.Td(t)])
                            for c, r, t in TEMPLATE_GUIDE
                        ]
                    ),
                ],
                className="table rpm-upload-guide mt-3",
            ),
        ]
    )


def history_view(store, user, case_ref: str):
    uploads = list_uploads(store, user, case_ref)
    if not uploads:
        return html.P("No extracts have been uploaded to this case yet.")
    rows = []
    for u in uploads:
        status = (
            f"Replaced by upload {u['replaced_by']}"
            if u["retired_at"] is not None
            else "On the timeline"
        )
        rows.append(
            html.Tr(
                [
                    html.Td(u["upload_id"]),
                    html.Td(u["agency"]),
                    html.Td(u["file_name"]),
                    html.Td(f"{u['uploaded_at']:%d %b %Y %H:%M}"),
                    html.Td(u["uploaded_by"]),
                    html.Td(f"{u['row_count']:,}"),
                    html.Td(f"{u['event_count']:,}"),
                    html.Td(f"{u['rejected_count']:,}"),
                    html.Td(status),
                    html.Td(
                        html.Button(
                            f"Rejected rows of upload {u['upload_id']} (CSV)",
                            id={"type": "upload-rejects-one", "upload": u["upload_id"]},
                            className="btn btn-link p-0",
                        )
                        if u["rejected_count"]
                        else "None"
                    ),
                ]
            )
        )
    total_rejected = sum(u["rejected_count"] for u in uploads)
    return html.Div(
        [
            html.Table(
                [
                    html.Caption("Extracts added to this case, newest first"),
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(h)
                                for h in (
                                    "Upload",
                                    "Agency",
                                    "File",
                                    "When",
                                    "By",
                                    "Rows",
                                    "Events",
                                    "Rejected",
                                    "Status",
                                    "Download",
                                )
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="table rpm-upload-history",
                id="upload-history-table",
            ),
            dbc.Button(
                f"Download all {total_rejected:,} rejected rows (CSV)",
                id="upload-rejects-all",
                color="secondary",
                disabled=total_rejected == 0,
            ),
        ]
    )


# ---------------------------------------------------------------------------------------------
# Views of an analysis


def reading_fields() -> html.Div:
    """How the file is read: encoding (text files), sheet (workbooks), the header row."""
    return html.Div(
        [
            html.Div(
                [
                    dbc.Label("Text encoding", html_for="upload-encoding"),
                    dbc.Select(id="upload-encoding", options=[], value=""),
                    dbc.FormText("Change it if letters such as é or £ look wrong below."),
                ],
                id="upload-encoding-field",
                className="rpm-upload-map-field",
                hidden=True,
            ),
            html.Div(
                [
                    dbc.Label("Sheet", html_for="upload-sheet"),
                    dbc.Select(id="upload-sheet", options=[], value=""),
                ],
                id="upload-sheet-field",
                className="rpm-upload-map-field",
                hidden=True,
            ),
            html.Div(
                [
                    dbc.Label("Row that names the columns", html_for="upload-header-row"),
                    dbc.Input(
                        id="upload-header-row",
                        type="number",
                        min=1,
                        step=1,
                        debounce=True,
                        value=None,
                    ),
                    dbc.FormText("Leave empty to find it; rows above it are skipped."),
                ],
                className="rpm-upload-map-field",
            ),
        ],
        className="rpm-upload-map mb-3",
    )


def _detected_view(analysis) -> html.P:
    if analysis.kind == "csv":
        how = (
            f"read as {ENCODINGS.get(analysis.encoding, analysis.encoding)}"
            f"{' (detected)' if analysis.encoding_detected else ''}, "
            f"{analysis.delimiter_name}-separated"
        )
    elif analysis.kind == "workbook":
        how = f"an Excel workbook, sheet {analysis.sheet!r}" + (
            f" (of {len(analysis.sheets)})" if len(analysis.sheets) > 1 else ""
        )
    else:
        how = f"a Word document, chronology in {analysis.sheet}"
    return html.P(
        f"{analysis.file_name}: {analysis.row_count:,} rows, {how}, {len(analysis.header)} "
        f"columns named on row {analysis.header_row}."
    )


def _reading_notes(analysis) -> list:
    notes = [
        html.Li(f"Skipped above the header: row {n}: {text or '(blank)'}")
        for n, text in analysis.skipped[:8]
    ]
    if len(analysis.skipped) > 8:
        notes.append(html.Li(f"… and {len(analysis.skipped) - 8} more rows above the header."))
    notes += [html.Li(note[0].upper() + note[1:] + ".") for note in analysis.notes]
    if analysis.remembered:
        notes.append(
            html.Li(
                "Columns and date order as this agency chose for its last upload: "
                "check them, and change them if this export differs."
            )
        )
    return notes


def _encoding_options(analysis) -> list[dict]:
    detected = ENCODINGS.get(analysis.encoding, analysis.encoding)
    first = f"As detected ({detected})" if analysis.encoding_detected else "Detect it"
    return [{"label": first, "value": ""}] + [
        {"label": label, "value": code} for code, label in ENCODINGS.items()
    ]


def _preview_view(analysis) -> html.Table:
    return html.Table(
        [
            html.Caption(f"The first {len(analysis.preview)} rows of the file, as sent"),
            html.Thead(html.Tr([html.Th("Row"), *[html.Th(h) for h in analysis.header]])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(n),
                            *[html.Td(v[:120] + ("…" if len(v) > 120 else "")) for v in row],
                        ]
                    )
                    for n, row in enumerate(analysis.preview, start=analysis.first_data_row)
                ]
            ),
        ],
        className="table table-sm rpm-upload-preview-table",
    )


def _analysis_view(analysis) -> list:
    parts = []
    if analysis.already_uploaded:
        parts.append(
            dbc.Alert(
                "This exact file was already uploaded for this agency with these settings: "
                "importing it again changes nothing. A changed date order, column, sheet, "
                "encoding or header row, or Replace instead of Add, makes a new version.",
                color="info",
            )
        )
    parts.append(
        html.P(
            [
                html.Strong(f"{_rows(analysis.accepted)} will become events"),
                f"; {_rows(analysis.rejected)} will be rejected.",
            ],
            className="lead",
            id="upload-counts",
        )
    )
    for w in analysis.warnings:
        rows = ", ".join(str(r) for r in w.rows[:20]) + ("…" if len(w.rows) > 20 else "")
        parts.append(
            dbc.Alert([html.Strong("Warning: "), f"{w.message} (rows {rows})."], color="warning")
        )
    if analysis.rejected_rows:
        shown = analysis.rejected_rows[:SHOWN_REJECTS]
        parts.append(
            html.Table(
                [
                    html.Caption(
                        f"Rows that will be rejected (first {len(shown)} of {analysis.rejected:,})"
                    ),
                    html.Thead(
                        html.Tr(
                            [html.Th("Row"), html.Th("Column"), html.Th("Value"), html.Th("Reason")]
                        )
                    ),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(r["row"]),
                                    html.Td(r["column"] or ""),
                                    html.Td((r["value"] or "")[:80]),
                                    html.Td(r["reason"]),
                                ]
                            )
                            for r in shown
                        ]
                    ),
                ],
                className="table table-sm rpm-upload-rejects",
                id="upload-rejects-table",
            )
        )
    return parts


def _categories_view(store, agency: str, analysis):
    """The file's event types with their proposed categories, to confirm or change."""
    counts = dict(analysis.event_types)
    proposals = propose(store, agency, list(counts))
    rows = [(p.event_type, counts[p.event_type], p.category, p.remembered) for p in proposals]
    return category_mapping_section(rows, marker_styles(categories(store)))


def _mapping_options(header: list[str]) -> list[dict]:
    return [{"label": "(none)", "value": ""}] + [
        {"label": h, "value": str(i)} for i, h in enumerate(header)
    ]


# ---------------------------------------------------------------------------------------------
# Callbacks

ANALYSIS_OUTPUTS = {
    "token": Output("upload-token", "data"),
    "contents": Output("upload-file", "contents"),
    "status": Output("upload-status", "children"),
    "review_hidden": Output("upload-review", "hidden"),
    "detected": Output("upload-detected", "children"),
    "notes": Output("upload-reading-notes", "children"),
    "preview": Output("upload-preview", "children"),
    **{f"options_{f}": Output(f"upload-map-{f}", "options") for f in FIELDS},
    **{f"map_{f}": Output(f"upload-map-{f}", "value") for f in FIELDS},
    "date_order": Output("upload-date-order", "value"),
    "encoding_hidden": Output("upload-encoding-field", "hidden"),
    "encoding_options": Output("upload-encoding", "options"),
    "encoding": Output("upload-encoding", "value"),
    "sheet_hidden": Output("upload-sheet-field", "hidden"),
    "sheet_options": Output("upload-sheet", "options"),
    "sheet": Output("upload-sheet", "value"),
    "header_placeholder": Output("upload-header-row", "placeholder"),
    "header_row": Output("upload-header-row", "value"),
    "analysis": Output("upload-analysis", "children"),
    "categories": Output("upload-categories", "children"),
    "confirm_disabled": Output("upload-confirm", "disabled"),
}
# What the uploader sets, each of which re-analyses the file.
SETTINGS_INPUTS = {
    **{f"map_{f}": Input(f"upload-map-{f}", "value") for f in FIELDS},
    "date_order": Input("upload-date-order", "value"),
    "agency": Input("upload-agency", "value"),
    "encoding": Input("upload-encoding", "value"),
    "sheet": Input("upload-sheet", "value"),
    "header_row": Input("upload-header-row", "value"),
    "mode": Input("upload-mode", "value"),
}


def _unchanged(**values) -> dict:
    return {key: values.get(key, no_update) for key in ANALYSIS_OUTPUTS}


def _mapping_from(settings: dict) -> dict[str, int]:
    return {f: int(settings[f"map_{f}"]) for f in FIELDS if settings[f"map_{f}"] not in (None, "")}


@callback(
    output=ANALYSIS_OUTPUTS,
    inputs={
        "contents": Input("upload-file", "contents"),
        "settings": SETTINGS_INPUTS,
        "filename": State("upload-file", "filename"),
        "token": State("upload-token", "data"),
        "case_ref": State("upload-case", "data"),
    },
    prevent_initial_call=True,
    running=[
        (Output("upload-reading", "children"), "Reading and checking the file: please wait…", ""),
        (Output("upload-confirm", "disabled"), True, True),
    ],
)
def analyse(contents, settings, filename, token, case_ref):
    store, user = get_store(), require_user()
    agency = upload_agency(user, settings["agency"])
    new_file = ctx.triggered_id == "upload-file"
    if new_file:
        if not contents:
            return _unchanged()
        try:
            content = base64.b64decode(contents.split(",", 1)[1], validate=True)
        except (IndexError, binascii.Error):
            return _unchanged(
                contents=None, status=dbc.Alert("The file could not be read.", color="danger")
            )
        if len(content) > MAX_UPLOAD_BYTES:
            return _unchanged(
                contents=None,
                status=dbc.Alert(
                    f"{filename}: over the {MAX_UPLOAD_BYTES // 2**20} MB limit.", color="danger"
                ),
            )
        require_case(store, user, case_ref)
        if token:
            upload_staging.forget(token)
        token = upload_staging.keep(user.user_id, case_ref, filename or "extract.csv", content)
        mapping = None  # a new file: its own settings are found (or the agency's remembered)
        read = {"encoding": None, "sheet": None, "header_row": None, "date_order": None}
    else:
        mapping = _mapping_from(settings) or None  # nothing mapped yet: propose
        read = {
            "encoding": settings["encoding"] or None,
            "sheet": settings["sheet"] or None,
            "header_row": settings["header_row"] or None,
            "date_order": (settings["date_order"] or "dmy") if mapping else None,
        }
        if ctx.triggered_id in ("upload-header-row", "upload-sheet", "upload-encoding"):
            mapping = None  # other columns: map them afresh
    if not agency:
        return _unchanged(
            token=token,
            contents=None,
            status=dbc.Alert("Choose the agency: the file is then checked.", color="warning"),
        )
    entry = upload_staging.pending(token, user.user_id, case_ref)
    if entry is None:
        return _unchanged()
    try:
        analysis = analyse_file(
            store,
            case_ref,
            agency,
            entry["path"],
            user=user,
            file_name=entry["file_name"],
            mapping=mapping,
            replace=settings["mode"] == "replace",
            max_bytes=MAX_UPLOAD_BYTES,
            **read,
        )
    except StoreError as exc:
        if new_file:
            return _unchanged(
                token=token,
                contents=None,
                status=dbc.Alert(str(exc), color="danger"),
                review_hidden=True,
                confirm_disabled=True,
            )
        # A setting that does not work (a mapping without a date): keep the form open.
        return _unchanged(
            token=token,
            contents=None,
            analysis=dbc.Alert(str(exc), color="danger"),
            categories=None,
            confirm_disabled=True,
        )
    options = _mapping_options(analysis.header)
    return {
        "token": token,
        "contents": None,
        "status": f"{entry['file_name']} read: check the columns and the result below.",
        "review_hidden": False,
        "detected": _detected_view(analysis),
        "notes": _reading_notes(analysis),
        "preview": _preview_view(analysis),
        **{f"options_{f}": options for f in FIELDS},
        **{f"map_{f}": str(analysis.mapping[f]) if f in analysis.mapping else "" for f in FIELDS},
        "date_order": analysis.date_order,
        "encoding_hidden": analysis.kind != "csv",
        "encoding_options": _encoding_options(analysis),
        "encoding": "" if analysis.encoding_detected else analysis.encoding,
        "sheet_hidden": analysis.kind != "workbook",
        "sheet_options": [{"label": name, "value": name} for name in analysis.sheets],
        "sheet": analysis.sheet if analysis.kind == "workbook" else "",
        "header_placeholder": f"found: row {analysis.header_row}",
        "header_row": None if analysis.header_detected else analysis.header_row,
        "analysis": _analysis_view(analysis),
        "categories": _categories_view(store, agency, analysis),
        "confirm_disabled": analysis.accepted + analysis.rejected == 0,
    }


@callback(
    Output("upload-result", "children"),
    Output("upload-history", "children"),
    Output("upload-review", "hidden", allow_duplicate=True),
    Output("upload-token", "data", allow_duplicate=True),
    inputs={
        "n_clicks": Input("upload-confirm", "n_clicks"),
        "settings": {
            key: State(i.component_id, i.component_property) for key, i in SETTINGS_INPUTS.items()
        },
        "token": State("upload-token", "data"),
        "case_ref": State("upload-case", "data"),
        "choices": State({"type": CHOOSER, "event_type": ALL}, "value"),
    },
    prevent_initial_call=True,
    running=[
        (Output("upload-confirm", "disabled"), True, False),
        (Output("upload-progress", "children"), "Importing: please wait…", ""),
    ],
)
def confirm(n_clicks, settings, token, case_ref, choices):
    store, user = get_store(), require_user()
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    agency = upload_agency(user, settings["agency"])
    entry = upload_staging.pending(token, user.user_id, case_ref)
    if entry is None:
        alert = dbc.Alert("Choose the file again: the upload has expired.", color="danger")
        return alert, no_update, no_update, no_update
    try:
        result = ingest_file(
            store,
            case_ref,
            agency,
            entry["path"],
            user=user,
            file_name=entry["file_name"],
            mapping=_mapping_from(settings),
            date_order=settings["date_order"] or "dmy",
            encoding=settings["encoding"] or None,
            sheet=settings["sheet"] or None,
            header_row=settings["header_row"] or None,
            replace=settings["mode"] == "replace",
            max_bytes=MAX_UPLOAD_BYTES,
            # Each chooser with its id (the event type it is for), not only its value.
            category_choices=chosen_categories(ctx.args_grouping["choices"]),
        )
    except StoreError as exc:
        return dbc.Alert(str(exc), color="danger"), no_update, no_update, no_update
    upload_staging.forget(token)
    timeline = dash.get_relative_path(f"/cases/{case_ref}")
    if result.unchanged:
        message = dbc.Alert(
            f"Nothing changed: {result.file_name} was already uploaded for {result.agency} "
            "with the same settings.",
            color="info",
        )
    else:
        replaced = (
            f" It replaced {result.retired_uploads} earlier upload(s) from {result.agency}."
            if result.retired_uploads
            else ""
        )
        message = dbc.Alert(
            [
                html.Strong(f"Imported {result.imported:,} events"),
                f", rejected {result.rejected:,} rows.{replaced} ",
                html.A("See them on the timeline", href=timeline),
            ],
            color="success",
            id="upload-done",
        )
    return message, history_view(store, user, case_ref), True, None


@callback(
    Output("upload-rejects-download", "data"),
    Input("upload-rejects-all", "n_clicks"),
    Input({"type": "upload-rejects-one", "upload": ALL}, "n_clicks"),
    State("upload-case", "data"),
    prevent_initial_call=True,
)
def download_rejects(_all, _one, case_ref):
    store, user = get_store(), require_user()
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update
    trigger = ctx.triggered_id
    upload_id = trigger["upload"] if isinstance(trigger, dict) else None
    text = rejects_csv(store, user, case_ref, upload_id)
    name = f"{case_ref}-rejected-rows" + (f"-upload-{upload_id}" if upload_id else "") + ".csv"
    return dcc.send_string(text, name, type="text/csv")


# The blank extract and its guide, by the button that asks for each.
TEMPLATE_FILES = {
    "upload-template-button": lambda: dcc.send_string(
        template_csv(), "rpm-extract-template.csv", type="text/csv"
    ),
    "upload-template-xlsx-button": lambda: dcc.send_bytes(
        template_xlsx(), "rpm-extract-template.xlsx", type=XLSX_TYPE
    ),
    "upload-guide-button": lambda: dcc.send_string(
        template_guide_csv(), "rpm-extract-column-guide.csv", type="text/csv"
    ),
}


@callback(
    Output("upload-template-download", "data"),
    *(Input(button, "n_clicks") for button in TEMPLATE_FILES),
    prevent_initial_call=True,
)
def download_template(*clicks):
    require_user()
    if not any(clicks) or ctx.triggered_id not in TEMPLATE_FILES:
        return no_update
    return TEMPLATE_FILES[ctx.triggered_id]()


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")
