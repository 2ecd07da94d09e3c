"""Producing the documents of a case: invitation, learning log (DOCX or HTML), CRC summary.

Used by the CLI, the record page's downloads and the CRC explorer (`crc_summary_docx`).
A record that is not signed off is refused unless a draft is asked for; a draft says DRAFT on
every page. The child's journey is the same figure as on screen
(`components.timeline.timeline_figure`), drawn to PNG by kaleido in the installed Chromium
(nothing is downloaded: the page uses plotly.py's own plotly.js and MathJax is off). When the
image cannot be drawn, the document says so instead of failing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, replace
from datetime import date
from types import SimpleNamespace

import plotly.graph_objects as go

from components.actions import due_words
from components.documents.blocks import Letterhead
from components.documents.committee import briefing_doc, crc_summary_doc
from components.documents.invitation import invitation_doc
from components.documents.learning_log import learning_log_doc
from components.documents.pdf import to_pdf
from components.documents.print_html import to_html
from components.documents.word import to_docx
from data import committee
from data.actor import User
from data.cases import get_case
from data.categories import categories as managed_categories
from data.crc import case_key_of, committee_summaries
from data.crc import crc_summary as committee_summary
from data.errors import Forbidden, InvalidInput, NotFound
from data.glossary import anonymised_json, document_redactor, view_anonymiser
from data.learning_log_model import LearningLog
from data.partnership import get_partnership
from data.permissions import committee_only, explores_committee
from data.record import (
    anonymised_log,
    crc_summary,
    draft_image,
    journey_events,
    keep_draft_image,
    learning_log,
    list_versions,
    require_meeting,
    signed_record_id,
    store_image,
    stored_image,
)
from data.setup import get_setup
from data.store import Store

log = logging.getLogger(__name__)
IMAGE_WIDTH, IMAGE_SCALE = 1000, 2
RENDER_TIMEOUT = int(os.environ.get("RPM_RENDER_TIMEOUT", "120"))  # seconds
_render_lock = threading.Lock()  # one Chromium at a time on a small server


def browser_path() -> str | None:
    """The Chromium kaleido drives: $BROWSER_PATH, $RPM_CHROMIUM, else one on PATH."""
    for candidate in (os.environ.get("BROWSER_PATH"), os.environ.get("RPM_CHROMIUM")):
        if candidate and os.path.exists(candidate):
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def static_figure(fig: go.Figure) -> go.Figure:
    """The on-screen figure with its WebGL traces as SVG ones (same data and layout), so that
    a headless browser without a GPU draws it."""
    out = go.Figure(layout=fig.layout)
    for trace in fig.data:
        spec = trace.to_plotly_json()
        if spec.get("type") == "scattergl":
            spec["type"] = "scatter"
            out.add_trace(go.Scatter(spec))
        else:
            out.add_trace(trace)
    return out


def render_png(fig: go.Figure) -> tuple[bytes | None, str | None]:
    """(PNG bytes, None), or (None, why not) when the image cannot be drawn here.

    kaleido drives Chromium in a child process (`app.render_png`) with a hard time limit: a
    browser that hangs is killed with its process group and the document says so.
    """
    path = browser_path()
    if path is None:
        return None, "no Chromium browser is installed on the server"
    try:
        import kaleido  # noqa: F401 (checked here; used by the child process)
    except ImportError:
        return None, "the image renderer (kaleido) is not installed"
    height = int(fig.layout.height or 500)
    command = [
        sys.executable, "-m", "app.render_png", "--browser", path, "--width", str(IMAGE_WIDTH),
        "--height", str(height), "--scale", str(IMAGE_SCALE),
    ]  # fmt: skip
    with _render_lock:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            png, err = proc.communicate(static_figure(fig).to_json().encode(), RENDER_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            log.warning("timeline image not rendered: no answer in %s s", RENDER_TIMEOUT)
            return None, f"the browser that draws it did not answer within {RENDER_TIMEOUT} seconds"
    if proc.returncode != 0 or not png.startswith(b"\x89PNG"):
        log.warning("timeline image not rendered: %s", err.decode(errors="replace")[-500:])
        return None, "the browser that draws it failed"
    return png, None


def document_figure(events, log: LearningLog, categories=None) -> go.Figure:
    """The on-screen timeline as the learning log shows it: the same category markers and
    legend (`categories`, the managed list; default the shipped one), the episodes the meeting
    marked, a diamond on each event a learning point is linked to, no range slider (a control,
    not part of the picture)."""
    from components.timeline import timeline_figure

    episodes = [
        SimpleNamespace(
            episode_id=n,
            title=e.title,
            start_date=date.fromisoformat(e.start),
            end_date=date.fromisoformat(e.end or e.start),
            assessment=e.assessment,
        )
        for n, e in enumerate(log.journey.episodes, start=1)
    ]
    fig = timeline_figure(
        events,
        categories=categories,
        episodes=episodes,
        reflected_event_ids=set(log.learning_event_ids),
    )
    # Paper is read closer than a shared screen, but at 17 cm wide the labels need to be larger.
    fig.update_layout(
        margin={"l": 10, "r": 30, "t": 40, "b": 50},
        font={"size": 18},
        legend={"font": {"size": 16}},
        xaxis={"rangeslider": {"visible": False}},
    )
    return fig


def _timeline_image(
    store: Store, case_id: int, log: LearningLog, for_draft: bool = False
) -> tuple[bytes | None, str | None]:
    """Draw the journey. A draft's image is kept with a digest of its figure and reused until
    the figure changes (drawing takes seconds in Chromium; building the figure, milliseconds)."""
    events = journey_events(store, case_id, log.journey.as_of)
    if events.empty:
        return None, "there are no events"
    fig = document_figure(events, log, managed_categories(store))
    digest = hashlib.sha256(fig.to_json().encode()).hexdigest() if for_draft else None
    if digest:
        png = draft_image(store, case_id, digest)
        if png:
            return png, None
    png, problem = render_png(fig)
    if png and digest:
        keep_draft_image(store, case_id, digest, png)
    return png, problem


def journey_image(store: Store, case, version: int | None, log: LearningLog):
    """(PNG, None) or (None, why not). A signed version's image is drawn once and kept."""
    record_id = signed_record_id(store, case, version) if version else None
    if record_id is not None:
        png = stored_image(store, record_id)
        if png:
            return png, None
    png, problem = _timeline_image(store, case.case_id, log, record_id is None)
    if png and record_id is not None:
        store_image(store, record_id, png)
    return png, problem


def draw_in_background(store: Store, user: User, case_ref: str, version: int) -> threading.Thread:
    """Draw a just-signed version's image now, off the request, so that its documents are
    quick to produce (and the chair does not wait at sign-off)."""

    def work():
        try:
            case = get_case(store, case_ref)
            journey_image(store, case, version, learning_log(store, user, case_ref, version))
        except Exception:
            log.exception("timeline image of %s v%s not drawn in the background", case_ref, version)

    thread = threading.Thread(target=work, name=f"image-{case_ref}-v{version}", daemon=True)
    thread.start()
    return thread


def _letterhead(store: Store) -> Letterhead:
    partnership = get_partnership(store)
    return Letterhead(partnership.name, partnership.logo, partnership.logo_mime)


def _choose(store: Store, user: User, case_ref: str, version: int | None, draft: bool):
    """The version to export and whether it is a draft, or a refusal in words."""
    case = get_case(store, case_ref)
    versions = list_versions(store, user, case_ref)
    require_meeting(store, case)
    if version is not None:
        chosen = next((v for v in versions if v.version == version), None)
        if chosen is None:
            raise InvalidInput(f"case {case_ref} has no record version {version}")
    elif draft:
        chosen = versions[-1] if versions else None
    else:
        signed = [v for v in versions if v.signed]
        chosen = signed[-1] if signed else None
        if chosen is None:
            raise InvalidInput(
                f"the meeting record of case {case_ref} is not signed off: the chair signs it"
                " off first; until then only a draft, marked DRAFT on every page, is produced"
            )
    is_draft = chosen is None or not chosen.signed
    if is_draft and not draft:
        raise InvalidInput(
            f"version {chosen.version} of the record of case {case_ref} is a draft, not signed"
            " off: it is produced only as a draft, marked DRAFT on every page"
        )
    return case, (chosen.version if chosen else None), is_draft


def learning_log_file(
    store: Store,
    user: User,
    case_ref: str,
    fmt: str = "docx",
    *,
    draft: bool = False,
    version: int | None = None,
    with_image: bool = True,
    anonymised: bool = False,
) -> bytes:
    """The learning log (Appendix 2) as DOCX, UTF-8 HTML or PDF bytes; `anonymised`: the
    edition for readers outside the meeting (the services' managers, other agencies), every
    person of the case named by their role label from the case glossary."""
    _check_format(fmt)
    case, chosen, is_draft = _choose(store, user, case_ref, version, draft)
    data = learning_log(store, user, case_ref, chosen)
    named = data
    if anonymised:
        redacted = anonymised_log(data, document_redactor(store, user, case_ref))
        data = replace(
            LearningLog.from_dict(
                anonymised_json(redacted.as_dict(), view_anonymiser(store, user, case_ref))
            ),
            anonymised=True,
            signed_name=None,  # the signature names the chair and the account
            signed_by=None,
        )
    if not with_image:
        png, problem = None, "images were not asked for"
    elif named.journey.episodes != data.journey.episodes:
        png, problem = _timeline_image(store, case.case_id, data)  # episode labels held names
    else:
        png, problem = journey_image(store, case, chosen, data)
    return render(learning_log_doc(data, png, problem), _letterhead(store), fmt, draft=is_draft)


FORMATS = ("docx", "html", "pdf")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}: choose docx, html or pdf")


def render(doc, letterhead: Letterhead, fmt: str, *, draft: bool = False) -> bytes:
    """One document's blocks as DOCX, print-ready HTML (UTF-8) or PDF bytes."""
    _check_format(fmt)
    if fmt == "docx":
        return to_docx(doc, letterhead, draft=draft)
    if fmt == "pdf":
        return to_pdf(doc, letterhead, draft=draft)
    return to_html(doc, letterhead, draft=draft).encode("utf-8")


def crc_summary_docx(
    store: Store, user: User, case_ref: str, *, draft: bool = False, version: int | None = None
) -> bytes:
    """Appendix 3 as DOCX (see `crc_summary_file`)."""
    return crc_summary_file(store, user, case_ref, "docx", draft=draft, version=version)


def crc_summary_file(
    store: Store,
    user: User,
    case_ref: str,
    fmt: str = "docx",
    *,
    draft: bool = False,
    version: int | None = None,
) -> bytes:
    """Appendix 3 as DOCX, HTML or PDF, for those who may open the case (the chair checking
    what will go). It names the case by its committee key. The committee itself reaches
    summaries only by that key (`committee_summary_file`)."""
    if committee_only(user):
        raise Forbidden("the Case Review Committee reaches summaries by case key only")
    case, chosen, is_draft = _choose(store, user, case_ref, version, draft)
    data = learning_log(store, user, case_ref, chosen)
    summary = crc_summary(data, case_key_of(store, case.case_id))
    return render(crc_summary_doc(summary), _letterhead(store), fmt, draft=is_draft)


def committee_summary_file(store: Store, user: User, case_key: str, fmt: str = "docx") -> bytes:
    """Appendix 3 for the committee, by case key, as DOCX or PDF: the signed-off latest version
    only, made from the pseudonymised views."""
    if fmt not in ("docx", "pdf"):
        raise InvalidInput(f"the committee's summary is DOCX or PDF, not {fmt!r}")
    summary = committee_summary(store, user, case_key)
    return render(crc_summary_doc(summary.as_document()), _letterhead(store), fmt)


def invitation_docx(store: Store, user: User, case_ref: str) -> bytes:
    return invitation_file(store, user, case_ref, "docx")


def invitation_file(store: Store, user: User, case_ref: str, fmt: str = "docx") -> bytes:
    """The invitation as DOCX, HTML or PDF, with whom to reply to (`RPM_BUSINESS_UNIT_EMAIL`,
    else `RPM_MAIL_FROM`)."""
    setup = get_setup(store, user, case_ref)
    data = asdict(setup)
    data["meeting_date"] = setup.meeting_date.isoformat() if setup.meeting_date else None
    data["reply_to"] = os.environ.get("RPM_BUSINESS_UNIT_EMAIL") or os.environ.get("RPM_MAIL_FROM")
    data["produced_on"] = date.today().isoformat()
    letterhead = _letterhead(store)
    data["partnership"] = letterhead.name
    return render(invitation_doc(data), letterhead, fmt)


BRIEFING_QUESTIONS = (
    "Where in your work could this happen, and how would you notice?",
    "Whose voice is missing from the picture you hold about a child?",
    "When did you last check what another agency knows?",
    "What would help you to challenge or escalate sooner?",
)


def _cases_in_words(n: int) -> str:
    """Committee-level counts: 1-5 are never given exactly."""
    return "a small number of" if n <= 5 else str(n)


def committee_action_lines(decisions, today: date | None = None) -> list[str]:
    """Pure: the organisational actions the committee planned under these decisions, as the
    briefing's "what to do" lines (owner agency, what will change, when, how far it is)."""
    lines = []
    for d in sorted(decisions, key=lambda d: (d.decided_on, d.decision_id)):
        for a in d.actions:
            when = due_words(a.due_date, a.status, today) if a.due_date else "no due date"
            lines.append(
                f"{a.owner_agency} (asked by the Case Review Committee): {a.description}"
                f" ({when}; {a.status_name.lower()})."
            )
    return lines


NO_COMMITTEE_LEARNING = (
    "this case has no learning the committee may read: nothing flagged and reviewed in a"
    " signed-off record (an amendment withdraws it until signed off again)"
)


def briefing_file(
    store: Store,
    user: User,
    fmt: str,
    *,
    case_ref: str | None = None,
    case_key: str | None = None,
    theme: str | None = None,
    draft: bool = False,
) -> bytes:
    """The frontline briefing (DOCX or PDF) from learning the committee has: one case's (by
    its committee key; the business unit may give the case reference), or a theme's across
    every case. Read from the committee's views, so only reviewed learning of a signed-off
    record not under amendment; no child, family member or practitioner, no event. A draft
    (the business unit's, by case reference) reads the draft record's reviewed wording."""
    from data.actor import SYSTEM

    if not explores_committee(user):
        raise Forbidden("briefings are made by the business unit or the Case Review Committee")
    if case_key is not None and case_ref is not None:
        raise InvalidInput("choose the case by its reference or by its key, not both")
    if case_ref is not None and committee_only(user):
        raise Forbidden("the Case Review Committee chooses cases by their keys only")
    if (case_ref is None and case_key is None) == (theme is None):
        raise InvalidInput("choose one case (--case) or one theme (--theme) for the briefing")
    is_draft = False
    if case_ref is not None and draft:
        _, chosen, is_draft = _choose(store, SYSTEM, case_ref, None, draft)
        summaries = [crc_summary(learning_log(store, SYSTEM, case_ref, chosen), "")]
    elif case_key is not None:  # unknown to the committee (or being amended): not found
        summaries = [committee_summary(store, user, case_key).as_document()]
    elif case_ref is not None:
        case_key = case_key_of(store, get_case(store, case_ref).case_id)
        try:
            summaries = [committee_summary(store, user, case_key).as_document()]
        except NotFound:
            raise InvalidInput(NO_COMMITTEE_LEARNING) from None
    else:
        summaries = [s.as_document() for s in committee_summaries(store, user)]
        for summary in summaries:
            summary["learning"] = [i for i in summary["learning"] if theme in i["themes"]]
        summaries = [s for s in summaries if s["learning"]]
        if not summaries:
            raise InvalidInput(
                f"no signed-off learning shared with the committee has the theme {theme!r}"
            )
    if theme is None:
        if not summaries[0]["learning"]:
            raise InvalidInput(NO_COMMITTEE_LEARNING)
        topic = "learning from a reflective practice meeting"
        source = "From one reflective practice meeting" + (
            " (draft record, not signed off)." if is_draft else "."
        )
    else:
        topic = theme
        source = f"From {_cases_in_words(len(summaries))} reflective practice meetings' learning on {theme}."
    learning = [item["text"] for s in summaries for item in s["learning"]]
    if theme is None and case_key is None:
        case_key = case_key_of(store, get_case(store, case_ref).case_id)
    decided = committee.list_decisions(
        store,
        user,
        committee.Subject(case_key=case_key) if theme is None else committee.Subject(theme=theme),
    )
    themes = sorted({t for s in summaries for item in s["learning"] for t in item["themes"]})
    briefing = {
        "topic": topic,
        "source": source,
        "background": (
            "Reflective practice meetings bring together the professionals who worked with a"
            " child to look back at the child's journey and learn, not to blame."
            + (
                f" This briefing draws on {_cases_in_words(len(summaries))} meetings."
                if theme
                else (
                    f" The child was {summaries[0]['age_band']} at the meeting."
                    if summaries[0].get("age_band")
                    else ""
                )
            )
        ),
        "why": (
            "National reviews keep finding the same themes"
            + (f" ({', '.join(themes)})" if themes else "")
            + ": what practitioners notice and share on an ordinary day changes what happens"
            " for a child."
        ),
        "information": [
            f"Themes: {', '.join(themes) or 'none tagged'}.",
            f"Learning points shared with the Case Review Committee: {len(learning)}.",
        ],
        "learning": learning,
        "questions": list(BRIEFING_QUESTIONS),
        "actions": [
            *committee_action_lines(decided),
            "Discuss this briefing in your next team meeting or supervision (about 7 minutes).",
            "Check your agency's procedure for sharing information and escalating concerns.",
            "Tell your safeguarding lead what would make this easier in your service.",
        ],
        "further": "The partnership's reflective practice guidance and the Case Review"
        " Committee's learning are available from the partnership business unit"
        + (
            f" ({os.environ['RPM_BUSINESS_UNIT_EMAIL']})"
            if os.environ.get("RPM_BUSINESS_UNIT_EMAIL")
            else ""
        )
        + ".",
    }
    if fmt not in ("docx", "pdf"):
        raise InvalidInput(f"a briefing is written as docx or pdf, not {fmt!r}")
    return render(briefing_doc(briefing), _letterhead(store), fmt, draft=is_draft)
