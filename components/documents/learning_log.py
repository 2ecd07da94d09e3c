"""The learning log (Appendix 2) as blocks, from `data.record.build_log`'s learning log."""

from __future__ import annotations

from components.documents.blocks import Doc, long_date, month_year, or_not_recorded, signature_line
from data.learning_log_model import Action, Journey, LearningLog, LearningPoint
from data.vocabulary import ASSESSMENTS, counted

# Appendix 2's fields, in its order, as the learning log's headings.
APPENDIX2_HEADINGS = (
    "Case name",
    "Professionals involved",
    "Chair",
    "Briefly, what were the issues that led to the RPM and what are the timescales?",
    "The child's journey described along a timeline",
    "What can we see as learning points along this timeline? (using the reflective cycle)",
    "Are there any specific cross-agency learning points?",
    "Are there single-agency learning points?",
    "Conclusions / outcomes",
    "Actions",
    "Signed",
)


def learning_log_doc(log: LearningLog, image_png: bytes | None, image_problem: str | None) -> Doc:
    """Appendix 2 from a learning log (see `data.record.build_log`), its fields in order."""
    doc = Doc(
        title="Reflective Practice Meeting (RPM) feedback and learning log",
        footer=f"RPM learning log · case {log.case_ref}"
        + (f" · version {log.version}" if log.version else " · draft")
        + (" · anonymised" if log.anonymised else ""),
    )
    _status(doc, log)
    doc.h2(APPENDIX2_HEADINGS[0])
    doc.p(f"{log.case_name or log.case_ref} · case reference {log.case_ref}")
    doc.pairs(
        [
            ("Date of the meeting", long_date(log.meeting_date) or "Not recorded"),
            ("Requested by", log.requesting_agency or "Not recorded"),
            ("Purpose of the meeting", log.purpose or "Not recorded"),
            ("Facilitator", log.facilitator or "Not recorded"),
            ("Reflective model", log.reflective_model or ""),
        ]
    )
    doc.h2(APPENDIX2_HEADINGS[1])
    if log.professionals:
        doc.table(
            ["Name", "Role", "Agency"],
            [[p.name, p.role or "", p.agency or ""] for p in log.professionals],
            [5, 5, 6],
        )
    else:
        doc.p("Not recorded.")
    doc.h2(APPENDIX2_HEADINGS[2])
    doc.p(or_not_recorded(log.chair_name))
    doc.h2(APPENDIX2_HEADINGS[3])
    doc.p(or_not_recorded(log.issues))
    doc.p(f"Timescale considered: {or_not_recorded(log.timescale)}", "strong")
    doc.h2(APPENDIX2_HEADINGS[4])
    _journey(doc, log.journey, image_png, image_problem)
    doc.h2(APPENDIX2_HEADINGS[5])
    _learning_along_the_timeline(doc, log)
    doc.h2(APPENDIX2_HEADINGS[6])
    _cross_agency(doc, [p for p in log.learning_points if p.scope == "cross_agency"])
    doc.h2(APPENDIX2_HEADINGS[7])
    _single_agency(doc, [p for p in log.learning_points if p.scope == "single_agency"])
    doc.h2(APPENDIX2_HEADINGS[8])
    doc.p(or_not_recorded(log.conclusions))
    doc.h2(APPENDIX2_HEADINGS[9])
    _actions(doc, log.actions)
    doc.h2(APPENDIX2_HEADINGS[10])
    doc.pairs(
        [
            (
                "Signed",
                signature_line(log.signed_name, log.signed_by, log.signed_on_behalf)
                if log.signed
                else "Not signed: draft",
            ),
            ("Chair", log.chair_name or ""),
            ("Date", long_date(log.signed_at) if log.signed else ""),
        ]
    )
    return doc


def _status(doc: Doc, log: LearningLog) -> None:
    doc.h1(doc.title)
    if log.signed:
        status = f"Version {log.version}, signed off on {long_date(log.signed_at)}"
    elif log.version:
        status = f"Version {log.version}: draft, not signed off"
    else:
        status = "Draft: no record has been started yet"
    doc.p(f"Appendix 2 · Case reference {log.case_ref} · {status}", "muted")
    if log.amendment_reason:
        doc.p(f"This version amends the one before it. Reason: {log.amendment_reason}", "muted")
    if log.anonymised:
        doc.p(
            "Anonymised edition: the people of the case and the professionals are named by"
            " their role (the case glossary); in what the meeting wrote, dates are given as"
            " seasons and addresses, phone numbers, schools and other identifying details are"
            " generalised.",
            "strong",
        )


def _journey(doc: Doc, journey: Journey, image_png: bytes | None, image_problem: str | None):
    if journey.event_count:
        doc.p(
            f"{counted(journey.event_count, 'event')} from"
            f" {counted(journey.agency_count, 'agency', 'agencies')} between "
            f"{month_year(journey.first)} and {month_year(journey.last)}: "
            + ", ".join(journey.agencies)
            + "."
        )
        doc.image(
            image_png,
            "The child's journey: one lane of events per agency along the timeline; a diamond"
            " marks each event a learning point is linked to, shaded bands the key practice"
            " episodes",
            "The timeline image could not be produced for this document"
            + (f" ({image_problem})." if image_problem else ".")
            + " It can be seen on the case's timeline page in RPM Timeline.",
        )
    else:
        doc.p("No agency extracts were added to this case, so there is no timeline.")
    if journey.episodes:
        doc.p("Key practice episodes the meeting looked at:", "strong")
        doc.table(
            ["Episode", "From", "To", "Assessment"],
            [
                [e.title, long_date(e.start), long_date(e.end), ASSESSMENTS.get(e.assessment, "")]
                for e in journey.episodes
            ],
            [7, 3, 3, 3],
        )


def _learning_along_the_timeline(doc: Doc, log: LearningLog) -> None:
    points = log.learning_points
    if points:
        # The stage column only where the meeting gave stages to its learning points.
        staged = any(p.stage for p in points)
        doc.table(
            ["On the timeline", *(["Reflective-cycle stage"] if staged else []), "Learning point",
             "Themes"],
            [
                [
                    month_year(p.on_timeline) or "Whole case",
                    *([p.stage or ""] if staged else []),
                    learning_text(p),
                    ", ".join(p.themes),
                ]
                for p in points
            ],
            [2.5, 3, 7.5, 3] if staged else [2.5, 10.5, 3],
        )  # fmt: skip
    else:
        doc.p("No learning points were recorded.")
    model = log.reflective_model
    if log.reflections:
        doc.p(
            f"What the meeting reflected, along the timeline ({model or 'reflective cycle'}):",
            "strong",
        )
        doc.table(
            ["When", "At", "Stage", "Reflection", "Agency"],
            [
                [
                    month_year(r.on_timeline) or "",
                    r.target,
                    r.stage + (f" · {r.question}" if r.question else ""),
                    r.text + (f" (Written {r.lens}.)" if r.lens else ""),
                    r.agency or "",
                ]
                for r in log.reflections
            ],
            [2, 3.2, 3, 6, 2.8],
        )
    elif log.reflections_by_stage:  # a record signed before reflections were kept whole
        doc.p(
            f"Reflections recorded at each stage of the {model or 'cycle'}: "
            + "; ".join(f"{r.stage} {r.count}" for r in log.reflections_by_stage)
            + ".",
            "muted",
        )


def learning_text(point: LearningPoint) -> str:
    """A learning point's words, and the links between events supporting it (who told whom)."""
    if not point.links:
        return point.text
    return f"{point.text} Who told whom: {'; '.join(point.links)}."


def _shared(point: LearningPoint) -> str:
    return "Yes" if point.share_with_crc else "No"


def _cross_agency(doc: Doc, points: list[LearningPoint]) -> None:
    if not points:
        doc.p("None recorded.")
        return
    doc.table(
        ["Learning point", "Themes", "Shared with the CRC"],
        [[p.text, ", ".join(p.themes), _shared(p)] for p in points],
        [10, 4, 2],
    )


def _single_agency(doc: Doc, points: list[LearningPoint]) -> None:
    if not points:
        doc.p("None recorded.")
        return
    doc.table(
        ["Agency", "Learning point", "Themes", "Shared with the CRC"],
        [
            [p.agency or "", p.text, ", ".join(p.themes), _shared(p)]
            for p in sorted(points, key=lambda p: p.agency or "")
        ],
        [3, 8, 3, 2],
    )


def _actions(doc: Doc, actions: tuple[Action, ...]) -> None:
    if not actions:
        doc.p("No actions were agreed.")
        return
    doc.table(
        ["Action", "Owner", "Due", "Status", "Evidence of impact"],
        [
            [
                a.description,
                a.owner + (f" ({a.agency})" if a.agency else ""),
                long_date(a.due),
                a.status,
                a.evidence or "",
            ]
            for a in actions
        ],
        [5, 3.2, 2.6, 2, 4.2],
    )
