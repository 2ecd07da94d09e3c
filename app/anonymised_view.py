"""The timeline's anonymised view: while it is on, no name of the case's people leaves the
server; each is replaced by its role label from the case glossary.

The page asks for it on every callback request it makes (assets/anonymised.js adds the
`X-RPM-Anonymised` header, naming the case, while the address says `view=anonymised`), and
every such response is rewritten here, after the callback has run: the chart's hover text and
episode labels, the details, the table, the reflections, the learning, the CSV, and anything a
panel shows later. One place, so no callback can forget it. Editing existing text is refused
meanwhile (`anonymised_case`): the form would hold the role labels, and saving it would write
them over the names.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import dash_bootstrap_components as dbc
import flask

from app.context import current_user, get_store
from data.errors import StoreError
from data.glossary import anonymised_json, view_anonymiser

HEADER = "X-RPM-Anonymised"
EDIT_REFUSED = (
    "In the anonymised view the text to edit would show role labels, and saving it would "
    "replace the names: switch off Anonymised to edit it."
)
# Keys whose values are structure, never text shown: component types, ids, class names,
# styles, and Plotly's packed number arrays.
STRUCTURE_KEYS = frozenset(
    {"namespace", "type", "id", "className", "style", "bdata", "dtype", "shape", "href"}
)


def anonymised_case() -> str | None:
    """The case whose anonymised view this request comes from, or None."""
    if not flask.has_request_context():
        return None
    return flask.request.headers.get(HEADER) or None


def edit_refused():
    """What an edit button says in the anonymised view."""
    return dbc.Alert(EDIT_REFUSED, color="warning", className="mb-0 py-2")


def anonymised_payload(value, replace: Callable[[str], str]):
    """Pure: a callback response with `replace` applied to every string it shows."""
    return anonymised_json(value, replace, STRUCTURE_KEYS)


def _anonymise_response(response: flask.Response) -> flask.Response:
    case_ref = anonymised_case()
    if (
        not case_ref
        or not flask.request.path.endswith("_dash-update-component")
        or response.status_code != 200
        or response.mimetype != "application/json"
        or response.direct_passthrough
        or response.headers.get("Content-Encoding")
    ):
        return response
    user = current_user()
    if user is None:
        return response
    try:
        replace = view_anonymiser(get_store(), user, case_ref)
    except StoreError:
        return response  # not a case this user may open: nothing of it is in the response
    body = anonymised_payload(json.loads(response.get_data(as_text=True)), replace)
    response.set_data(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    return response


def install(server: flask.Flask) -> None:
    server.after_request(_anonymise_response)
