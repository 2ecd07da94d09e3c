"""Only signed-off, reviewed learning leaves the case: the whole path through the store, read
back from every crc_* view the committee (and a published bundle) can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from data import learning
from data.errors import Forbidden, InvalidInput
from data.glossary import list_glossary, remove_entry, save_entry, view_anonymiser
from data.record import save_draft, sign_off, start_amendment
from data.shared_wording import CHANGED, CONFIRMED, NOT_REVIEWED, confirm_wording, review_items
from data.users import get_user
from tests.support.committee import everything_the_committee_can_read
from tests.support.rpm_case import CASE, CHILD, NOT_SHARED, RECORD, SHARED

GLOSSARY_NAMES = ("Kelly Smith", "Kel", "Dean Carter")
RAW = (
    "Mum Kelly Smith (DOB 03/02/1990) and her partner Dean Carter moved to 14 Elm Road, "
    "LS6 2QT on 14/03/2019; Kel gave 07700 900123 and kelly@example.com."
)


def committee_counts(store) -> dict[str, int]:
    return {
        view: store.query_one(f"SELECT count(*) FROM {view}")[0]
        for view in ("crc_learning_points", "crc_learning_themes", "crc_shared_learning",
                     "crc_summaries", "crc_actions", "crc_barriers")
    }  # fmt: skip


@pytest.fixture
def case(rpm_store):
    """The RPM case with a glossary and a second shared point naming the family."""
    store = rpm_store
    chair = get_user(store, "pokafor")
    save_entry(store, chair, CASE, "Mother", "Kelly Smith\nKel")
    save_entry(store, chair, CASE, "Mother's partner", "Dean Carter")
    learning.add_learning_point(
        store, chair, CASE, scope="cross_agency", text=RAW, themes=["Neglect"], share_with_crc=True
    )
    save_draft(store, chair, CASE, **RECORD)
    return store, chair


def review_all(store, chair) -> None:
    for item in review_items(store, chair, CASE):
        if item.status != CONFIRMED:
            confirm_wording(store, chair, CASE, item.learning_id, item.proposed_text)


def assert_nothing_identifying(store) -> None:
    text = everything_the_committee_can_read(store)
    for name in (*GLOSSARY_NAMES, "Child J", "Alex Brown", CASE, SHARED, RAW, NOT_SHARED):
        assert name.lower() not in text.lower(), name
    for identifier in ("03/02/1990", "14 Elm Road", "LS6 2QT", "07700 900123", "@example.com"):
        assert identifier not in text, identifier


def test_learning_reaches_the_committee_only_signed_and_reviewed(case):
    store, chair = case
    # Flagged and drafted, but the new point is not reviewed and nothing is signed: absent.
    assert {i.status for i in review_items(store, chair, CASE)} == {CONFIRMED, NOT_REVIEWED}
    assert committee_counts(store) == dict.fromkeys(committee_counts(store), 0)
    with pytest.raises(InvalidInput, match="redaction review of 1 learning point"):
        sign_off(store, chair, CASE)
    # Reviewed but not signed: still absent.
    review_all(store, chair)
    assert committee_counts(store)["crc_shared_learning"] == 0
    sign_off(store, chair, CASE)
    shared = store.query("SELECT record_version, text FROM crc_shared_learning ORDER BY text")
    assert [v for v, _ in shared] == [1, 1]
    texts = [t for _, t in shared]
    assert (
        "Information from school about the child and the designated safeguarding lead"
        " was not shared with health" in texts
    )
    assert (
        "Mum Mother [date of birth removed] and her partner Mother's partner moved to an address,"
        " [postcode] in spring 2019; Mother gave [phone number] and [e-mail address]." in texts
    )
    assert store.query_one("SELECT record_version FROM crc_summaries")[0] == 1
    assert committee_counts(store)["crc_actions"] == 1
    assert_nothing_identifying(store)
    # The point not flagged for the committee never reaches it.
    assert store.query_one("SELECT count(*) FROM crc_learning_points")[0] == 2

    # Amending withdraws the case's learning, summary and actions until the new version is signed.
    start_amendment(store, chair, CASE, "A learning point reworded")
    assert committee_counts(store) == dict.fromkeys(committee_counts(store), 0)
    # The reviewed wording stays current while the meeting's wording is unchanged...
    sign_off(store, chair, CASE)
    assert set(store.query("SELECT record_version FROM crc_shared_learning")) == {(2,)}
    # ...and editing a shared point asks for a new review before the next sign-off.
    start_amendment(store, chair, CASE, "again")
    point = next(p for p in learning.list_learning_points(store, chair, CASE) if p.text == RAW)
    learning.edit_learning_point(
        store, chair, CASE, point.learning_id, scope="cross_agency", text=RAW + " Kel again.",
        themes=["Neglect"], share_with_crc=True,
    )  # fmt: skip
    assert CHANGED in {i.status for i in review_items(store, chair, CASE)}
    with pytest.raises(InvalidInput, match="redaction review"):
        sign_off(store, chair, CASE)
    review_all(store, chair)
    sign_off(store, chair, CASE)
    assert set(store.query("SELECT record_version FROM crc_summaries")) == {(3,)}
    assert_nothing_identifying(store)


def test_the_review_refuses_wording_that_still_identifies_and_keeps_history(case):
    store, chair = case
    item = next(i for i in review_items(store, chair, CASE) if i.meeting_text == RAW)
    assert {m.kind for m in item.marks} >= {"glossary", "dob", "address", "postcode", "date",
                                            "phone", "email"}  # fmt: skip
    for leaky, why in (
        (RAW, "name in the case glossary"),
        ("The mother's partner, Dean, was not checked", "Dean"),
        ("Mother gave 07700 900123", "phone number"),
        ("The child, born 11/03/2014, was not seen", "date of birth"),
        (f"{CHILD} was not seen", "name in the case glossary"),
    ):
        with pytest.raises(InvalidInput, match=f"still identifies someone: .*{why}"):
            confirm_wording(store, chair, CASE, item.learning_id, leaky)
    first = confirm_wording(store, chair, CASE, item.learning_id, "Mother's partner moved in")
    second = confirm_wording(store, chair, CASE, item.learning_id, item.proposed_text)
    history = store.query(
        "SELECT wording_id, meeting_text, shared_text FROM learning_shared_wording"
        " WHERE learning_id = ? ORDER BY wording_id",
        [item.learning_id],
    )
    assert [h[0] for h in history] == [first, second]  # both kept, beside the meeting's wording
    assert {h[1] for h in history} == {RAW}
    assert next(
        i for i in review_items(store, chair, CASE) if i.learning_id == item.learning_id
    ).shared_text == " ".join(item.proposed_text.split())
    # Once signed, the wording is locked with the record.
    sign_off(store, chair, CASE)
    with pytest.raises(InvalidInput, match="signed off and locked"):
        confirm_wording(store, chair, CASE, item.learning_id, "Changed")


def test_only_the_chair_or_an_admin_reviews_and_keeps_the_glossary(case):
    store, _chair = case
    agency_user = get_user(store, "swhitfield")  # sees the case through its agency
    (item, *_) = review_items(store, agency_user, CASE)  # may read it
    with pytest.raises(Forbidden):
        confirm_wording(store, agency_user, CASE, item.learning_id, "x")
    with pytest.raises(Forbidden):
        save_entry(store, agency_user, CASE, "Father", "Mark Smith")
    assert [e.role_label for e in list_glossary(store, agency_user, CASE)] == [
        "Mother",
        "Mother's partner",
    ]


def test_glossary_entries_are_checked_and_grow(case):
    store, chair = case
    with pytest.raises(InvalidInput, match="contains the name"):
        save_entry(store, chair, CASE, "Kelly's sister", "Kelly")
    with pytest.raises(InvalidInput, match="already has 'Mother'"):
        save_entry(store, chair, CASE, "mother", "Someone Else")
    with pytest.raises(InvalidInput, match="at least one name"):
        save_entry(store, chair, CASE, "Father", " ,; ")
    entry = save_entry(store, chair, CASE, "Health visitor 1", "Anita Patel, Nita; Anita Patel")
    assert entry.names == ("Anita Patel", "Nita")
    moved = save_entry(store, chair, CASE, "Health visitor 2", "Anita Patel", entry.entry_id)
    assert moved.entry_id == entry.entry_id
    remove_entry(store, chair, CASE, entry.entry_id)
    assert "Health visitor 2" not in [e.role_label for e in list_glossary(store, chair, CASE)]


def test_anonymised_view_replaces_the_case_peoples_names_with_role_labels(case):
    store, chair = case
    anon = view_anonymiser(store, chair, CASE)
    assert anon("Kel and Dean Carter saw Child J (fictional demo) with Alex Brown") == (
        "Mother and Mother's partner saw Child J (fictional demo) with the designated"
        " safeguarding lead"
    )  # the pseudonym is what the case's pages call the child: it stays


def test_nothing_the_committee_downloads_holds_a_name_or_identifier(case, tmp_path):
    """Beyond the views: Appendix 3 by case key, the briefings and a published bundle."""
    import io

    import docx
    import duckdb

    from app import document_files
    from data.actor import SYSTEM
    from data.crc import case_key_of
    from data.publish import publish
    from data.users import add_user

    store, chair = case
    review_all(store, chair)
    sign_off(store, chair, CASE)
    crc = add_user(store, "committee", "crc", "crc-member-password-1")
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    key = case_key_of(store, case_id)

    def docx_text(content: bytes) -> str:
        document = docx.Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)

    got = {
        "summary": docx_text(document_files.committee_summary_file(store, crc, key)),
        "briefing": docx_text(document_files.briefing_file(store, crc, "docx", case_key=key)),
        "theme briefing": docx_text(
            document_files.briefing_file(store, crc, "docx", theme="Neglect")
        ),
    }
    assert document_files.committee_summary_file(store, crc, key, "pdf")[:4] == b"%PDF"
    bundle = publish(store, SYSTEM, tmp_path, "TESTPART")
    for parquet in sorted(Path(bundle.path).glob("*.parquet")):
        got[parquet.name] = "\n".join(
            " ".join(str(v) for v in row)
            for row in duckdb.sql(f"SELECT * FROM '{parquet}'").fetchall()
        )
    assert len(got) > 5  # the bundle's files were read
    assert "Mother's partner" in got["summary"]  # the reviewed wording is there...
    for what, text in got.items():  # ...and nothing that identifies
        for name in (*GLOSSARY_NAMES, "Child J", "Alex Brown", CASE, RAW, NOT_SHARED):
            assert name.lower() not in text.lower(), (what, name)
        for identifier in ("03/02/1990", "14 Elm Road", "LS6 2QT", "07700 900123", "@example"):
            assert identifier not in text, (what, identifier)
