"""Document downloads: `/cases/<case_ref>/documents/<kind>` (invitation, learning-log,
crc-summary), behind the same sign-in guard as every page. Access is checked in the store."""

from __future__ import annotations

from collections.abc import Callable

import flask

from app.context import audit, get_store, require_user
from data.audit import EXPORT
from data.errors import Forbidden, NotFound, StoreError

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
KINDS = ("invitation", "learning-log", "crc-summary")
# The page fetches documents itself to show their progress (assets/download.js) and marks the
# request: a refusal then answers 200 with its status in X-RPM-Refused, so that the browser
# does not log a failed load in the console for what the page shows the person in words.
FETCHED_HEADER = "X-RPM-Download"


def refused(text: str, status: int) -> flask.Response:
    if flask.request.headers.get(FETCHED_HEADER):
        return flask.Response(
            text, status=200, mimetype="text/plain", headers={"X-RPM-Refused": str(status)}
        )
    return flask.Response(text, status=status, mimetype="text/plain")


def _attachment(make: Callable[[], bytes], fmt: str, name: str, **audited) -> flask.Response:
    """The file `make()` produces, as an attachment named `name` (an HTML one as a page), with
    its export audited (`audited`: the audit row's case_ref and detail); or the refusal."""
    try:
        content = make()
    except (Forbidden, NotFound):
        return refused("Not found.", 404)
    except StoreError as exc:
        return refused(f"Not produced: {exc}", 400)
    audit(EXPORT, **audited)
    if fmt == "html":
        # A self-contained page (no script, images inline); app.security adds the app's
        # Content-Security-Policy, which allows exactly that.
        return flask.Response(content, mimetype="text/html", headers={"Cache-Control": "no-store"})
    return flask.Response(
        content,
        mimetype=MIMETYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def document(case_ref: str, kind: str):
    from app import document_files

    store, user = get_store(), require_user()
    args = flask.request.args
    draft = args.get("draft") == "1"
    version = args.get("version", type=int)
    fmt = args.get("format", "docx")
    anonymised = kind == "learning-log" and args.get("anonymised") == "1"

    def make() -> bytes:
        if kind == "invitation":
            return document_files.invitation_file(store, user, case_ref, fmt)
        if kind == "learning-log":
            return document_files.learning_log_file(
                store, user, case_ref, fmt, draft=draft, version=version, anonymised=anonymised
            )
        if kind == "crc-summary":
            return document_files.crc_summary_file(
                store, user, case_ref, fmt, draft=draft, version=version
            )
        raise NotFound(f"unknown document {kind!r}")

    suffix = (
        ("-v" + str(version) if version else "")
        + ("-anonymised" if anonymised else "")
        + ("-DRAFT" if draft else "")
    )
    return _attachment(
        make,
        fmt,
        f"{case_ref}-{kind}{suffix}.{fmt}",
        case_ref=case_ref,
        detail=f"{kind} {fmt}"
        + (f" version {version}" if version else "")
        + (" draft" if draft else "")
        + (" anonymised" if anonymised else ""),
    )


def briefing():
    """`/briefing?case=REF` (the business unit), `?case_key=KEY` or `?theme=THEME`,
    `&format=docx|pdf`: the frontline briefing, for the business unit and the committee (the
    explorer's "Frontline briefings" links here, by case key)."""
    from app import document_files

    store, user = get_store(), require_user()
    args = flask.request.args
    fmt = args.get("format", "pdf")
    case_ref, theme = args.get("case") or None, args.get("theme") or None
    case_key = args.get("case_key") or None
    on = f" on {theme}" if theme else f" case key {case_key}" if case_key else ""
    return _attachment(
        lambda: document_files.briefing_file(
            store, user, fmt, case_ref=case_ref, case_key=case_key, theme=theme
        ),
        fmt,
        f"7-minute-briefing.{fmt}",
        case_ref=case_ref,
        detail=f"briefing {fmt}{on}",
    )


def committee_summary(case_key: str):
    """Appendix 3 for the committee, by the case's key (never by its reference)."""
    from app import document_files

    store, user = get_store(), require_user()
    fmt = flask.request.args.get("format", "docx")
    return _attachment(
        lambda: document_files.committee_summary_file(store, user, case_key, fmt),
        fmt,
        f"crc-summary-{case_key}.{fmt}",
        detail=f"crc-summary {fmt} case key {case_key}",
    )


def install(server: flask.Flask) -> None:
    server.add_url_rule(
        "/crc/summaries/<case_key>", "committee_summary", committee_summary, methods=["GET"]
    )
    server.add_url_rule(
        "/cases/<case_ref>/documents/<kind>", "case_document", document, methods=["GET"]
    )
    server.add_url_rule("/briefing", "briefing", briefing, methods=["GET"])
