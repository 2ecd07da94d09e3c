"""The learning log (Appendix 2) as blocks, from `data.record.build_log`'s learning log."""

from __future__ import annotations

from components.documents.blocks import Doc, long_date, month_year, or_not_recorded, signature_line
from data.vocabulary import counted

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


def learning_log_doc(log: dict, image_png: bytes | None, image_problem: str | None) -> Doc:
    """Appendix 2 from a learning log dict (see `data.record.build_log`)."""
    signed = log.get("status") == "signed off"
    doc = Doc(
        title="Reflective Practice Meeting (RPM) feedback and learning log",
        footer=f"RPM learning log · case {log['case_ref']}"
        + (f" · version {log['version']}" if log.get("version") else " · draft")
        + (" · anonymised" if log.get("anonymised") else ""),
    )
    doc.h1(doc.title)
    version = log.get("version")
    if signed:
        status = f"Version {version}, signed off on {long_date(log.get('signed_at'))}"
    elif version:
        status = f"Version {version}: draft, not signed off"
    else:
        status = "Draft: no record has been started yet"
    doc.p(f"Appendix 2 · Case reference {log['case_ref']} · {status}", "muted")
    if log.get("amendment_reason"):
        doc.p(f"This version amends the one before it. Reason: {log['amendment_reason']}", "muted")
    if log.get("anonymised"):
        doc.p(
            "Anonymised edition: the people of the case and the professionals are named by"
            " their role (the case glossary); in what the meeting wrote, dates are given as"
            " seasons and addresses, phone numbers, schools and other identifying details are"
            " generalised.",
            "strong",
        )

    doc.h2(APPENDIX2_HEADINGS[0])
    doc.p(f"{log.get('case_name') or log['case_ref']} · case reference {log['case_ref']}")
    doc.pairs(
        [
            ("Date of the meeting", long_date(log.get("meeting_date")) or "Not recorded"),
            ("Requested by", log.get("requesting_agency") or "Not recorded"),
            ("Purpose of the meeting", log.get("purpose") or "Not recorded"),
            ("Facilitator", log.get("facilitator") or "Not recorded"),
            ("Reflective model", log.get("reflective_model") or ""),
        ]
    )

    doc.h2(APPENDIX2_HEADINGS[1])
    professionals = log.get("professionals") or []
    if professionals:
        doc.table(
            ["Name", "Role", "Agency"],
            [[p["name"], p.get("role") or "", p.get("agency") or ""] for p in professionals],
            [5, 5, 6],
        )
    else:
        doc.p("Not recorded.")

    doc.h2(APPENDIX2_HEADINGS[2])
    doc.p(or_not_recorded(log.get("chair_name")))

    doc.h2(APPENDIX2_HEADINGS[3])
    doc.p(or_not_recorded(log.get("issues")))
    doc.p(f"Timescale considered: {or_not_recorded(log.get('timescale'))}", "strong")

    doc.h2(APPENDIX2_HEADINGS[4])
    journey = log.get("journey") or {}
    if journey.get("event_count"):
        doc.p(
            f"{counted(journey['event_count'], 'event')} from"
            f" {counted(journey['agency_count'], 'agency', 'agencies')} between "
            f"{month_year(journey.get('first'))} and {month_year(journey.get('last'))}: "
            + ", ".join(journey.get("agencies") or [])
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
    episodes = journey.get("episodes") or []
    if episodes:
        doc.p("Key practice episodes the meeting looked at:", "strong")
        assess = {"good_practice": "Good practice", "problem": "Problem", "mixed": "Mixed"}
        doc.table(
            ["Episode", "From", "To", "Assessment"],
            [
                [
                    e["title"],
                    long_date(e["start"]),
                    long_date(e["end"]),
                    assess.get(e["assessment"], ""),
                ]
                for e in episodes
            ],
            [7, 3, 3, 3],
        )

    doc.h2(APPENDIX2_HEADINGS[5])
    points = log.get("learning_points") or []
    if points:
        # The stage column only where the meeting gave stages to its learning points.
        staged = any(p.get("stage") for p in points)
        doc.table(
            ["On the timeline", *(["Reflective-cycle stage"] if staged else []), "Learning point",
             "Themes"],
            [
                [
                    month_year(p.get("on_timeline")) or "Whole case",
                    *([p.get("stage") or ""] if staged else []),
                    p["text"],
                    ", ".join(p.get("themes") or []),
                ]
                for p in points
            ],
            [2.5, 3, 7.5, 3] if staged else [2.5, 10.5, 3],
        )  # fmt: skip
    else:
        doc.p("No learning points were recorded.")
    reflections = log.get("reflections") or []
    if reflections:
        doc.p(
            f"What the meeting reflected, along the timeline ({log.get('reflective_model') or 'reflective cycle'}):",
            "strong",
        )
        doc.table(
            ["When", "At", "Stage", "Reflection", "Agency"],
            [
                [
                    month_year(r.get("on_timeline")) or "",
                    r["target"],
                    r["stage"] + (f" · {r['question']}" if r.get("question") else ""),
                    r["text"],
                    r.get("agency") or "",
                ]
                for r in reflections
            ],
            [2, 3.2, 3, 6, 2.8],
        )
    elif log.get("reflections_by_stage"):  # a record signed before reflections were kept whole
        doc.p(
            f"Reflections recorded at each stage of the {log.get('reflective_model') or 'cycle'}: "
            + "; ".join(f"{r['stage']} {r['count']}" for r in log["reflections_by_stage"])
            + ".",
            "muted",
        )

    doc.h2(APPENDIX2_HEADINGS[6])
    cross = [p for p in points if p["scope"] == "cross_agency"]
    if cross:
        doc.table(
            ["Learning point", "Themes", "Shared with the CRC"],
            [
                [p["text"], ", ".join(p["themes"]), "Yes" if p["share_with_crc"] else "No"]
                for p in cross
            ],
            [10, 4, 2],
        )
    else:
        doc.p("None recorded.")

    doc.h2(APPENDIX2_HEADINGS[7])
    single = [p for p in points if p["scope"] == "single_agency"]
    if single:
        doc.table(
            ["Agency", "Learning point", "Themes", "Shared with the CRC"],
            [
                [
                    p["agency"] or "",
                    p["text"],
                    ", ".join(p["themes"]),
                    "Yes" if p["share_with_crc"] else "No",
                ]
                for p in sorted(single, key=lambda p: p["agency"] or "")
            ],
            [3, 8, 3, 2],
        )
    else:
        doc.p("None recorded.")

    doc.h2(APPENDIX2_HEADINGS[8])
    doc.p(or_not_recorded(log.get("conclusions")))

    doc.h2(APPENDIX2_HEADINGS[9])
    actions = log.get("actions") or []
    if actions:
        doc.table(
            ["Action", "Owner", "Due", "Status", "Evidence of impact"],
            [
                [
                    a["description"],
                    a["owner"] + (f" ({a['agency']})" if a.get("agency") else ""),
                    long_date(a.get("due")),
                    a["status"],
                    a.get("evidence") or "",
                ]
                for a in actions
            ],
            [5, 3.2, 2.6, 2, 4.2],
        )
    else:
        doc.p("No actions were agreed.")

    doc.h2(APPENDIX2_HEADINGS[10])
    doc.pairs(
        [
            (
                "Signed",
                signature_line(
                    log.get("signed_name"), log.get("signed_by"), log.get("signed_on_behalf")
                )
                if signed
                else "Not signed: draft",
            ),
            ("Chair", log.get("chair_name") or ""),
            ("Date", long_date(log.get("signed_at")) if signed else ""),
        ]
    )
    return doc
