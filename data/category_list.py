"""The shipped event categories and word rules: pure data, no database (see data.categories).

Each category has its own marker shape and a colour from the accessible palette; the rules
propose a category from an agency's event type (syntax in data.categories and
docs/categories.md, which `python -m data.category_list` writes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OTHER = "Other"


@dataclass(frozen=True)
class Category:
    name: str
    position: int
    symbol: str  # a plotly marker symbol name
    colour: str
    description: str = ""


# The shipped list. Each has its own shape, so the colour is never the only carrier; colours
# are the accessible palette (at least 3:1 on white), strong ones for safeguarding processes.
SHIPPED_CATEGORIES: tuple[Category, ...] = (
    Category("Birth and family", 1, "star-diamond", "#6a3d9a", "pregnancy, birth, family changes"),
    Category(
        "Referral and contact", 2, "triangle-right", "#0b5394", "contacts, referrals, notifications"
    ),
    Category(
        "Concern and disclosure",
        3,
        "diamond-tall",
        "#8f4a00",
        "concerns raised, disclosures, allegations",
    ),
    Category("Assessment", 4, "square", "#005f73", "social care and other assessments"),
    Category(
        "Strategy and Section 47",
        5,
        "diamond",
        "#c0392b",
        "strategy discussions, Section 47 enquiries",
    ),
    Category("Child protection", 6, "star", "#a0236e", "conferences, plans, core groups"),
    Category(
        "Child in need and early help",
        7,
        "star-triangle-up",
        "#00704a",
        "CIN, early help, family support",
    ),
    Category(
        "Looked after and placement", 8, "star-square", "#7f5539", "care, placements, proceedings"
    ),
    Category("Domestic abuse", 9, "bowtie", "#d4351c", "incidents, MARAC, DASH"),
    Category(
        "Police and youth justice",
        10,
        "triangle-down",
        "#0b0c0c",
        "police contact, crime, youth justice",
    ),
    Category(
        "Missing and exploitation", 11, "triangle-up", "#b45f06", "missing episodes, CSE, CCE"
    ),
    Category("Health contact", 12, "circle", "#1d70b8", "GP, health visiting, hospital"),
    Category("Was not brought", 13, "x", "#a50f15", "missed appointments, no access"),
    Category("Education", 14, "cross", "#5b4a00", "attendance, exclusion, SEN"),
    Category("Housing and moves", 15, "triangle-left", "#005a30", "tenancy, homelessness, moves"),
    Category("Closure and step down", 16, "hourglass", "#505a5f", "closures, step down, transfers"),
    Category(OTHER, 17, "diamond-wide", "#6f777b", "no rule matched; an agency can choose"),
)

# Symbols an admin's new category takes, in order, once the shipped ones are used: each a shape
# no other category has, drawn small. The crossed ones (square-x...) draw their cross in white
# (components.category_style), so that they never read as the plain shipped square, circle or
# diamond; no round blob (pentagon, hexagon, octagon), which would read as the circle.
SPARE_SYMBOLS = (
    "hexagram", "star-triangle-down", "square-x", "circle-x", "diamond-x", "square-cross",
    "circle-cross", "diamond-cross", "triangle-ne", "triangle-sw", "triangle-nw", "triangle-se",
)  # fmt: skip

# Shapes that look alike (roundish blobs) in a timeline drawn small: the whole list (shipped and
# spare) uses at most one of them.
ROUNDISH_SYMBOLS = frozenset({"circle", "pentagon", "hexagon", "hexagon2", "octagon"})
SPARE_COLOURS = ("#3d3d3d", "#6a3d9a", "#005f73", "#7f5539", "#0b5394", "#00704a", "#a0236e")

# (category, phrases) in the order they are tried: specific phrases before general ones.
SHIPPED_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Was not brought", (
        "was not brought", "not brought", "wnb", "did not attend", "dna", "did not bring",
        "missed appointment", "missed appt", "missed app*", "failed to attend", "no access",
        "no show", "not seen", "cancelled by parent", "could not access",
    )),
    ("Education", (
        "child missing education", "children missing education", "cme", "pupil referral unit",
        "pru", "education welfare", "ewo",
    )),
    ("Police and youth justice", ("referral order", "youth justice", "yjs", "yot", "yos")),
    ("Birth and family", ("birth notification", "notification of birth")),
    ("Education", ("attendance concern", "behaviour incident", "behaviour log")),
    ("Assessment", ("parenting assessment", "pre birth assessment", "viability assessment")),
    ("Missing and exploitation", (
        "missing", "mfh", "misper", "absent from placement", "absent from home",
        "return home interview", "return interview", "rhi", "cse", "cce",
        "child sexual exploitation", "child criminal exploitation", "exploit*", "county lines",
        "nrm", "national referral mechanism", "trafficking", "modern slavery", "gang*",
        "radicalisation", "prevent", "channel panel",
    )),
    ("Domestic abuse", (
        "domestic*", "dv", "dva", "da", "marac", "dash", "coercive control", "clares law",
        "clare s law", "dvpn", "dvpo", "idva", "honour based", "refuge", "non molestation",
    )),
    ("Strategy and Section 47", (
        "strategy*", "s47", "s 47", "section 47", "sec 47", "child protection enquiry",
        "child protection investigation", "cp enquiry", "cp investigation", "joint visit",
        "joint investigation", "abe interview", "achieving best evidence", "cp medical",
        "child protection medical",
    )),
    ("Child protection", (
        "child protection conference", "icpc", "rcpc", "cp conference", "initial conference",
        "review conference", "case conference", "pre birth conference", "core group*",
        "child protection plan", "cp plan", "cpp", "child protection", "cp review",
        "cp visit", "cp registration", "subject to a plan",
    )),
    ("Looked after and placement", (
        "looked after", "lac", "cla", "in care", "into care", "placement*", "placed with",
        "foster*", "section 20", "s20", "care order", "interim care order", "ico",
        "emergency protection order", "epo", "police protection", "care proceedings",
        "pre proceedings", "plo", "public law outline", "childrens home", "residential",
        "kinship", "special guardianship", "sgo", "adoption", "adopted", "reunification",
        "leaving care", "care leaver", "pathway plan", "iro", "independent reviewing officer",
        "secure accommodation", "family court", "court hearing", "court order",
    )),
    ("Closure and step down", (
        "step down", "stepped down", "stepdown", "case closure", "case closed", "closure*",
        "closed", "nfa", "no further action", "discharged from", "transfer out",
        "transferred out", "case transfer", "end of involvement", "ended",
    )),
    ("Health contact", (
        "school nurse", "a and e", "a e", "ae", "emergency department", "ed attendance",
        "hospital admission", "health assessment", "camhs", "mental health",
    )),
    ("Referral and contact", (
        "=contact", "referral*", "referred", "re referral", "mash", "front door", "contact and referral",
        "contact referral", "initial contact", "mash contact", "contact record",
        "new contact", "request for support", "request for service", "request for help",
        "notification", "notified", "ppn", "public protection notice", "merlin", "vpr",
        "vulnerable person report", "child coming to notice", "ccn", "ppd", "police report to",
        "lado",
    )),
    ("Police and youth justice", (
        "arrest*", "crime", "crimes", "offence*", "offending", "offender", "charged",
        "charge", "caution*", "youth offending",
        "court", "custody", "police", "incident", "asb", "anti social", "antisocial",
        "stop and search", "stop search", "intelligence", "information report",
        "welfare check", "concern for welfare", "999", "101", "assault*", "burglary",
        "theft", "criminal", "remand*", "bail", "out of court",
        "community resolution", "victim", "witness", "occurrence", "storm", "pnc",
        "harassment", "robbery", "weapon*", "knife", "drugs possession", "possession",
    )),
    ("Child in need and early help", (
        "child in need", "children in need", "cin", "early help", "eha", "caf",
        "team around the family", "team around the child", "taf", "tac", "family support",
        "troubled families", "supporting families", "family hub", "childrens centre",
        "parenting", "section 17", "s17", "mentoring", "mentor", "support session",
        "youth work*", "key work*", "family group conference", "fgc", "1 1 session",
        "one to one", "group session", "support group", "drop in",
    )),
    ("Concern and disclosure", (
        "concern*", "disclosure", "disclosed", "allegation*", "worry", "cpoms", "cause for",
        "safeguarding log", "safeguarding",
    )),
    ("Birth and family", (
        "birth", "born", "antenatal", "ante natal", "pregnan*", "booking", "postnatal",
        "post natal", "pre birth", "death", "died", "bereave*", "new partner", "separation",
        "separated", "sibling", "marriage", "family change", "change in household",
        "household change",
    )),
    ("Education", (
        "school*", "attendance", "absence*", "absent", "exclu*", "suspension", "suspended",
        "fixed term", "fte", "sen", "send", "senco", "sen support", "ehcp", "ehc",
        "education*", "elective home education", "ehe", "admission", "transition",
        "managed move", "alternative provision", "truancy", "truant", "lateness", "late",
        "detention", "isolation", "nursery", "pastoral", "dsl", "teacher", "behaviour",
        "pep", "personal education plan", "off rolled", "part time timetable", "attainment",
        "report card", "parents evening",
    )),
    ("Housing and moves", (
        "housing", "tenancy", "tenant", "rent", "arrears", "evict*", "homeless*",
        "temporary accommodation", "house move", "moved", "move", "moving",
        "change of address", "new address", "address change", "relocat*", "section 21",
        "notice to quit", "repair*", "disrepair", "hmo", "property", "landlord",
        "neighbour dispute", "bed and breakfast", "b and b", "accommodation",
    )),
    ("Health contact", (
        "gp", "general practi*", "health visit*", "health visitor*", "hv", "midwife",
        "midwifery", "hospital", "admitted", "appointment", "appt", "clinic", "paediatric*",
        "dental", "dentist", "immunisation*", "vaccination*", "development review",
        "developmental review", "2 year review", "health review", "sexual health",
        "substance misuse", "drug and alcohol", "alcohol", "medical", "nurse", "nursing",
        "injury", "injuries", "fracture", "bruis*", "minor injur*", "walk in", "111",
        "ambulance", "discharge*", "ward", "therapy", "speech and language", "salt",
        "occupational therapy", "physio*", "audiology", "optician", "prescription",
        "medication", "self harm", "overdose", "health*", "consultation", "surgery",
        "diagnosis", "emergency", "urgent care", "out of hours", "ooh",
    )),
    ("Assessment", (
        "assessment*", "assess*", "single assessment", "c and f", "core assessment",
        "initial assessment", "parenting assessment", "risk assessment", "viability",
    )),
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Words


_WORDS = re.compile(r"[^a-z0-9*]+")


def phrase_words(phrase: str) -> str:
    """A rule phrase as the rules compare it (the SQL macro category_words does the same to
    types); a leading `=` (whole type only) is kept."""
    text = (phrase or "").strip()
    whole = text.startswith("=")
    text = text.lstrip("=").lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = _WORDS.sub(" ", text).strip()
    return f"={words}" if whole and words else words


def shipped_rule_rows() -> list[tuple[str, str]]:
    """The shipped rules as (phrase, category) in the order they are tried."""
    return [(phrase_words(p), cat) for cat, phrases in SHIPPED_RULES for p in phrases]


def shipped_markdown() -> str:
    """docs/categories.md: the shipped list with its markers, and the rules in their order."""
    lines = [
        "# Event categories and the shipped word rules",
        "",
        "Generated from `data/category_list.py` (`python -m data.category_list > docs/categories.md`);",
        "a test keeps the two the same. An administrator changes both on the Categories page.",
        "",
        "A rule is a phrase of words. It matches an event type that holds those words in that",
        "order, whatever the case, punctuation and spacing (`S.47`, `s47` and `Section 47` are",
        "the words `s 47`, `s47` and `section 47`; `&` reads as `and`, apostrophes are dropped).",
        "`*` ends a word prefix (`exclu*` matches Exclusion and Excluded); a leading `=` matches",
        "only the whole type (`=contact` matches Contact, not Parent contact). Rules are tried in",
        "the order below and the first match wins, so specific phrases come before general ones.",
        "A type no rule matches is **Other**: nothing is refused, and the uploader can choose.",
        "What an agency's uploader chooses for a type is remembered for that agency and wins",
        "over the rules.",
        "",
        "## Categories",
        "",
        "| category | marker | colour | covers |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {c.name} | {c.symbol} | `{c.colour}` | {c.description} |" for c in SHIPPED_CATEGORIES
    ]
    lines += ["", "## Rules, in the order they are tried", ""]
    for category, phrases in SHIPPED_RULES:
        lines.append(f"- **{category}**: " + ", ".join(f"`{phrase_words(p)}`" for p in phrases))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(shipped_markdown(), end="")
