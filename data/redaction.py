"""Finding what could identify someone in a learning point, and the wording that replaces it.

Pure functions, no database. The case glossary is the first source: each of its names and
aliases (and each part of a name) becomes the person's role label. Pattern recognisers then
mark e-mail addresses, dates of birth, addresses, schools and other named places, phone
numbers, NHS numbers, postcodes, dates, other reference numbers, street names and any other
capitalised name. Dates are generalised to a season ("in spring 2019"), places to their kind
("a primary school"), and the rest to a bracketed word.

Our own recognisers rather than a library's: presidio-analyzer needs a spaCy language model
(a download) even for its pattern recognisers, and scrubadub pulls in NLTK/TextBlob corpora.
These are tested on a corpus of learning sentences (tests/test_redaction.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

KIND_NAMES = {
    "glossary": "name in the case glossary",
    "email": "e-mail address",
    "dob": "date of birth",
    "address": "address",
    "place": "school or other named place",
    "phone": "phone number",
    "nhs_number": "NHS number",
    "postcode": "postcode",
    "date": "date",
    "reference": "reference number",
    "street": "street name",
    "name": "other capitalised name",
}
# What may never remain in a confirmed shared wording.
BLOCKING_KINDS = ("glossary", "email", "dob", "phone", "nhs_number", "postcode")

NAME_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "st"}
MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}  # fmt: skip
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring"}
SEASONS.update({6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"})

# Capitalised words that are not names in this setting: roles, services, agencies, calendar.
_COMMON = """
    A An The This That These Those There Their They Then When While Where What Why How Who
    After Before During Following Since Until Although Because However Also And But Or If On
    In At By For From Of To With Without Over Under About Across Between Within No Not I We
    He She It His Her Its Our Both Each Every All Some Any Nobody Someone One Two Mum Mother
    Dad Father Stepfather Stepmother Parent Parents Carer Carers Grandmother Grandfather Nan
    Grandad Partner Boyfriend Girlfriend Baby Child Children Sibling Siblings Brother Sister
    Uncle Aunt Cousin Family Young Person Professional Professionals Police Officer Health
    Visitor Visiting Midwife Midwifery School Nursery College Teacher Head Headteacher
    Designated Safeguarding Lead DSL Social Worker Care Children's Services Service Team
    Council Housing Officer Landlord GP Doctor Nurse Hospital Emergency Department
    Paediatric Paediatrician Mental CAMHS Adult Adults Early Help Family Support Network
    Youth Offending Probation Voluntary Sector Agency Agencies Multi Multi-agency Strategy
    Meeting Conference Core Group Plan Protection Child Protection Section Assessment
    Referral Referrals Review Reflective Practice Committee Case Partnership Board Domestic
    Abuse Violence Neglect Neglected Missing Exploitation Contact Contacts Information
    Sharing Voice Learning Action Actions Concern Concerns Office Unit Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday Christmas Easter Covid English British Ofsted
    MASH MARAC NHS A&E RPM CRC Spring Summer Autumn Winter Term Half Year Years Month Months
    Week Weeks Day Days
"""
COMMON_WORDS = {w.lower() for w in _COMMON.split()} | set(MONTHS)

_WORD = r"[A-Z][a-z'\u2019\-]+"
STREET_TYPES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Court|Place|Gardens|"
    "Grove|Terrace|Hill|Square|Walk|Row|Mews|Rise|Parade|Green|Estate|Boulevard"
)
_DAY = r"(?:[0-2]?\d|3[01])(?:st|nd|rd|th)?"
_MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_NUMERIC_DATE = r"\b(?:[0-2]?\d|3[01])[/.\-](?:0?\d|1[0-2])[/.\-](?:\d{4}|\d{2})\b"
_ISO_DATE = r"\b(?:19|20)\d\d-(?:0?\d|1[0-2])-(?:[0-2]?\d|3[01])\b"
_TEXT_DATE = (
    rf"\b(?:{_DAY}\s+(?:of\s+)?{_MONTH_NAME}(?:,?\s+(?:19|20)\d\d)?"
    rf"|{_MONTH_NAME}\s+{_DAY}(?:,?\s+(?:19|20)\d\d)?"
    rf"|{_MONTH_NAME}\s+(?:19|20)\d\d)\b"
)
_ANY_DATE = rf"(?:{_NUMERIC_DATE}|{_ISO_DATE}|{_TEXT_DATE})"

# (kind, pattern, flags): applied in this order; an earlier mark wins where two overlap.
PATTERNS: tuple[tuple[str, str, int], ...] = (
    ("email", r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b", 0),
    (
        "dob",
        rf"(?:\(\s*)?\b(?:DOB|D\.O\.B\.?|date of birth|born(?:\s+on)?)\b[:\s]*{_ANY_DATE}(?:\s*\))?",
        re.IGNORECASE,
    ),
    (
        "address",
        (
            rf"\b(?:(?:Flat|Apartment|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+"
            rf"(?:{_WORD}\s+){{1,3}}(?:{STREET_TYPES})\b\.?"
        ),
        0,
    ),
    (
        "place",
        (
            rf"\b(?:St\.?\s+|Saint\s+)?(?:{_WORD}\s+){{1,4}}(?:(?:C of E|CE|RC|Catholic|Church)\s+)?"
            r"(?:Primary School|Infant School|Junior School|Secondary School|High School|Grammar School|"
            r"Academy|School|College|Nursery|Surgery|Medical Centre|Health Centre|Hospital|Infirmary|"
            r"Children['\u2019]s Centre|Family Centre|Hostel|Refuge)\b"
        ),
        0,
    ),
    (
        "phone",  # a bracket is taken only around the area code: "(023) 9268 8000"
        (
            r"(?<![\w+])(?:\+44\s?(?:\(0\))?\s?\d{2,4}|\(0\d{2,4}\)|0\d{2,4})"
            r"[\s\-]?\d{3,4}[\s\-]?\d{3,4}\b"
        ),
        0,
    ),
    ("nhs_number", r"\b\d{3}[\s\-]?\d{3}[\s\-]?\d{4}\b", 0),
    (
        "postcode",
        r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s*\d[ABD-HJLNP-UW-Z]{2}\b",
        re.IGNORECASE,
    ),
    ("date", _ANY_DATE, re.IGNORECASE),
    (
        "reference",
        r"\b(?:[A-Z]{2}\d{6}[A-D]\b|(?:[A-Z]{1,5}[\-/]?)?\d[\d/\-]{3,}\d[A-Z]?\b)",
        0,
    ),
    ("street", rf"\b(?:{_WORD}\s+){{1,3}}(?:{STREET_TYPES})\b", 0),
)
_COMPILED = tuple((kind, re.compile(p, flags)) for kind, p, flags in PATTERNS)
_CAPITALISED = re.compile(rf"\b{_WORD}(?:\s+{_WORD})*")


@dataclass(frozen=True)
class GlossaryTerm:
    """A person of the case: the label the committee may read, and the names it replaces."""

    role_label: str
    names: tuple[str, ...]
    by_parts: bool = True  # also each part of a name ("Smith" of "Jordan Smith")


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str
    text: str
    replacement: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "replacement": self.replacement}


def _name_variants(name: str) -> set[str]:
    """A name whole and each part of it (three letters or more, not a title)."""
    name = " ".join(name.split())
    if not name:
        return set()
    parts = {p for p in re.split(r"[\s.]+", name) if len(p) >= 3 and p.lower() not in NAME_TITLES}
    return {name, *parts}


def glossary_lookup(terms: Iterable[GlossaryTerm]) -> list[tuple[str, str]]:
    """(name or part, role label), longest first, so "Jordan Smith" wins over "Jordan"."""
    found: dict[str, str] = {}
    for term in terms:
        for name in term.names:
            whole = " ".join(name.split())
            for variant in _name_variants(name) if term.by_parts else {whole} - {""}:
                found.setdefault(variant.lower(), term.role_label)
    return sorted(found.items(), key=lambda kv: -len(kv[0]))


def _season(month: int, year: str | None) -> str:
    return SEASONS[month] + (f" {year}" if year else "")


def generalise_date(text: str) -> str:
    """Pure: a date as its season and year: "14/03/2019" -> "spring 2019"."""
    t = text.strip().rstrip(".")
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})", t)
    if m:
        year = m.group(3) if len(m.group(3)) == 4 else "20" + m.group(3)
        return _season(int(m.group(2)), year)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t)
    if m:
        return _season(int(m.group(2)), m.group(1))
    month = next(
        (
            MONTHS[w.lower().rstrip(".")]
            for w in re.findall(r"[A-Za-z]+\.?", t)
            if w.lower().rstrip(".") in MONTHS
        ),
        None,
    )
    year = re.search(r"(?:19|20)\d\d", t)
    if month is None:
        return "a date"
    return _season(month, year.group(0) if year else None)


PLACE_WORDS = (
    (r"Primary|Infant|Junior", "a primary school"),
    (r"Secondary|High School|Grammar|Academy", "a secondary school"),
    (r"Nursery", "a nursery"),
    (r"College", "a college"),
    (r"Surgery|Medical Centre|Health Centre", "a GP surgery"),
    (r"Hospital|Infirmary", "a hospital"),
    (r"Children['\u2019]s Centre|Family Centre", "a children's centre"),
    (r"Hostel|Refuge", "a hostel"),
    (r"School", "a school"),
)


def _replacement(kind: str, text: str) -> str:
    if kind == "date":
        return generalise_date(text)
    if kind == "place":
        return next(label for words, label in PLACE_WORDS if re.search(words, text))
    return {
        "email": "[e-mail address]",
        "dob": "[date of birth removed]",
        "address": "an address",
        "phone": "[phone number]",
        "nhs_number": "[NHS number]",
        "postcode": "[postcode]",
        "reference": "[reference]",
        "street": "a street",
        "name": "[name]",
    }[kind]


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in taken)


def find_identifiers(
    text: str, terms: Iterable[GlossaryTerm] = (), known_words: Iterable[str] = ()
) -> list[Mark]:
    """Pure: every span of `text` that could identify someone, in text order, not overlapping.

    `known_words` are capitalised words that are not names here (agency and theme names, the
    role labels): they are never marked as "other capitalised name".
    """
    text = text or ""
    terms = list(terms)
    marks: list[Mark] = []
    taken: list[tuple[int, int]] = []

    def take(start: int, end: int, kind: str, replacement: str | None = None) -> None:
        if start < end and _free(taken, start, end):
            span = text[start:end]
            marks.append(Mark(start, end, kind, span, replacement or _replacement(kind, span)))
            taken.append((start, end))

    # Structured identifiers first (an e-mail holds a name; an address holds a street).
    for kind, pattern in _COMPILED[:2]:
        for m in pattern.finditer(text):
            take(m.start(), m.end(), kind)
    for variant, label in glossary_lookup(terms):
        for m in re.finditer(rf"(?<![\w@]){re.escape(variant)}(?![\w@])", text, re.IGNORECASE):
            take(m.start(), m.end(), "glossary", label)
    for kind, pattern in _COMPILED[2:]:
        for m in pattern.finditer(text):
            take(m.start(), m.end(), kind)
    labels = {w.lower() for t in terms for w in re.findall(r"[\w'\u2019]+", t.role_label)}
    common = COMMON_WORDS | labels | {w.lower() for k in known_words for w in k.split()}
    for m in _CAPITALISED.finditer(text):
        words = m.group(0).split()
        # Strip leading/trailing common words: "Mum Dean Carter" -> "Dean Carter".
        start = m.start()
        while words and _is_common(words[0], common):
            start = text.index(words[0], start) + len(words[0])
            words.pop(0)
        while words and _is_common(words[-1], common):
            words.pop()
        if not words:
            continue
        start = text.index(words[0], start)
        end = text.index(words[-1], start) + len(words[-1])
        if _sentence_start(text, start) and len(words) == 1:
            continue  # a capitalised word opening a sentence is usually an ordinary word
        take(start, end, "name")
    return sorted(marks, key=lambda mk: mk.start)


def _is_common(word: str, common: set[str]) -> bool:
    w = re.sub(r"['\u2019]s$", "", word).lower()
    return w in common or word.isupper()


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in ".!?:;\n"


def apply_marks(text: str, marks: Iterable[Mark]) -> str:
    """Pure: the text with each mark replaced; "on 14/03/2019" reads "in spring 2019"."""
    out, pos = [], 0
    for mark in sorted(marks, key=lambda m: m.start):
        before = text[pos : mark.start]
        on = re.search(r"\b([Oo])n\s+(?:the\s+)?$", before)
        if mark.kind == "date" and on and mark.replacement != "a date":
            before = before[: on.start()] + ("In " if on.group(1) == "O" else "in ")
        out.append(before)
        out.append(mark.replacement)
        pos = mark.end
    out.append(text[pos:])
    return "".join(out)


def propose_wording(
    text: str, terms: Iterable[GlossaryTerm] = (), known_words: Iterable[str] = ()
) -> tuple[str, list[Mark]]:
    """Pure: the shared wording the review proposes, and the marks behind it."""
    marks = find_identifiers(text, terms, known_words)
    return apply_marks(text, marks), marks


def remaining_identifiers(
    text: str, terms: Iterable[GlossaryTerm] = (), known_words: Iterable[str] = ()
) -> list[Mark]:
    """Pure: identifiers still in a wording that may never reach the committee."""
    return [m for m in find_identifiers(text, terms, known_words) if m.kind in BLOCKING_KINDS]


# Month names that are also given names (May, June, April, August...), kept inside dates.
_MONTH_WORDS = {name for name, number in MONTHS.items() if len(name) > 3 or number == 5}


def anonymiser(terms: Iterable[GlossaryTerm]) -> Callable[[str], str]:
    """Pure: a function replacing the glossary's names by role labels (the anonymised view),
    its pattern compiled once.

    A whole name matches in any case ("KELLY SMITH"); a single word of a name only when it
    starts with a capital, so that "will", "may" or "page" in ordinary text stay as they are;
    and a month that is also a name ("June") is kept inside a date ("12 June 2019").
    """
    lookup = glossary_lookup(terms)
    if not lookup:
        return lambda text: text
    alternatives = []
    for variant, _ in lookup:
        word = re.escape(variant)
        if " " not in variant:
            word = f"(?=(?-i:[A-Z\u00c0-\u00de])){word}"
        if variant in _MONTH_WORDS:
            word = rf"(?<!\d\s){word}(?!\s+\d)"
        alternatives.append(rf"(?<![\w@]){word}(?![\w@])")
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    labels = dict(lookup)

    def replace(text: str) -> str:
        if not text:
            return text
        return pattern.sub(lambda m: labels[" ".join(m.group(0).split()).lower()], text)

    return replace


def anonymise(text: str, terms: Iterable[GlossaryTerm]) -> str:
    """Pure: names in the glossary replaced by role labels (see `anonymiser`)."""
    return anonymiser(terms)(text)
