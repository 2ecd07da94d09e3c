"""The timeline's key above the chart (components.chart_key, app.timeline.categories.page_key):
one entry per mark the chart draws, naming the trace it toggles, shown while that trace is."""

from __future__ import annotations

from app.timeline.categories import page_key
from components.category_style import category_data, marker_styles
from components.chart_key import key_contents, key_entries
from components.timeline import timeline_figure_spec
from components.timeline_summary import SUMMARY_TRACE
from data.category_list import SHIPPED_CATEGORIES
from tests.support.synthetic_case import big_case

CASE_DATA = {"categories": category_data(SHIPPED_CATEGORIES), "key_categories": ["Education"]}


def sent_entries(key: dict) -> list[dict]:
    """Each entry of a key as the browser receives it: its name, trace, state and kind."""
    items = key["props"]["children"][1]["props"]["children"]
    out = []
    for item in items:
        body = item["props"]["children"]["props"]
        out.append(
            {
                "name": body["children"],  # its text (its picture is its background)
                "picture": body["style"]["--rpm-picture"],
                "trace": int(body["data-trace"]),
                "shown": not item["props"]["hidden"],
                "key": "rpm-cat-key" in item["props"]["className"],
                "button": "aria-pressed" in body,
                "pressed": body.get("aria-pressed"),
            }
        )
    return out


def drawn(events, **options) -> list[dict]:
    return timeline_figure_spec(events, lanes=["Police", "Health", "School"], **options)["data"]


def test_every_entry_names_the_trace_it_toggles_on_a_chart_of_markers():
    traces = drawn(big_case(200))
    entries = sent_entries(page_key(CASE_DATA, traces).to_plotly_json())
    assert [e["name"] for e in entries] == [traces[e["trace"]]["name"] for e in entries]
    names = [c.name for c in SHIPPED_CATEGORIES]
    assert [e["name"] for e in entries[: len(names)]] == names  # the managed list's order
    assert [e["name"] for e in entries if e["key"]] == ["Education"]
    # shown: the categories, the spans and the reflected badge; no lens links, no summary
    assert [e["name"] for e in entries if e["shown"]] == [*names, traces[len(names)]["name"],
                                                          "Reflected"]  # fmt: skip
    assert all(e["button"] for e in entries if e["shown"])  # each hides or shows its marks
    assert len({e["trace"] for e in entries}) == len(entries)
    assert all(e["picture"].startswith('url("data:image/svg+xml;') for e in entries)


def test_a_summarised_chart_keys_its_bars_by_the_words_the_chart_gives_them():
    traces = drawn(big_case(4000), summarise_above=1000)
    entries = sent_entries(page_key(CASE_DATA, traces).to_plotly_json())
    shown = [e for e in entries if e["shown"]]
    # the bars, not the categories whose markers are not drawn; nothing to toggle
    assert [e["name"] for e in shown] == [t["name"] for t in traces if t.get("showlegend")]
    assert shown[0]["name"].startswith("Summary: events in a month")
    assert not any(e["button"] for e in shown)


def test_the_key_before_the_chart_is_known_is_a_chart_of_markers():
    styles = marker_styles(CASE_DATA["categories"])
    contents = key_contents(styles, ())
    items = contents[1].children
    assert [not i.hidden for i in items] == [e.usual for e in key_entries(styles)]
    assert SUMMARY_TRACE in [e.name for e in key_entries(styles) if not e.usual]


def test_a_trace_hidden_on_the_chart_is_a_toggle_not_pressed_and_each_chart_its_own_key():
    traces = drawn(big_case(200))
    hidden = [dict(t, visible="legendonly") if t["name"] == "Health contact" else t for t in traces]
    entries = {e["name"]: e for e in sent_entries(page_key(CASE_DATA, hidden).to_plotly_json())}
    assert entries["Health contact"]["shown"] and entries["Health contact"]["pressed"] == "false"
    assert entries["Education"]["pressed"] == "true"
    # the first chart's key as it was (each kept by what its chart draws)
    first = {e["name"]: e for e in sent_entries(page_key(CASE_DATA, traces).to_plotly_json())}
    assert first["Health contact"]["pressed"] == "true"
