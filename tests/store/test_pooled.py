"""Publishing bundles and reading many partnerships' bundles as one (data.publish, data.pooled)."""

from __future__ import annotations

import json
import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest

from app.cli import main
from data import committee, crc, event_links, pooled
from data.actor import SYSTEM
from data.bundle import MANIFEST, TABLES, BadBundle, read_manifest, sha256_file
from data.demo.bundles import sign_off_demo_records
from data.demo.crc_demo import LEARNING_TEXT, seed_crc_demo
from data.partnership import set_partnership
from data.publish import publish
from data.store import Store
from data.suppression import SUPPRESSED

CODES = ("NORTH", "SOUTH")
# Anything a bundle must never carry: names, references, extract or meeting text.
FORBIDDEN = {
    "case_id", "case_ref", "label", "date_of_birth", "summary", "source_ref", "extra",
    "file_name", "description", "owner_name", "evidence", "author", "text", "chair_name",
    "facilitator", "note", "username", "share_with_crc", "created_by",
}  # fmt: skip


def _partnership(path, seed, n_cases) -> Store:
    """A fictional partnership with every learning point flagged and its records signed."""
    store = Store(path)
    seed_crc_demo(store, seed=seed, cases=n_cases, sign_off=False)
    with store.transaction() as cur:
        cur.execute("UPDATE learning_points SET share_with_crc = true")
    sign_off_demo_records(store)
    return store


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """Two partnerships' databases and their bundles in one folder."""
    root = tmp_path_factory.mktemp("region")
    stores = {
        code: _partnership(root / f"{code}.duckdb", seed, n)
        for code, seed, n in zip(CODES, (3, 4), (9, 7), strict=True)
    }
    out = root / "bundles"
    folders = {code: publish(store, SYSTEM, out, code).path for code, store in stores.items()}
    yield stores, out, folders
    for store in stores.values():
        store.close()


@pytest.fixture(scope="module")
def pool(region):
    p = pooled.open_pooled([region[1]])
    yield p
    p.close()


def _parquet(folder, table: str) -> pd.DataFrame:
    return duckdb.sql(f"SELECT * FROM read_parquet('{folder / (table + '.parquet')}')").df()


def test_pooled_read_models_equal_each_partnerships_own(region, pool):
    """Every explorer query over the pool, filtered to one partnership, gives what that
    partnership's own database gives: the bundle loses nothing the committee sees."""
    stores, _, _ = region
    for code, store in stores.items():
        mine, pooled_one = crc.CrcFilters(), crc.CrcFilters(partnerships=(code,))
        assert crc.selected_case_count(pool, SYSTEM, pooled_one) == crc.selected_case_count(
            store, SYSTEM, mine
        )
        # the differencing check's index chooses the cases the SQL chooses
        assert len(crc.fact_index(pool, SYSTEM).chosen(pooled_one)) == crc.selected_case_count(
            pool, SYSTEM, pooled_one
        )
        for read in (crc.learning_theme_counts, crc.action_counts):
            ours, theirs = read(pool, SYSTEM, pooled_one), read(store, SYSTEM, mine)
            for key in ours:
                pd.testing.assert_frame_equal(ours[key], theirs[key])
        pd.testing.assert_frame_equal(
            crc.barrier_counts(pool, SYSTEM, pooled_one), crc.barrier_counts(store, SYSTEM, mine)
        )
        pd.testing.assert_frame_equal(
            crc.process_table(pool, SYSTEM, pooled_one), crc.process_table(store, SYSTEM, mine)
        )
        for by in ("agency", "category"):
            ours = crc.pattern_counts(pool, SYSTEM, pooled_one, by)
            theirs = crc.pattern_counts(store, SYSTEM, mine, by)
            assert int(theirs[0].to_numpy().sum()) > 0  # the synthetic cases have patterns
            for a, b in zip(ours, theirs, strict=True):
                pd.testing.assert_frame_equal(a, b)
        for anchor in ("Referral", crc.CATEGORY_ANCHOR + "Referral and contact"):
            ours = crc.aligned_events(pool, SYSTEM, pooled_one, anchor)
            theirs = crc.aligned_events(store, SYSTEM, mine, anchor)
            for a, b in zip(ours, theirs, strict=True):
                pd.testing.assert_frame_equal(a, b)
    total = sum(crc.selected_case_count(s, SYSTEM, crc.CrcFilters()) for s in stores.values())
    assert crc.selected_case_count(pool, SYSTEM, crc.CrcFilters()) == total
    assert [c for c, _ in pooled.partnerships(pool, SYSTEM)] == list(CODES)


def test_themes_by_partnership_are_a_row_each_with_the_top_themes_and_the_rest_added_up(pool):
    """A partnership a row (readable for 4 or 150), the most frequent themes a column each and
    the others added up, each theme counted as in the theme tables; suppressed as any table."""
    every = crc.CrcFilters()
    counts = pooled.theme_partnership_counts(pool, SYSTEM, every)
    by_theme = crc.learning_theme_counts(pool, SYSTEM, every)["by_agency"].sum(axis=1)
    assert list(counts.index) == list(CODES)
    assert len(by_theme) > pooled.TOP_THEMES + 1  # the demo's themes are more than the top
    top = list(by_theme.index[: pooled.TOP_THEMES])
    assert list(counts.columns) == [*top, pooled.OTHER_THEMES]
    assert counts[top].sum().tolist() == by_theme[top].tolist()
    assert counts[pooled.OTHER_THEMES].sum() == by_theme.iloc[pooled.TOP_THEMES :].sum()
    table = pooled.theme_partnership_table(pool, SYSTEM, every)
    assert list(table.index) == [*CODES, "Total"] and table.columns[-1] == "Total"
    values = table.to_numpy().ravel().tolist()
    assert SUPPRESSED in values
    assert all(v == SUPPRESSED or v == 0 or v >= 6 for v in values)


def test_aligned_view_over_journey_tables_built_in_the_background(region):
    """The server warms the pool up in the background (journey tables, filter choices...); a
    query meanwhile waits for the tables. Types nobody recorded (or text that is no type) align
    nothing. Kept results are copies: changing one changes nothing kept."""
    stores, out, _ = region
    pool = pooled.open_pooled([out])
    try:
        said: list[str] = []
        warming = pool.warm_up_in_background(announce=said.append)
        types = crc.event_types(pool, SYSTEM)
        assert set(types) == {t for s in stores.values() for t in crc.event_types(s, SYSTEM)}
        every = crc.aligned_case_count(pool, SYSTEM, crc.CrcFilters(), types[0])
        assert every == sum(
            crc.aligned_case_count(s, SYSTEM, crc.CrcFilters(), types[0]) for s in stores.values()
        )
        for nothing in ("", "No such type", "'; DROP TABLE crc_cases; --"):
            assert crc.aligned_case_count(pool, SYSTEM, crc.CrcFilters(), nothing) == 0
            density, rows = crc.aligned_events(pool, SYSTEM, crc.CrcFilters(), nothing)
            assert density.empty and rows.empty
        first = crc.learning_theme_counts(pool, SYSTEM, crc.CrcFilters())["by_agency"]
        first.iloc[:, :] = -1
        again = crc.learning_theme_counts(pool, SYSTEM, crc.CrcFilters())["by_agency"]
        assert (again.to_numpy() >= 0).all() and again.to_numpy().sum() > 0
        warming.join(timeout=60)
        assert len(said) == 1 and said[0].startswith("Ready: ")  # the server prints it
    finally:
        pool.close()


def test_the_differencing_index_is_kept_however_many_results_come_after(pool, monkeypatch):
    """What is built once from the bundles (the differencing check's index) is never pushed out
    of the kept results by later queries: the check would then rebuild it, a second or more at
    England's scale, in the middle of someone's click."""
    built = []
    real = crc._fact_index
    monkeypatch.setattr(crc, "_fact_index", lambda store: built.append(1) or real(store))
    pool.forget_results(memos=True)
    index = crc.fact_index(pool, SYSTEM)
    for n in range(pooled.CACHED_RESULTS + 10):  # more distinct queries than are kept
        pool.query_one("SELECT ? + 1", [n])
    assert crc.fact_index(pool, SYSTEM) is index and built == [1]
    pool.forget_results()  # the query results only (the benchmark's cold runs)
    assert crc.fact_index(pool, SYSTEM) is index and built == [1]
    pool.forget_results(memos=True)
    assert crc.fact_index(pool, SYSTEM) == index and built == [1, 1]


def test_no_case_reference_name_or_free_text_in_any_file(region):
    stores, _, folders = region
    for code, folder in folders.items():
        store = stores[code]
        refs = [r[0] for r in store.query("SELECT case_ref FROM cases")]
        labels = [r[0] for r in store.query("SELECT label FROM cases")]
        chairs = [r[0] for r in store.query("SELECT chair_name FROM meetings")]
        secrets_ = [*refs, *labels, *chairs, *LEARNING_TEXT, "Fictional", "demo seed"]
        internal_keys = {r[0] for r in store.query("SELECT case_key FROM crc_cases")}
        for table in TABLES:
            df = _parquet(folder, table.name)
            assert list(df.columns) == list(table.column_names)
            assert not FORBIDDEN & set(df.columns)
            for column in df.columns:
                values = [str(v) for v in df[column].dropna().unique()]
                for text in secrets_:
                    assert not any(text in v for v in values), (table.name, column, text)
            if "case_key" in df:
                assert not internal_keys & set(df["case_key"])


def test_the_bundle_readme_explains_every_column_of_every_file(region):
    """Read from the files themselves: each file has its section with its row count, and each
    of its columns a row with the column's type and a meaning."""
    for folder in region[2].values():
        readme = (folder / "README.md").read_text()
        manifest = read_manifest(folder)
        for table in TABLES:
            section = readme.split(f"## {table.file} (")[1].split("\n## ")[0]
            assert section.startswith(f"{manifest['files'][table.file]['rows']:,} rows)")
            rows = {
                line.split(" | ")[0].removeprefix("| "): line.split(" | ")[1:]
                for line in section.splitlines()
                if line.startswith("| ") and not line.startswith("| column |")
            }
            schema = duckdb.sql(
                f"DESCRIBE SELECT * FROM read_parquet('{folder / table.file}')"
            ).fetchall()
            assert list(rows) == [name for name, *_ in schema]
            for name, column_type, *_ in schema:
                shown_type, meaning = rows[name]
                assert shown_type == column_type and meaning.removesuffix(" |").strip(), name


def test_only_signed_off_learning_flagged_for_the_committee_is_published(tmp_path):
    store = _partnership(tmp_path / "p.duckdb", 5, 4)
    signed = store.query_one("SELECT count(*) FROM learning_points")[0]
    case_a, case_b = (r[0] for r in store.query("SELECT case_id FROM cases ORDER BY 1 LIMIT 2"))
    with store.transaction() as cur:
        # Saved after sign-off, flagged for the committee: not in the signed record.
        cur.execute(
            "INSERT INTO learning_points (case_id, scope, text, share_with_crc, created_by)"
            " VALUES (?, 'cross_agency', 'unsigned', true, 'x')",
            [case_a],
        )
        # Case B's record is being amended: its learning leaves until the new version is signed.
        cur.execute(
            "INSERT INTO meeting_records (case_id, version, amendment_reason, created_by)"
            " VALUES (?, 2, 'correction', 'x')",
            [case_b],
        )
        withdrawn = cur.execute(
            "SELECT count(*) FROM learning_points WHERE case_id = ?", [case_b]
        ).fetchone()[0]
        # Flagged false in case A's signed snapshot: stays in the case.
        cur.execute(
            "UPDATE meeting_records SET snapshot = json_transform(snapshot,"
            ' \'{"learning_points": [{"learning_id": "INTEGER"}]}\') WHERE case_id = ?',
            [case_a],
        )
        not_flagged = cur.execute(
            "SELECT count(*) FROM learning_points WHERE case_id = ? AND text <> 'unsigned'",
            [case_a],
        ).fetchone()[0]
    folder = publish(store, SYSTEM, tmp_path / "out", "EAST").path
    learning = _parquet(folder, "crc_learning_points")
    assert len(learning) == signed - withdrawn - not_flagged > 0
    themes = _parquet(folder, "crc_learning_themes")
    assert set(themes["learning_key"]) <= set(learning["learning_key"])
    actions = _parquet(folder, "crc_actions")
    linked = set(actions["learning_key"].dropna())
    assert linked <= set(learning["learning_key"]) and linked
    # A partnership that has not set its name is known by its code, not the name every
    # unnamed partnership shares; one that has is known by its name.
    assert read_manifest(folder)["partnership_name"] == "EAST"
    assert (folder / "README.md").read_text().startswith("# Committee-level data of EAST\n")
    set_partnership(store, SYSTEM, "East Safeguarding Children Partnership")
    named = publish(store, SYSTEM, tmp_path / "out", "EAST").path
    assert read_manifest(named)["partnership_name"] == "East Safeguarding Children Partnership"
    store.close()


def test_the_committees_decisions_actions_and_briefings_are_published_by_their_own_keys(
    tmp_path,
):
    store = _partnership(tmp_path / "p.duckdb", 6, 3)
    first = store.query_one("SELECT min(case_id) FROM cases")[0]
    with store.transaction() as cur:  # the committee has not met on it yet
        cur.execute(
            "DELETE FROM case_workflow WHERE case_id = ?"
            " AND stage_key IN ('crc_considered', 'frontline_informed')",
            [first],
        )
    on_a = committee.Subject(case_key=crc.case_key_of(store, first))
    today = date.today()
    kept = committee.record_decision(store, SYSTEM, on_a, "Learning", "Act", today)
    committee.plan_action(store, SYSTEM, kept, "A protocol", "School", "2027-03-31")
    gone = committee.record_decision(store, SYSTEM, on_a, "Learning", "Mistaken", today)
    committee.plan_action(store, SYSTEM, gone, "Another", "Police", "2027-03-31")
    committee.withdraw_record(store, SYSTEM, "decision", gone, "recorded twice")
    committee.record_delivery(store, SYSTEM, on_a, "briefing", today, "Nurses", ["School"], 9)
    folder = publish(store, SYSTEM, tmp_path / "out", "EAST").path
    cases = set(_parquet(folder, "crc_cases")["case_key"])
    decisions = _parquet(folder, "crc_committee_decisions")
    actions = _parquet(folder, "crc_committee_actions")
    deliveries = _parquet(folder, "crc_briefing_deliveries")
    # The withdrawn decision and its action stay home; the others leave under new keys.
    assert len(decisions) == len(actions) == len(deliveries) == 1
    assert set(decisions["case_key"]) == set(deliveries["case_key"]) <= cases
    assert list(actions["decision_key"]) == list(decisions["decision_key"])
    assert str(kept) not in {*decisions["decision_key"], *actions["committee_action_key"]}
    assert actions.loc[0, "agency"] == "School" and deliveries.loc[0, "attended"] == 9
    # A bundle of schema 1 (before these tables) pools beside it: they are empty for it.
    old = tmp_path / "old" / folder.name.replace("EAST", "OLD")
    shutil.copytree(folder, old)
    manifest = json.loads((old / MANIFEST).read_text())
    for table in TABLES:
        if table.since > 1:
            (old / table.file).unlink()
            del manifest["files"][table.file]
    for table in TABLES:  # another partnership's copy, relabelled and re-keyed
        if (old / table.file).exists():
            data = _parquet(old, table.name).assign(partnership="OLD")
            for key in ("case_key", "learning_key", "action_key", "barrier_key"):
                if key in data:
                    data[key] = "OLD-" + data[key].astype(str)
            duckdb.from_df(data).write_parquet(str(old / table.file))
            manifest["files"][table.file]["sha256"] = sha256_file(old / table.file)
    manifest.update(schema_version=1, partnership="OLD")
    (old / MANIFEST).write_text(json.dumps(manifest))
    alone = pooled.open_pooled([old])
    assert alone.query_one("SELECT count(*) FROM crc_committee_decisions")[0] == 0
    alone.close()
    both = pooled.open_pooled([old, folder])
    assert both.query_one("SELECT count(*), min(partnership) FROM crc_committee_actions") == (
        1,
        "EAST",
    )
    both.close()
    store.close()


def test_links_between_events_are_published_and_a_schema_2_bundle_still_pools(tmp_path):
    store = _partnership(tmp_path / "p.duckdb", 8, 2)
    case_ref, first = store.query_one(
        "SELECT c.case_ref, min(e.event_id) FROM events e JOIN cases c USING (case_id)"
        " JOIN crc_case_keys k USING (case_id) GROUP BY c.case_ref ORDER BY c.case_ref LIMIT 1"
    )
    other = store.query_one(
        "SELECT min(e.event_id) FROM events e JOIN cases c USING (case_id)"
        " WHERE c.case_ref = ? AND e.agency_id <> (SELECT agency_id FROM events"
        " WHERE event_id = ?)",
        [case_ref, first],
    )[0]
    event_links.add_link(store, SYSTEM, case_ref, first, other, "not received", note="private")
    folder = publish(store, SYSTEM, tmp_path / "out", "EAST").path
    links = _parquet(folder, "crc_event_links")
    assert len(links) == 1 and bool(links.loc[0, "unanswered"])
    assert links.loc[0, "link_type"] == "not received"
    assert set(links["case_key"]) <= set(_parquet(folder, "crc_cases")["case_key"])
    assert "private" not in links.to_string() and "note" not in links.columns
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["schema_version"] >= 3 and "crc_event_links.parquet" in manifest["files"]
    # A bundle of schema 2 (before the links) pools beside it: they are empty for it.
    old = tmp_path / "old" / folder.name.replace("EAST", "OLD")
    shutil.copytree(folder, old)
    (old / "crc_event_links.parquet").unlink()
    del manifest["files"]["crc_event_links.parquet"]
    manifest.update(schema_version=2)
    (old / MANIFEST).write_text(json.dumps(manifest))
    alone = pooled.open_pooled([old])
    assert alone.query_one("SELECT count(*) FROM crc_event_links")[0] == 0
    alone.close()
    store.close()


def test_patterns_are_published_and_a_schema_3_bundle_still_pools(region, pool, tmp_path):
    """What the lenses found leaves with the signed records: kind, dates, agencies and
    categories, under the publication's case keys; a bundle from before (schema 3) pools with
    no patterns, and the explorer's counts over both are the newer bundle's."""
    stores, _, folders = region
    store, folder = stores["NORTH"], folders["NORTH"]
    found = _parquet(folder, "crc_patterns")
    mine = store.query_df("SELECT * FROM crc_patterns")
    assert len(found) == len(mine) > 0
    assert set(found["case_key"]) <= set(_parquet(folder, "crc_cases")["case_key"])
    assert not set(found["case_key"]) & set(mine["case_key"])  # re-keyed
    assert sorted(found["kind"]) == sorted(mine["kind"])
    assert list(found.columns) == ["partnership", "case_key", "pattern_no", "kind",
                                   "start_date", "end_date", "agency", "category"]  # fmt: skip
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["schema_version"] == 4 and "crc_patterns.parquet" in manifest["files"]
    old = tmp_path / folder.name.replace("NORTH", "OLD")
    shutil.copytree(folder, old)
    (old / "crc_patterns.parquet").unlink()
    del manifest["files"]["crc_patterns.parquet"]
    manifest.update(schema_version=3, partnership="OLD")
    for table in TABLES:  # another partnership's copy, relabelled and re-keyed
        if (old / table.file).exists():
            data = _parquet(old, table.name).assign(partnership="OLD")
            for key in ("case_key", "learning_key", "action_key", "barrier_key",
                        "decision_key", "committee_action_key", "delivery_key"):  # fmt: skip
                if key in data:
                    data[key] = "OLD-" + data[key].astype(str)
            duckdb.from_df(data).write_parquet(str(old / table.file))
            manifest["files"][table.file]["sha256"] = sha256_file(old / table.file)
            manifest["files"][table.file]["bytes"] = (old / table.file).stat().st_size
    (old / MANIFEST).write_text(json.dumps(manifest))
    both = pooled.open_pooled([old, folder])
    try:
        assert both.query_one("SELECT count(*) FROM crc_patterns") == (len(found),)
        f = crc.CrcFilters()
        for by in ("agency", "category"):
            pd.testing.assert_frame_equal(
                crc.pattern_counts(both, SYSTEM, f, by)[0],
                crc.pattern_counts(pool, SYSTEM, crc.CrcFilters(partnerships=("NORTH",)), by)[0],
            )
    finally:
        both.close()


def test_keys_differ_across_publications_unless_linkable(region, tmp_path):
    stores, _, folders = region
    store = stores["NORTH"]
    first = _parquet(folders["NORTH"], "crc_cases")["case_key"]
    again = _parquet(publish(store, SYSTEM, tmp_path, "NORTH").path, "crc_cases")["case_key"]
    assert len(first) == len(again) > 0 and not set(first) & set(again)
    linked = [
        set(
            _parquet(publish(store, SYSTEM, tmp_path, "NORTH", linkable=True).path, "crc_cases")[
                "case_key"
            ]
        )
        for _ in range(2)
    ]
    assert linked[0] == linked[1] and not linked[0] & set(first)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"NORTH_{date.today()}_v{n}" for n in (1, 2, 3)]
    rows = store.query("SELECT detail FROM audit_log WHERE action = 'publish' ORDER BY occurred_at")
    assert len(rows) == 4 and "(linkable keys)" in rows[-1][0]
    assert store.query_one("SELECT count(*) FROM publications WHERE linkable")[0] == 2


def test_suppression_after_pooling_and_per_partnership(tmp_path):
    """Three cross-agency learning points on Neglect in each of two partnerships: six pooled
    (shown), three in either partnership alone (hidden when it is selected)."""
    out = tmp_path / "bundles"
    for code in CODES:
        store = Store(tmp_path / f"{code}.duckdb")
        with store.transaction() as cur:
            case_id = cur.execute(
                "INSERT INTO cases (case_ref, date_of_birth) VALUES (?, '2015-01-01')"
                " RETURNING case_id",
                [f"REF-{code}"],
            ).fetchone()[0]
            cur.execute(
                "INSERT INTO meetings (case_id, meeting_date) VALUES (?, '2024-03-01')", [case_id]
            )
            theme = cur.execute("SELECT theme_id FROM themes WHERE name = 'Neglect'").fetchone()[0]
            for _ in range(3):
                lid = cur.execute(
                    "INSERT INTO learning_points (case_id, scope, text, share_with_crc,"
                    " created_by) VALUES (?, 'cross_agency', 'x', true, 'x') RETURNING learning_id",
                    [case_id],
                ).fetchone()[0]
                cur.execute("INSERT INTO learning_point_themes VALUES (?, ?)", [lid, theme])
        sign_off_demo_records(store)
        publish(store, SYSTEM, out, code)
        store.close()
    p = pooled.open_pooled([out])
    both = crc.learning_theme_tables(p, SYSTEM, crc.CrcFilters())["by_agency"]
    assert both.loc["Neglect", "Cross-agency"] == 6
    one = crc.learning_theme_tables(p, SYSTEM, crc.CrcFilters(partnerships=("NORTH",)))
    assert one["by_agency"].loc["Neglect", "Cross-agency"] == SUPPRESSED
    by_partnership = pooled.theme_partnership_table(p, SYSTEM, crc.CrcFilters())
    assert by_partnership.loc["NORTH", "Neglect"] == SUPPRESSED
    assert by_partnership.loc["Total", "Neglect"] == 6
    p.close()


def _tampered(region, tmp_path, change) -> str:
    source = region[2]["NORTH"]
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    change(folder)
    with pytest.raises(BadBundle) as caught:
        pooled.open_pooled([folder, region[2]["SOUTH"]])
    message = str(caught.value)
    assert "\n" not in message and message.startswith(source.name)
    return message


def _edit_manifest(folder, **changes):
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest.update(changes)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def _add_column(folder):
    """A forbidden column, with the manifest's checksum made to match (a deliberate edit)."""
    path = folder / "crc_events.parquet"
    duckdb.sql(
        f"COPY (SELECT *, 'leaked text' AS summary FROM read_parquet('{path}'))"
        f" TO '{folder / 'x.parquet'}' (FORMAT parquet)"
    )
    (folder / "x.parquet").replace(path)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"]["crc_events.parquet"]["sha256"] = sha256_file(path)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def _not_parquet(folder):
    """Text instead of Parquet, with a matching checksum: refused by name all the same."""
    path = folder / "crc_events.parquet"
    path.write_text("case_key,summary\nK1,leaked\n")
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"]["crc_events.parquet"]["sha256"] = sha256_file(path)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def _flip_byte(folder):
    path = folder / "crc_events.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (_flip_byte, "crc_events.parquet does not match its checksum"),
        (lambda f: (f / "crc_actions.parquet").unlink(), "crc_actions.parquet is missing"),
        (lambda f: _edit_manifest(f, schema_version=99), "schema version 99"),
        (lambda f: (f / MANIFEST).write_text("{not json"), "manifest.json is not valid JSON"),
        (_add_column, "crc_events.parquet has a column bundles may not carry: summary"),
        (_not_parquet, "crc_events.parquet is not readable Parquet"),
    ],
)
def test_bad_or_tampered_bundle_refused_in_one_line(region, tmp_path, change, says):
    assert says in _tampered(region, tmp_path, change)


def test_bundle_without_manifest_in_a_folder_of_bundles_refused(region, tmp_path):
    """Not left out of the pool unnoticed: the region's figures would silently lack it."""
    folder = tmp_path / "bundles"
    shutil.copytree(region[1], folder)
    (folder / region[2]["SOUTH"].name / MANIFEST).unlink()
    with pytest.raises(BadBundle) as caught:
        pooled.open_pooled([folder])
    assert str(caught.value) == (
        f"{region[2]['SOUTH'].name}: no manifest.json (not a bundle written by rpm-timeline)"
    )


def test_two_bundles_of_one_partnership_refused(region, tmp_path):
    copy = tmp_path / "NORTH_again"
    shutil.copytree(region[2]["NORTH"], copy)
    with pytest.raises(BadBundle, match="a second bundle of NORTH"):
        pooled.open_pooled([region[1], copy])


def test_cli_publish_and_refusals(region, tmp_path, monkeypatch, capsys):
    db = tmp_path / "cli.duckdb"
    Store(db).close()
    monkeypatch.setenv("RPM_PARTNERSHIP_CODE", "west")
    assert main(["crc", "publish", "--db", str(db), "-o", str(tmp_path / "out")]) == 0
    assert f"WEST_{date.today()}_v1" in capsys.readouterr().out
    monkeypatch.setenv("RPM_PARTNERSHIP_CODE", "no spaces")
    assert main(["crc", "publish", "--db", str(db), "-o", str(tmp_path / "out")]) == 1
    assert "partnership code 'NO SPACES' is not valid" in capsys.readouterr().err
    bad = tmp_path / "bad"
    shutil.copytree(region[2]["SOUTH"], bad)
    _edit_manifest(bad, schema_version=9)
    args = ["crc", "serve-pooled", "--db", str(db), str(region[2]["NORTH"]), str(bad)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bundle refused: bad: schema version 9" in err


def test_the_duckdb_examples_in_the_docs_answer_over_the_bundles(region, monkeypatch):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "pooled.md").read_text()
    duckdb_part = doc.split("## DuckDB")[1].split("## Spark SQL")[0]
    queries = [block.split("```")[0] for block in duckdb_part.split("```sql\n")[1:]]
    assert len(queries) == 2
    monkeypatch.chdir(region[1].parent)  # the folder holding bundles/
    themes = duckdb.sql(queries[0]).df()
    assert set(themes["partnership"]) == set(CODES)
    assert themes["learning_points"].map(lambda v: v == "c" or int(v) >= 6).all()
    assert not duckdb.sql(queries[1]).df().empty


def test_the_spark_sql_example_in_the_docs_parses_and_answers_as_the_duckdb_one(
    region, monkeypatch
):
    """Spark is not installed here (hundreds of MB and a JVM per test run): the Spark SQL
    example is parsed in sqlglot's Spark dialect, its views are checked to read the bundles'
    files, and its query, translated to DuckDB over those files, gives the DuckDB example's
    answer."""
    from pathlib import Path

    import sqlglot
    from sqlglot import exp

    doc = (Path(__file__).resolve().parents[2] / "docs" / "pooled.md").read_text()
    spark_part = doc.split("## Spark SQL")[1]
    script = spark_part.split("```sql\n")[1].split("```")[0]
    *views, query = sqlglot.parse(script, read="spark", error_level=sqlglot.ErrorLevel.RAISE)
    monkeypatch.chdir(region[1].parent)
    con = duckdb.connect()
    for view in views:
        assert isinstance(view, exp.Create) and view.kind == "VIEW"
        props = view.args["properties"].expressions
        assert any(isinstance(p, exp.TemporaryProperty) for p in props)
        assert [p.this.name for p in props if isinstance(p, exp.FileFormatProperty)] == ["parquet"]
        (options,) = [p for p in props if isinstance(p, exp.OptionsProperty)]
        opts = {o.this.name: o.args["value"].name for o in options.expressions}
        assert opts["mergeSchema"] == "true"
        folder, file = opts["path"].rsplit("/", 1)
        assert folder == "bundles/*" and file in {t.file for t in TABLES}
        con.execute(  # the path is checked above: one of the bundles' files
            f"CREATE VIEW {view.this.name} AS"
            f" SELECT * FROM read_parquet('bundles/*/{file}', union_by_name = true)"
        )
    spark_answer = con.execute(query.sql("duckdb")).df()
    duckdb_part = doc.split("## DuckDB")[1].split("## Spark SQL")[0]
    duckdb_answer = duckdb.sql(duckdb_part.split("```sql\n")[1].split("```")[0]).df()
    assert not spark_answer.empty
    pd.testing.assert_frame_equal(spark_answer, duckdb_answer)
    with pytest.raises(sqlglot.errors.ParseError):  # the check can fail
        sqlglot.parse(script.replace("ORDER BY", "ORDER"), read="spark")


def test_bundles_of_two_partnerships_sharing_a_key_refused(region, tmp_path):
    """The explorer joins on keys across the pool, so a key in two bundles is refused."""
    north, south = (tmp_path / c for c in CODES)
    shutil.copytree(region[2]["NORTH"], north)
    shutil.copytree(region[2]["SOUTH"], south)
    path = south / "crc_cases.parquet"
    stolen = _parquet(north, "crc_cases")["case_key"].iloc[0]
    duckdb.sql(
        f"COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 1 THEN '{stolen}'"
        f" ELSE case_key END AS case_key) FROM read_parquet('{path}'))"
        f" TO '{south / 'x.parquet'}' (FORMAT parquet)"
    )
    (south / "x.parquet").replace(path)
    _edit_manifest(south, files={
        **json.loads((south / MANIFEST).read_text())["files"],
        "crc_cases.parquet": {"sha256": sha256_file(path)},
    })  # fmt: skip
    with pytest.raises(
        BadBundle, match=f"the bundles of NORTH and SOUTH share the case_key {stolen}"
    ):
        pooled.open_pooled([north, south])


def _respell(folder, names: dict[str, str], events: dict[str, str]) -> None:
    """Write the bundle's names another way (`names` in every file but the events', `events` in
    the events'), with the manifest's checksums made to match: as another partnership types
    them."""
    manifest = json.loads((folder / MANIFEST).read_text())
    for table in TABLES:
        path = folder / table.file
        spelling = events if table.name == "crc_events" else names
        columns = [c for c in table.column_names if c != "partnership"]
        recast = ", ".join(
            f"CASE {c}::VARCHAR "
            + " ".join(f"WHEN '{a}' THEN '{b}'" for a, b in spelling.items())
            + f" ELSE {c} END AS {c}"
            for c in columns
            if c.endswith(("agency", "theme", "category", "name"))
        )
        if not recast:
            continue
        duckdb.sql(
            f"COPY (SELECT * REPLACE ({recast}) FROM read_parquet('{path}'))"
            f" TO '{folder / 'x.parquet'}' (FORMAT parquet)"
        )
        (folder / "x.parquet").replace(path)
        manifest["files"][table.file]["sha256"] = sha256_file(path)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def test_a_name_written_with_other_capitals_or_spaces_is_one_name_across_the_pool(region, tmp_path):
    """SOUTH writes "police " and "information  sharing" in its tables and "POLICE" in its
    events, where NORTH writes "Police" and "Information sharing": one agency and one theme in
    every filter, table and figure of the pool, as NORTH spells them, with both partnerships'
    counts under it. A name written otherwise ("Hampshire Constabulary") stays apart."""
    folder = tmp_path / "bundles"
    shutil.copytree(region[1], folder)
    south = folder / region[2]["SOUTH"].name
    _respell(
        south,
        {"Police": "police ", "Information sharing": "information  sharing"},
        {"Police": "POLICE", "School": "Hampshire Constabulary"},
    )
    pool = pooled.open_pooled([folder])
    original = pooled.open_pooled([region[1]])
    try:
        every, police = crc.CrcFilters(), crc.CrcFilters(agencies=("Police",))
        options = crc.filter_options(pool, SYSTEM)
        assert options == crc.filter_options(original, SYSTEM)
        assert "Police" in options["agencies"] and "police " not in options["agencies"]
        assert "Information sharing" in options["themes"]
        assert crc.selected_case_count(pool, SYSTEM, police) == crc.selected_case_count(
            original, SYSTEM, police
        )
        for read in (crc.learning_theme_counts, crc.action_counts):
            ours, theirs = read(pool, SYSTEM, every), read(original, SYSTEM, every)
            for key in ours:
                pd.testing.assert_frame_equal(ours[key], theirs[key])
        pd.testing.assert_frame_equal(
            crc.barrier_counts(pool, SYSTEM, every), crc.barrier_counts(original, SYSTEM, every)
        )
        for by in ("agency", "category"):
            for a, b in zip(
                crc.pattern_counts(pool, SYSTEM, every, by),
                crc.pattern_counts(original, SYSTEM, every, by),
                strict=True,
            ):
                pd.testing.assert_frame_equal(a, b)
        density, _ = crc.aligned_events(pool, SYSTEM, every, "Referral")
        theirs, _ = crc.aligned_events(original, SYSTEM, every, "Referral")
        agencies = set(density["agency"])
        assert "Police" in agencies and not {"POLICE", "police "} & agencies
        assert "Hampshire Constabulary" in agencies  # another name: another agency
        mine = density[density["agency"] == "Police"].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            mine, theirs[theirs["agency"] == "Police"].reset_index(drop=True)
        )
    finally:
        pool.close()
        original.close()
