"""A whole case as JSON: exact round trip, ids remapped into a database with rows, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from data import case_archive, event_links, learning, patterns, reflections
from data.actor import SYSTEM
from data.demo import DEMO_CASE_REF
from data.errors import InvalidInput
from data.store import Store


def _fill(store) -> None:
    """Give the demo case some of everything: episodes, reflections, learning, actions, history."""
    with store.transaction() as cur:
        episode_id = cur.execute(
            "INSERT INTO episodes (case_id, title, start_date, end_date, assessment, created_by)"
            " SELECT case_id, 'Nursery', DATE '2017-09-01', DATE '2018-07-31', 'problem', 'x'"
            " FROM cases WHERE case_ref = ? RETURNING episode_id",
            [DEMO_CASE_REF],
        ).fetchone()[0]
    events = [e for (e,) in store.query("SELECT event_id FROM events ORDER BY event_id LIMIT 3")]
    rid = reflections.add_reflection(
        store,
        SYSTEM,
        DEMO_CASE_REF,
        target_kind="event",
        target_id=events[0],
        stage_key="feelings",
        question_key="barrier",
        text='Café "quotes", <tags> & ünïcode\nsecond line',
        agency="Police",
    )
    reflections.edit_reflection(
        store, SYSTEM, DEMO_CASE_REF, rid, stage_key="analysis", text="edited", agency="Police"
    )
    reflections.add_reflection(
        store,
        SYSTEM,
        DEMO_CASE_REF,
        target_kind="episode",
        target_id=episode_id,
        stage_key="description",
        text="episode note",
    )
    gone = reflections.add_reflection(
        store, SYSTEM, DEMO_CASE_REF, target_kind="case", stage_key="conclusion", text="gone"
    )
    reflections.withdraw_reflection(store, SYSTEM, DEMO_CASE_REF, gone)
    police, csc = (
        store.query_one("SELECT event_id FROM events WHERE source_ref = ?", [ref])[0]
        for ref in ("P-0003", "CSC-0005")
    )
    link = event_links.add_link(
        store, SYSTEM, DEMO_CASE_REF, police, csc, "referral sent / received", note="Café ü"
    )
    event_links.remove_link(store, SYSTEM, DEMO_CASE_REF, link, "wrong way round")
    event_links.add_link(store, SYSTEM, DEMO_CASE_REF, csc, police, "information requested")
    accepted, dismissed = [
        f for f in patterns.case_findings(store, SYSTEM, DEMO_CASE_REF)
        if f.kind == patterns.SUGGESTED_LINK
    ][:2]  # fmt: skip
    event_links.add_link(store, SYSTEM, DEMO_CASE_REF, *accepted.event_ids, accepted.link_type,
                         suggested=True)  # fmt: skip
    event_links.dismiss_suggestion(store, SYSTEM, DEMO_CASE_REF, *dismissed.event_ids,
                                   dismissed.link_type)  # fmt: skip
    reflections.add_reflection(
        store,
        SYSTEM,
        DEMO_CASE_REF,
        target_kind="event",
        target_id=police,
        stage_key="analysis",
        text="under a lens",
        lens_date="2014-09-11",
        lens_agency="Police",
    )
    learning.add_theme(store, SYSTEM, "Archive theme")
    lid = learning.add_learning_point(
        store,
        SYSTEM,
        DEMO_CASE_REF,
        scope="single_agency",
        agency="School",
        text="Learning",
        themes=["Neglect", "Archive theme"],
        event_ids=events[1:],
        episode_ids=[episode_id],
        share_with_crc=True,
    )
    aid = learning.add_action(
        store,
        SYSTEM,
        DEMO_CASE_REF,
        learning.ActionFields(
            description="Change",
            owner_name="Owner",
            owner_agency="Housing",
            due_date="2027-01-31",
            learning_id=lid,
        ),
    )
    learning.set_action_status(store, SYSTEM, DEMO_CASE_REF, aid, "verified", evidence="Seen")
    # The case opened for RPM (workflow, meeting, request, invitees), and a signed record.
    from data.demo import DEMO_LABEL
    from data.demo.rpm import seed_demo_rpm
    from data.record import save_draft, sign_off
    from data.users import add_user

    add_user(store, "admin", "admin", "long-pass-for-admin")
    seed_demo_rpm(store, DEMO_CASE_REF, DEMO_LABEL)
    from data.glossary import save_entry
    from data.shared_wording import confirm_wording

    save_entry(
        store, SYSTEM, DEMO_CASE_REF, "Maternal aunt", "Kelly Smith, Kel"
    )  # beside the demo's
    save_draft(store, SYSTEM, DEMO_CASE_REF, issues="I", timescale="T", conclusions="C")
    confirm_wording(store, SYSTEM, DEMO_CASE_REF, lid, "Shared learning")
    sign_off(store, SYSTEM, DEMO_CASE_REF, on_behalf=True)
    # The committee's decision on the case, its action, a briefing, each corrected (0013e, 0017).
    from datetime import date

    from data import committee
    from data.crc import case_key_of

    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [DEMO_CASE_REF])[0]
    on_case = committee.Subject(case_key=case_key_of(store, case_id))
    today = date.today()
    decided = committee.record_decision(store, SYSTEM, on_case, "Learning", "Act", today)
    committee.correct_decision(store, SYSTEM, decided, "Learning", "Act now", today, "Minutes")
    action = committee.plan_action(store, SYSTEM, decided, "A protocol", "School", "2027-03-31")
    committee.update_action(store, SYSTEM, action, "in_progress", "2027-03-31", "Drafted")
    delivered = committee.record_delivery(
        store, SYSTEM, on_case, "briefing", today, "School nurses", ["School"], 9
    )
    committee.correct_delivery(
        store, SYSTEM, delivered, "workshop", today, "School nurses", ["School"], 12, "Count"
    )


def _canonical(document: dict) -> dict:
    """The document with every key replaced by its rank in its table and every lookup id by its
    name, so that two copies of a case with different ids compare equal."""
    specs = {spec.name: spec for spec in case_archive.ARCHIVE_TABLES}
    ranks = {}
    for name, table in document["tables"].items():
        key = specs[name].key
        if key:
            index = table["columns"].index(key)
            ranks[name] = {v: n for n, v in enumerate(sorted(r[index] for r in table["rows"]))}
    ranks |= {
        lookup: {int(k): v for k, v in names.items()}
        for lookup, names in document["lookups"].items()
    }
    own = {int(k) for k, v in document["lookups"]["covered_cases"].items()} & set(ranks["cases"])
    ranks["covered_cases"] |= dict.fromkeys(own, "this case")  # the copy has its own reference
    out = {}
    for name, table in document["tables"].items():
        spec = specs[name]
        translate = {
            table["columns"].index(c): ranks[t]
            for c, t in [*spec.refs.items(), *([(spec.key, name)] if spec.key else [])]
        }
        rows = [
            [
                translate[i][v] if i in translate and v is not None else v
                for i, v in enumerate(row)
                if table["columns"][i] != "case_ref"
            ]
            for row in table["rows"]
        ]
        out[name] = sorted(rows, key=json.dumps)
    return out


def _without_ids(document: dict) -> dict:
    """Every table's rows without their key and reference columns, sorted: the content of two
    copies whose rows were numbered in a different order."""
    specs = {spec.name: spec for spec in case_archive.ARCHIVE_TABLES}
    out = {}
    for name, table in document["tables"].items():
        ids = {specs[name].key, *specs[name].refs, "case_ref"}
        keep = [i for i, c in enumerate(table["columns"]) if c not in ids]
        out[name] = sorted(([row[i] for i in keep] for row in table["rows"]), key=json.dumps)
    return out


def test_round_trip_into_an_empty_database_is_exact(demo_store, tmp_path):
    _fill(demo_store)
    first = case_archive.export_case(demo_store, SYSTEM, DEMO_CASE_REF)
    assert all(first["tables"][t]["rows"] for t in first["tables"] if t != "rejected_rows")
    other = Store(tmp_path / "other.duckdb")
    try:
        assert case_archive.import_case(other, SYSTEM, json.loads(json.dumps(first))) == (
            DEMO_CASE_REF
        )
        second = case_archive.export_case(other, SYSTEM, DEMO_CASE_REF)
    finally:
        other.close()
    first.pop("exported_at")
    second.pop("exported_at")
    assert second == first


def test_import_under_a_new_reference_remaps_ids(demo_store):
    _fill(demo_store)
    document = case_archive.export_case(demo_store, SYSTEM, DEMO_CASE_REF)
    case_archive.import_case(demo_store, SYSTEM, document, "COPY-J")
    copy = case_archive.export_case(demo_store, SYSTEM, "COPY-J")
    old_events = {r[0] for r in document["tables"]["events"]["rows"]}
    new_events = {r[0] for r in copy["tables"]["events"]["rows"]}
    assert old_events.isdisjoint(new_events)
    assert _canonical(copy) == _canonical(document)
    # The accepted suggestion is the copy's link, marked as suggested; the dismissed one is not
    # suggested again there either.
    links = event_links.list_links(demo_store, SYSTEM, "COPY-J")
    assert [link.suggested for link in links].count(True) == 1
    assert {link.from_event_id for link in links} <= new_events

    def suggested(ref):
        return {f.description for f in patterns.case_findings(demo_store, SYSTEM, ref)
                if f.kind == patterns.SUGGESTED_LINK}  # fmt: skip

    assert suggested("COPY-J") == suggested(DEMO_CASE_REF)
    # The copy is a working case: its reflections point at its own events.
    [on_event] = reflections.list_reflections(
        demo_store, SYSTEM, "COPY-J", target_kind="event", target_id=min(new_events)
    )
    assert on_event.text == "edited"
    assert reflections.list_reflections(demo_store, SYSTEM, DEMO_CASE_REF)  # original untouched


def test_a_decision_on_several_cases_goes_with_each_and_comes_back_once(demo_store, tmp_path):
    from datetime import date

    from data import committee

    _fill(demo_store)
    case_archive.import_case(
        demo_store, SYSTEM, case_archive.export_case(demo_store, SYSTEM, DEMO_CASE_REF), "COPY-J"
    )
    # One theme decision covering both cases, with an action.
    on_theme = committee.Subject(theme="Archive theme")
    decided = committee.record_decision(
        demo_store, SYSTEM, on_theme, "Learning across cases", "Audit", date.today()
    )
    committee.plan_action(demo_store, SYSTEM, decided, "An audit", "School", "2027-06-30")
    (decision,) = [
        d for d in committee.list_decisions(demo_store, SYSTEM) if d.decision_id == decided
    ]
    assert len(decision.case_keys) == 2
    archives = {
        ref: json.loads(json.dumps(case_archive.export_case(demo_store, SYSTEM, ref)))
        for ref in (DEMO_CASE_REF, "COPY-J")
    }
    assert set(archives[DEMO_CASE_REF]["lookups"]["covered_cases"].values()) == {
        DEMO_CASE_REF,
        "COPY-J",
    }

    def theme_decisions(store):
        return [d for d in committee.list_decisions(store, SYSTEM) if d.theme == "Archive theme"]

    # Alone in a new database: it covers the case there, and the import says what it could not.
    alone = Store(tmp_path / "alone.duckdb")
    try:
        notes: list[str] = []
        case_archive.import_case(alone, SYSTEM, archives[DEMO_CASE_REF], notes=notes)
        (only,) = theme_decisions(alone)
        assert len(only.case_keys) == 1
        (note,) = notes
        assert note == (
            "a committee decision or briefing in the archive also covers case COPY-J, which this"
            " database does not have: it covers the cases here only"
        )
    finally:
        alone.close()
    # Both, one after the other: one decision covering both, its action once.
    both = Store(tmp_path / "both.duckdb")
    try:
        for ref in (DEMO_CASE_REF, "COPY-J"):
            notes = []
            case_archive.import_case(both, SYSTEM, archives[ref], notes=notes)
        assert notes == []
        (joined,) = theme_decisions(both)
        assert (joined.considered, len(joined.case_keys)) == ("Learning across cases", 2)
        actions = both.query(
            "SELECT description FROM committee_actions WHERE decision_id = ?", [joined.decision_id]
        )
        assert actions == [("An audit",)]
        assert len(committee.list_decisions(both, SYSTEM)) == len(
            committee.list_decisions(demo_store, SYSTEM)
        )
        again = case_archive.export_case(both, SYSTEM, "COPY-J")
        assert _without_ids(again) == _without_ids(archives["COPY-J"])
        assert sorted(again["lookups"]["covered_cases"].values()) == sorted(archives)
    finally:
        both.close()


def test_bad_archives_change_nothing(demo_store):
    document = case_archive.export_case(demo_store, SYSTEM, DEMO_CASE_REF)
    with pytest.raises(InvalidInput, match="already exists"):
        case_archive.import_case(demo_store, SYSTEM, document)
    bad_column = json.loads(json.dumps(document))
    bad_column["tables"]["events"]["columns"][1] = "case_id; DROP TABLE events"
    with pytest.raises(InvalidInput, match="unknown columns"):
        case_archive.import_case(demo_store, SYSTEM, bad_column, "NEW-1")
    dangling = json.loads(json.dumps(document))
    dangling["tables"]["events"]["rows"][0][3] = 99999  # upload_id of no upload
    with pytest.raises(InvalidInput, match="refers to nothing"):
        case_archive.import_case(demo_store, SYSTEM, dangling, "NEW-2")
    with pytest.raises(InvalidInput, match="format"):
        case_archive.import_case(demo_store, SYSTEM, {"tables": {}}, "NEW-3")
    assert demo_store.query_one("SELECT count(*) FROM cases")[0] == 1
    assert demo_store.query_one("SELECT count(DISTINCT case_id) FROM events")[0] == 1


def test_cli_export_and_import(tmp_path, demo_store):
    _fill(demo_store)
    demo_store.close()
    env = {**os.environ, "RPM_DB": str(demo_store.path)}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "app", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    out = tmp_path / "case.json"
    exported = run("export", "case", "--case", DEMO_CASE_REF, "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "rpm-timeline-case"
    again = run("import", "case", str(out))
    assert again.returncode == 1
    assert again.stderr.strip() == (
        f"rpm-timeline: case {DEMO_CASE_REF} already exists: "
        "import it under another reference with --as"
    )
    assert run("case", "add", "KOLB-1", "--model", "kolb").returncode == 0
    assert demo_model(demo_store.path, "KOLB-1") == "kolb"
    bad_model = run("case", "add", "BAD-1", "--model", "schon")
    assert bad_model.returncode == 1
    assert "unknown reflective model 'schon'" in bad_model.stderr
    imported = run("import", "case", str(out), "--as", "COPY-2")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "imported case COPY-2"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    failed = run("import", "case", str(broken))
    assert failed.returncode == 1
    assert failed.stderr.startswith("rpm-timeline: broken.json: not a JSON case archive")
    # A row that breaks a rule of its table: one line naming table, row and field; nothing in.
    document = json.loads(out.read_text(encoding="utf-8"))
    points = document["tables"]["learning_points"]
    points["rows"][-1][points["columns"].index("scope")] = "galaxy_wide"
    spoiled = tmp_path / "spoiled.json"
    spoiled.write_text(json.dumps(document), encoding="utf-8")
    refused = run("import", "case", str(spoiled), "--as", "COPY-3")
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.stderr
    assert lines[0].startswith(
        f"rpm-timeline: the case archive's learning_points row {len(points['rows'])}: scope breaks"
    )
    points["rows"][-1][points["columns"].index("scope")] = "cross_agency"
    points["rows"][0][points["columns"].index("created_at")] = "not a time"
    spoiled.write_text(json.dumps(document), encoding="utf-8")
    refused = run("import", "case", str(spoiled), "--as", "COPY-3")
    assert refused.stderr.strip() == (
        "rpm-timeline: the case archive's learning_points row 1: created_at is not a TIMESTAMP"
    )
    assert run("case", "list").stdout.count("COPY-3") == 0


def demo_model(path, case_ref) -> str:
    store = Store(path)
    try:
        return store.query_one("SELECT reflective_model FROM cases WHERE case_ref = ?", [case_ref])[
            0
        ]
    finally:
        store.close()
