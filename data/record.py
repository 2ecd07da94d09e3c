"""The meeting record (Appendix 2): read model, drafts, sign-off, amendments, versions.

Most of the record is read from what the meeting recorded (attendees, learning points,
reflections, actions, episodes); the chair writes the rest (issues and timescale,
conclusions). Version 1 is the first record. Signing a version stores the whole record as it
stands (`snapshot`) and locks it; later changes to learning points or actions do not touch it.
An amendment starts a new draft version with a reason, which is signed in turn. Every version
stays listed and exportable.

The learning log is one typed value (`data.learning_log_model.LearningLog`), built live for a
draft and read back from the snapshot for a signed version, so both are exported by the same
code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from data.access import require_case, require_meeting_editor
from data.actor import User
from data.cases import Case
from data.committee_patterns import write_committee_patterns
from data.errors import Forbidden, InvalidInput, NotFound
from data.event_links import learning_point_links
from data.learning_log_model import (
    Action,
    Episode,
    Journey,
    LearningLog,
    LearningPoint,
    Professional,
    Reflection,
    StageCount,
)
from data.patterns import lens_words
from data.permissions import is_administrator
from data.setup import case_invitees
from data.shared_wording import current_wordings, write_committee_learning
from data.store import Store
from data.text_fields import optional_text
from data.vocabulary import ACTION_STATUSES, SCOPES
from data.workflow import complete_stage

MAX_TEXT = 20000
REQUIRED_FOR_SIGN_OFF = {
    "meeting_date": "the date of the meeting",
    "chair_name": "the chair",
    "professionals": "the professionals involved (tick who attended, or add invitees)",
    "issues": "the issues that led to the RPM",
    "timescale": "the timescale considered",
    "conclusions": "the conclusions / outcomes",
}
AWAITING_REVIEW = (
    "(Awaiting the redaction review: not shared until the chair confirms its wording.)"
)


@dataclass(frozen=True)
class RecordVersion:
    record_id: int
    version: int
    issues: str | None
    timescale: str | None
    conclusions: str | None
    amendment_reason: str | None
    created_by: str
    created_at: datetime
    signed_name: str | None
    signed_by: str | None
    signed_at: datetime | None
    signed_on_behalf: bool = False

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def status(self) -> str:
        return "signed off" if self.signed else "draft"


_VERSION_COLUMNS = (
    "record_id, version, issues, timescale, conclusions, amendment_reason, created_by,"
    " created_at, signed_name, signed_by, signed_at, coalesce(signed_on_behalf, false)"
)


def list_versions(store: Store, user: User, case_ref: str) -> list[RecordVersion]:
    """Every version of the case's meeting record, oldest first."""
    case = require_case(store, user, case_ref)
    return _versions(store, case.case_id)


def _versions(store_or_cur, case_id: int) -> list[RecordVersion]:
    sql = f"SELECT {_VERSION_COLUMNS} FROM meeting_records WHERE case_id = ? ORDER BY version"
    if isinstance(store_or_cur, Store):
        rows = store_or_cur.query(sql, [case_id])
    else:
        rows = store_or_cur.execute(sql, [case_id]).fetchall()
    return [RecordVersion(*row) for row in rows]


def latest_version(store: Store, user: User, case_ref: str) -> RecordVersion | None:
    versions = list_versions(store, user, case_ref)
    return versions[-1] if versions else None


def _meeting(store: Store, case_id: int):
    return store.query_one(
        "SELECT meeting_id, meeting_date, start_time, venue, chair_name, facilitator"
        " FROM meetings WHERE case_id = ? ORDER BY meeting_id DESC LIMIT 1",
        [case_id],
    )


def require_meeting(store: Store, case: Case):
    """The case's meeting; refused when none is recorded or it has no date."""
    meeting = _meeting(store, case.case_id)
    if meeting is None or meeting[1] is None:
        raise InvalidInput(
            f"case {case.case_ref} has no meeting yet: record the meeting date on the case set-up"
        )
    return meeting


def save_draft(
    store: Store,
    user: User,
    case_ref: str,
    *,
    issues: str | None,
    timescale: str | None,
    conclusions: str | None,
    chair_name: str | None = None,
    attended_ids: list[int] | None = None,
) -> RecordVersion:
    """Write the chair's fields of the current draft (creating version 1 if there is none).

    Refused when the latest version is signed off: amend it first.
    """
    case = require_case(store, user, case_ref)
    require_meeting_editor(store, user, case)
    meeting = require_meeting(store, case)
    issues = optional_text(issues, "the issues that led to the RPM", MAX_TEXT)
    timescale = optional_text(timescale, "the timescale", MAX_TEXT)
    conclusions = optional_text(conclusions, "the conclusions / outcomes", MAX_TEXT)
    chair_name = optional_text(chair_name, "the chair's name", MAX_TEXT)
    with store.transaction() as cur:
        versions = _versions(cur, case.case_id)
        if versions and versions[-1].signed:
            raise InvalidInput(
                f"version {versions[-1].version} of the record is signed off and locked:"
                " start an amendment (with a reason) to change it"
            )
        if not versions:
            cur.execute(
                "INSERT INTO meeting_records (case_id, version, issues, timescale, conclusions,"
                " created_by) VALUES (?, 1, ?, ?, ?, ?)",
                [case.case_id, issues, timescale, conclusions, user.username],
            )
        else:
            cur.execute(
                "UPDATE meeting_records SET issues = ?, timescale = ?, conclusions = ?,"
                " updated_by = ?, updated_at = current_timestamp WHERE record_id = ?",
                [issues, timescale, conclusions, user.username, versions[-1].record_id],
            )
        if chair_name:
            cur.execute(
                "UPDATE meetings SET chair_name = ? WHERE meeting_id = ?", [chair_name, meeting[0]]
            )
        if attended_ids is not None:
            wanted = {int(i) for i in attended_ids}
            for (invitee_id,) in cur.execute(
                "SELECT invitee_id FROM invitees WHERE case_id = ?", [case.case_id]
            ).fetchall():
                cur.execute(
                    "UPDATE invitees SET attended = ? WHERE invitee_id = ?",
                    [invitee_id in wanted, invitee_id],
                )
    return _versions(store, case.case_id)[-1]


def missing_for_sign_off(log: LearningLog) -> list[str]:
    """Pure: the required fields of a learning log that are empty, in words, and the learning
    flagged for the committee whose shared wording has not passed the redaction review."""
    missing = [words for key, words in REQUIRED_FOR_SIGN_OFF.items() if not getattr(log, key)]
    unreviewed = [p for p in log.learning_points if p.share_with_crc and not p.shared_text]
    if unreviewed:
        n = len(unreviewed)
        missing.append(
            f"the redaction review of {n} learning point{'s' * (n != 1)} flagged for the committee"
        )
    return missing


def is_case_chair(store: Store, user: User, case: Case) -> bool:
    """Whether this account is the chair the case was set up with."""
    return bool(
        store.query_one(
            "SELECT 1 FROM case_members WHERE case_id = ? AND user_id = ? AND case_role = 'chair'",
            [case.case_id, user.user_id],
        )
    )


def sign_off(
    store: Store,
    user: User,
    case_ref: str,
    *,
    on_behalf: bool = False,
    now: datetime | None = None,
) -> RecordVersion:
    """Sign the current draft as the signed-in chair: its whole content is stored and locked,
    and the flowchart's "record completed" stage is recorded with the day and the account.

    The signature is the chair the meeting recorded and the account signing, never free text.
    An administrator may sign for the chair, and must say so (`on_behalf`); the documents say it.
    """
    case = require_case(store, user, case_ref)
    require_meeting_editor(store, user, case)
    require_meeting(store, case)
    chair = is_case_chair(store, user, case)
    if not chair:
        if not is_administrator(user):
            raise Forbidden(
                "only the case's chair, or an administrator on the chair's behalf, can sign off"
            )
        if not on_behalf:
            raise InvalidInput(
                "you are not this case's chair: confirm that you are signing on the chair's behalf"
            )
    versions = _versions(store, case.case_id)
    if not versions:
        raise InvalidInput(f"case {case_ref} has no meeting record yet: save a draft first")
    draft = versions[-1]
    if draft.signed:
        raise InvalidInput(f"version {draft.version} is already signed off and locked")
    log = build_log(store, case, draft)
    missing = missing_for_sign_off(log)
    if missing:
        raise InvalidInput("cannot sign off: " + "; ".join(missing) + " missing")
    now = now or datetime.now().replace(microsecond=0)
    behalf = not chair
    log = replace(
        log,
        status="signed off",
        signed_name=log.chair_name,
        signed_by=user.username,
        signed_on_behalf=behalf,
        signed_at=now.isoformat(sep=" "),
    )
    with store.transaction() as cur:
        updated = cur.execute(
            "UPDATE meeting_records SET signed_name = ?, signed_by = ?, signed_at = ?,"
            " signed_on_behalf = ?, snapshot = ? WHERE record_id = ? AND signed_at IS NULL"
            " RETURNING record_id",
            [log.chair_name, user.username, now, behalf, log.as_json(), draft.record_id],
        ).fetchall()
        if not updated:
            raise InvalidInput(f"version {draft.version} was signed off meanwhile")
        meeting_on = date.fromisoformat(log.meeting_date)
        complete_stage(
            cur, case.case_id, "meeting_held", min(meeting_on, now.date()), user.username,
            f"Meeting record version {draft.version} signed off",
        )  # fmt: skip
        complete_stage(
            cur, case.case_id, "record_distributed", now.date(), user.username,
            f"Record version {draft.version} signed off",
        )  # fmt: skip
        write_committee_learning(cur, case.case_id, draft.record_id)
        write_committee_patterns(store, cur, case.case_ref, draft.record_id)
    return _versions(store, case.case_id)[-1]


def start_amendment(store: Store, user: User, case_ref: str, reason: str) -> RecordVersion:
    """A new draft version after a signed one, carrying its text forward, with a reason."""
    case = require_case(store, user, case_ref)
    require_meeting_editor(store, user, case)
    reason = optional_text(reason, "the reason for the amendment", MAX_TEXT)
    if not reason:
        raise InvalidInput("the reason for the amendment is missing")
    with store.transaction() as cur:
        versions = _versions(cur, case.case_id)
        if not versions or not versions[-1].signed:
            raise InvalidInput(
                "there is no signed-off version to amend: edit the draft instead"
                if versions
                else f"case {case_ref} has no meeting record yet"
            )
        last = versions[-1]
        cur.execute(
            "INSERT INTO meeting_records (case_id, version, issues, timescale, conclusions,"
            " amendment_reason, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                case.case_id,
                last.version + 1,
                last.issues,
                last.timescale,
                last.conclusions,
                reason,
                user.username,
            ],
        )
    return _versions(store, case.case_id)[-1]


def learning_log(
    store: Store, user: User, case_ref: str, version: int | None = None
) -> LearningLog:
    """The learning log of one version (default: the latest). Signed: as signed. Draft: live."""
    case = require_case(store, user, case_ref)
    require_meeting(store, case)
    versions = _versions(store, case.case_id)
    if version is None:
        chosen = versions[-1] if versions else None
    else:
        chosen = next((v for v in versions if v.version == version), None)
        if chosen is None:
            raise NotFound(f"case {case_ref} has no record version {version}")
    if chosen is not None and chosen.signed:
        row = store.query_one(
            "SELECT snapshot FROM meeting_records WHERE record_id = ?", [chosen.record_id]
        )
        return LearningLog.from_json(row[0])
    return build_log(store, case, chosen)


def signed_record_id(store: Store, case: Case, version: int | None) -> int | None:
    """The record id of a signed version (None for a draft or no record)."""
    row = store.query_one(
        "SELECT record_id FROM meeting_records WHERE case_id = ? AND version = ?"
        " AND signed_at IS NOT NULL",
        [case.case_id, version],
    )
    return row[0] if row else None


def stored_image(store: Store, record_id: int) -> bytes | None:
    row = store.query_one("SELECT png FROM record_images WHERE record_id = ?", [record_id])
    return bytes(row[0]) if row else None


def store_image(store: Store, record_id: int, png: bytes) -> None:
    """Keep a signed version's journey image (the first one drawn wins)."""
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO record_images (record_id, png) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [record_id, png],
        )


def draft_image(store: Store, case_id: int, figure_sha256: str) -> bytes | None:
    """The draft's journey image when it was drawn from the same figure, else None."""
    row = store.query_one(
        "SELECT png FROM draft_images WHERE case_id = ? AND figure_sha256 = ?",
        [case_id, figure_sha256],
    )
    return bytes(row[0]) if row else None


def keep_draft_image(store: Store, case_id: int, figure_sha256: str, png: bytes) -> None:
    """Keep the case's latest draft image (one per case, replaced)."""
    with store.transaction() as cur:
        cur.execute(
            "INSERT OR REPLACE INTO draft_images (case_id, figure_sha256, png, drawn_at)"
            " VALUES (?, ?, ?, current_timestamp)",
            [case_id, figure_sha256, png],
        )


def latest_signed_version(store: Store, user: User, case_ref: str) -> RecordVersion | None:
    signed = [v for v in list_versions(store, user, case_ref) if v.signed]
    return signed[-1] if signed else None


# --- the read model ------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def build_log(store: Store, case: Case, record: RecordVersion | None) -> LearningLog:
    """Everything the learning log shows, read from the store now."""
    meeting = _meeting(store, case.case_id)
    _, meeting_date, start_time, venue, chair_name, facilitator = meeting or (None,) * 6
    setup = store.query_one(
        """
        SELECT c.reflective_model, m.name, a.name, r.purpose
        FROM cases c JOIN reflective_models m ON m.model_key = c.reflective_model
        LEFT JOIN case_requests r ON r.case_id = c.case_id
        LEFT JOIN agencies a ON a.agency_id = r.requesting_agency_id
        WHERE c.case_id = ?
        """,
        [case.case_id],
    )
    model_key, model_name, requesting_agency, purpose = setup
    invitees = case_invitees(store, case.case_id)
    attended = [i for i in invitees if i.attended]
    involved = attended or invitees  # no one ticked: the invitees are listed
    stages = dict(
        store.query(
            "SELECT stage_key, name FROM reflective_stages WHERE model_key = ?", [model_key]
        )
    )
    stage_order = {
        key: pos
        for key, pos in store.query(
            "SELECT stage_key, position FROM reflective_stages WHERE model_key = ?", [model_key]
        )
    }
    wordings = current_wordings(store, case.case_id)
    links = learning_point_links(store, case.case_id)
    points = [
        replace(
            p,
            shared_text=wordings.get(p.learning_id, (None, None))[1],
            links=links.get(p.learning_id, ()),
        )
        for p in _learning_points(store, case.case_id, stages)
    ]
    journey = store.query_one(
        "SELECT count(*), count(DISTINCT agency_id), min(event_date), max(event_date)"
        " FROM events WHERE case_id = ?",
        [case.case_id],
    )
    agencies = [
        name
        for (name,) in store.query(
            "SELECT a.name FROM events e JOIN agencies a ON a.agency_id = e.agency_id"
            " WHERE e.case_id = ? GROUP BY a.name ORDER BY min(e.event_date)",
            [case.case_id],
        )
    ]
    episodes = [
        Episode(title=t, start=_iso(s), end=_iso(e), assessment=a)
        for t, s, e, a in store.query(
            "SELECT title, start_date, end_date, assessment FROM episodes"
            " WHERE case_id = ? AND deleted_at IS NULL ORDER BY start_date, episode_id",
            [case.case_id],
        )
    ]
    reflections = [
        StageCount(stage=stages.get(key, key), count=n)
        for key, n in sorted(
            store.query(
                "SELECT stage_key, count(*) FROM reflections"
                " WHERE case_id = ? AND withdrawn_at IS NULL GROUP BY stage_key",
                [case.case_id],
            ),
            key=lambda r: stage_order.get(r[0], 99),
        )
    ]
    actions = [
        Action(
            description=d,
            owner=o,
            agency=a,
            due=_iso(due),
            status=ACTION_STATUSES.get(s, s),
            learning_id=lid,
            evidence=ev,
        )
        for d, o, a, due, s, lid, ev in store.query(
            """
            SELECT x.description, x.owner_name, a.name, x.due_date, x.status, x.learning_id,
                   x.evidence
            FROM actions x LEFT JOIN agencies a ON a.agency_id = x.owner_agency_id
            WHERE x.case_id = ? AND x.withdrawn_at IS NULL
            ORDER BY x.due_date NULLS LAST, x.action_id
            """,
            [case.case_id],
        )
    ]
    return LearningLog(
        case_ref=case.case_ref,
        case_name=case.label or case.case_ref,
        date_of_birth=_iso(case.date_of_birth),
        requesting_agency=requesting_agency,
        purpose=purpose,
        meeting_date=_iso(meeting_date),
        start_time=start_time,
        venue=venue,
        chair_name=chair_name,
        facilitator=facilitator,
        reflective_model=model_name,
        professionals=tuple(
            Professional(name=i.name, role=i.role, agency=i.agency) for i in involved
        ),
        invitee_names=tuple(i.name for i in invitees),
        issues=record.issues if record else None,
        timescale=record.timescale if record else None,
        conclusions=record.conclusions if record else None,
        journey=Journey(
            event_count=journey[0],
            agency_count=journey[1],
            first=_iso(journey[2]),
            last=_iso(journey[3]),
            agencies=tuple(agencies),
            episodes=tuple(episodes),
            # The database's own clock, comparable with uploads.uploaded_at.
            as_of=str(store.query_one("SELECT CAST(current_timestamp AS TIMESTAMP)")[0]),
        ),
        learning_points=tuple(points),
        reflections_by_stage=tuple(reflections),
        reflections=tuple(_reflections(store, case.case_id, stages)),
        learning_event_ids=tuple(
            eid
            for (eid,) in store.query(
                "SELECT DISTINCT k.event_id FROM learning_point_links k"
                " JOIN learning_points l ON l.learning_id = k.learning_id"
                " WHERE l.case_id = ? AND l.withdrawn_at IS NULL AND k.event_id IS NOT NULL",
                [case.case_id],
            )
        ),
        actions=tuple(actions),
        version=record.version if record else None,
        amendment_reason=record.amendment_reason if record else None,
    )


def _reflections(store: Store, case_id: int, stages: dict) -> list[Reflection]:
    """The reflections themselves, along the timeline: where (the event's date and type, the
    episode, or the whole case), the stage of the cycle, the question, the words, the agency
    and the known-at-the-time lens it was written under."""
    rows = store.query(
        """
        SELECT coalesce(e.event_date, p.start_date) AS on_timeline,
               CASE r.target_kind WHEN 'event' THEN e.event_type || ' (' || ea.name || ')'
                                  WHEN 'episode' THEN 'Episode: ' || p.title
                                  ELSE 'The whole case' END,
               r.stage_key, q.text, r.text, a.name, r.lens_date, la.name
        FROM reflections r
        LEFT JOIN events e ON e.event_id = r.event_id
        LEFT JOIN agencies ea ON ea.agency_id = e.agency_id
        LEFT JOIN episodes p ON p.episode_id = r.episode_id
        LEFT JOIN rpm_questions q ON q.question_key = r.question_key
        LEFT JOIN agencies a ON a.agency_id = r.agency_id
        LEFT JOIN agencies la ON la.agency_id = r.lens_agency_id
        WHERE r.case_id = ? AND r.withdrawn_at IS NULL
        ORDER BY on_timeline NULLS LAST, r.created_at, r.reflection_id
        """,
        [case_id],
    )
    return [
        Reflection(
            on_timeline=_iso(on),
            target=target,
            stage=stages.get(key, key),
            question=question,
            text=text,
            agency=agency,
            lens=lens_words(lens_date, lens_agency),
        )
        for on, target, key, question, text, agency, lens_date, lens_agency in rows
    ]


def _learning_points(store: Store, case_id: int, stages: dict) -> list[LearningPoint]:
    """Learning points in timeline order (by the earliest event or episode they are linked to)."""
    rows = store.query(
        """
        SELECT l.learning_id, l.scope, a.name, l.text, l.stage_key, l.share_with_crc,
               least(min(e.event_date), min(p.start_date)) AS on_timeline,
               list(DISTINCT t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL)
        FROM learning_points l
        LEFT JOIN agencies a ON a.agency_id = l.agency_id
        LEFT JOIN learning_point_links k ON k.learning_id = l.learning_id
        LEFT JOIN events e ON e.event_id = k.event_id
        LEFT JOIN episodes p ON p.episode_id = k.episode_id
        LEFT JOIN learning_point_themes lt ON lt.learning_id = l.learning_id
        LEFT JOIN themes t ON t.theme_id = lt.theme_id
        WHERE l.case_id = ? AND l.withdrawn_at IS NULL
        GROUP BY l.learning_id, l.scope, a.name, l.text, l.stage_key, l.share_with_crc,
                 l.created_at
        ORDER BY on_timeline NULLS LAST, l.created_at, l.learning_id
        """,
        [case_id],
    )
    return [
        LearningPoint(
            learning_id=lid,
            scope=scope,
            scope_label=SCOPES[scope],
            agency=agency,
            text=text,
            stage=stages.get(stage_key, stage_key) if stage_key else None,
            share_with_crc=bool(share),
            on_timeline=_iso(on),
            themes=tuple(themes or ()),
        )
        for lid, scope, agency, text, stage_key, share, on, themes in rows
    ]


# --- Appendix 3 ----------------------------------------------------------------------------


def age_at(dob: date | None, on: date | None) -> str | None:
    """Pure: age in years and months on a day, e.g. '7 years 3 months'."""
    if dob is None or on is None:
        return None
    months = (on.year - dob.year) * 12 + (on.month - dob.month) - (on.day < dob.day)
    if months < 0:
        return None
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year{'s' * (years != 1)}")
    if months or not years:
        parts.append(f"{months} month{'s' * (months != 1)}")
    return " ".join(parts)


def crc_summary(log: LearningLog, case_key: str) -> dict:
    """Pure: Appendix 3 from a learning log. Age, date, chair and the reviewed shared wording
    of the learning flagged for the committee (a draft lists points awaiting the review without
    their text); the case's key, never its reference; the record version it summarises."""
    dob = date.fromisoformat(log.date_of_birth) if log.date_of_birth else None
    meeting = date.fromisoformat(log.meeting_date) if log.meeting_date else None
    learning = [
        {
            "scope_label": p.scope_label,
            "agency": p.agency,
            "themes": list(p.themes),
            "text": p.shared_text or AWAITING_REVIEW,
        }
        for p in log.learning_points
        if p.share_with_crc and (p.shared_text or not log.signed)
    ]
    return {
        "case_key": case_key,
        "age_at_meeting": age_at(dob, meeting),
        "meeting_date": log.meeting_date,
        "chair_name": log.chair_name or "",
        "learning": learning,
        "version": log.version,
        "status": log.status,
        "signed_at": log.signed_at,
    }


MEETING_TEXT = ("purpose", "issues", "timescale", "conclusions", "amendment_reason")


def anonymised_log(log: LearningLog, redact) -> LearningLog:
    """Pure: the free text the meeting wrote in a learning log (issues, timescale, conclusions,
    learning, reflections, actions, episode titles) passed through `redact`, which generalises
    dates, addresses, phone numbers and the other identifiers of the redaction review; learning
    the chair reviewed for the committee keeps its reviewed wording. A copy."""

    def redacted(item, *names):
        return replace(item, **{n: redact(getattr(item, n)) for n in names if getattr(item, n)})

    return replace(
        redacted(log, *MEETING_TEXT),
        journey=replace(
            log.journey, episodes=tuple(redacted(e, "title") for e in log.journey.episodes)
        ),
        learning_points=tuple(
            replace(
                p,
                text=p.shared_text or redact(p.text),
                links=tuple(redact(words) for words in p.links),
            )
            for p in log.learning_points
        ),
        reflections=tuple(redacted(r, "text", "lens") for r in log.reflections),
        actions=tuple(redacted(a, "description", "evidence") for a in log.actions),
    )


def person_names(store: Store) -> list[str]:
    """Account names, to keep them out of the CRC summary."""
    return [u for (u,) in store.query("SELECT username FROM users WHERE username <> 'admin'")]


def journey_events(store: Store, case_id: int, as_of: str | None = None):
    """The events of the case as they stood at `as_of` (uploads added by then), in the shape
    `components.timeline.timeline_figure` takes (see `data.events.case_events`)."""
    import pandas as pd

    df = store.query_df(
        """
        SELECT e.event_id, e.event_date, e.date_precision, e.event_time, a.name AS agency,
               e.event_type, coalesce(e.category, 'Other') AS category, e.summary, e.source_ref
        FROM events e JOIN agencies a ON a.agency_id = e.agency_id
        JOIN uploads u ON u.upload_id = e.upload_id
        WHERE e.case_id = ? AND (CAST(? AS TIMESTAMP) IS NULL OR u.uploaded_at <= CAST(? AS TIMESTAMP))
        ORDER BY e.event_date, e.event_time NULLS FIRST, a.name, e.event_id
        """,
        [case_id, as_of, as_of],
    )
    df["event_date"] = pd.to_datetime(df["event_date"])
    return df
