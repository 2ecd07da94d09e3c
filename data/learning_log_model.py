"""The learning log of one record version, typed: what `data.record` builds from the store, or
reads back from a signed-off version's snapshot, and what the documents and pages show.

A signed-off version keeps its log as JSON (`as_json`), so that it stays as signed whatever
changes later. `from_json` reads any such snapshot: one signed before a field existed gets
that field's default, and a key this model no longer knows is ignored. Dates are ISO strings,
as stored.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Professional:
    name: str
    role: str | None = None
    agency: str | None = None


@dataclass(frozen=True)
class Episode:
    title: str
    start: str | None = None
    end: str | None = None
    assessment: str | None = None


@dataclass(frozen=True)
class Journey:
    event_count: int = 0
    agency_count: int = 0
    first: str | None = None
    last: str | None = None
    agencies: tuple[str, ...] = ()
    episodes: tuple[Episode, ...] = ()
    # The database's own clock when the log was built: the journey's events are those
    # uploaded by then.
    as_of: str | None = None


@dataclass(frozen=True)
class LearningPoint:
    learning_id: int
    scope: str
    text: str
    scope_label: str = ""
    agency: str | None = None
    stage: str | None = None
    share_with_crc: bool = False
    on_timeline: str | None = None
    themes: tuple[str, ...] = ()
    shared_text: str | None = None  # the committee's reviewed wording, when it has one
    # links between events supporting it (at its events, or within its episodes), in words
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reflection:
    target: str
    stage: str
    text: str
    on_timeline: str | None = None
    question: str | None = None
    agency: str | None = None
    # the known-at-the-time lens it was written under, in words ("with what was known to ...")
    lens: str | None = None


@dataclass(frozen=True)
class StageCount:
    """How many reflections a stage had: all a record signed before reflections were kept
    whole in the log says of them."""

    stage: str
    count: int


@dataclass(frozen=True)
class Action:
    description: str
    owner: str
    status: str
    agency: str | None = None
    due: str | None = None
    learning_id: int | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class LearningLog:
    case_ref: str
    case_name: str = ""
    date_of_birth: str | None = None
    requesting_agency: str | None = None
    purpose: str | None = None
    meeting_date: str | None = None
    start_time: str | None = None
    venue: str | None = None
    chair_name: str | None = None
    facilitator: str | None = None
    reflective_model: str | None = None
    professionals: tuple[Professional, ...] = ()
    invitee_names: tuple[str, ...] = ()
    issues: str | None = None
    timescale: str | None = None
    conclusions: str | None = None
    journey: Journey = Journey()
    learning_points: tuple[LearningPoint, ...] = ()
    reflections_by_stage: tuple[StageCount, ...] = ()
    reflections: tuple[Reflection, ...] = ()
    learning_event_ids: tuple[int, ...] = ()
    actions: tuple[Action, ...] = ()
    version: int | None = None
    amendment_reason: str | None = None
    status: str = "draft"
    signed_name: str | None = None
    signed_by: str | None = None
    signed_on_behalf: bool = False
    signed_at: str | None = None
    anonymised: bool = False  # the edition for readers outside the meeting

    @property
    def signed(self) -> bool:
        return self.status == "signed off"

    def as_dict(self) -> dict:
        return asdict(self)

    def as_json(self) -> str:
        return json.dumps(self.as_dict())

    @classmethod
    def from_dict(cls, data: dict) -> LearningLog:
        journey = data.get("journey") or {}
        return _known(
            cls,
            {
                **data,
                "journey": _known(
                    Journey,
                    {**journey, "episodes": _each(Episode, journey.get("episodes"))},
                    tuples=("agencies",),
                ),
                "professionals": _each(Professional, data.get("professionals")),
                "learning_points": tuple(
                    _known(LearningPoint, p, tuples=("themes", "links"))
                    for p in data.get("learning_points") or ()
                ),
                "reflections_by_stage": _each(StageCount, data.get("reflections_by_stage")),
                "reflections": _each(Reflection, data.get("reflections")),
                "actions": _each(Action, data.get("actions")),
            },
            tuples=("invitee_names", "learning_event_ids"),
        )

    @classmethod
    def from_json(cls, text: str) -> LearningLog:
        return cls.from_dict(json.loads(text))


def _known(cls, data: dict, tuples: tuple[str, ...] = ()):
    """`cls` from the keys of `data` it has fields for; lists named in `tuples` as tuples."""
    names = {f.name for f in fields(cls)}
    return cls(
        **{
            key: tuple(value or ()) if key in tuples else value
            for key, value in data.items()
            if key in names
        }
    )


def _each(cls, items) -> tuple:
    return tuple(_known(cls, item) for item in items or ())
