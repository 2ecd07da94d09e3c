"""What the CRC explorer's figures and tables hold in the browser (what hovers and tooltips
read, what the server sent), for tests that check no count from 1 to 5 reaches it."""

from __future__ import annotations

# Fields of a Plotly trace that carry counts (positions such as months or case rows do not).
COUNT_FIELDS = {"bar": ("x", "y", "text"), "heatmap": ("z", "text"), "scatter": ("y", "text")}
FIGURES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
    id: gd.parentElement.id || gd.id,
    traces: gd._fullData.map(t => ({
        type: t.type, orientation: t.orientation,
        x: t.x ? Array.from(t.x) : null, y: t.y ? Array.from(t.y) : null,
        z: t.z ? Array.from(t.z, r => Array.from(r)) : null,
        text: t.text == null ? null : [].concat(t.text).flat(),
        customdata: t.customdata ? Array.from(t.customdata) : null,
        hovertemplate: [].concat(t.hovertemplate || []).join(' '),
    })),
    annotations: (gd.layout.annotations || []).map(a => a.text),
}))"""


# Every cell of the explorer's count tables on screen: its text.
TABLE_CELLS_JS = """() => [...document.querySelectorAll('#crc-tab-content table td')]
    .map(td => td.innerText.trim())"""


def aligned_with_case_rows(page) -> None:
    """Open the Aligned journeys tab and ask for its case rows; wait until the density table
    and the rows are drawn."""
    page.click("label:has-text('Aligned journeys')")
    page.click("#crc-rows-show")
    page.wait_for_function(
        "() => document.querySelector('#crc-case-rows .js-plotly-plot')?._fullData?.length > 0"
        " && document.querySelector('#crc-table-density-data td')",
        timeout=30_000,
    )


def _text(node) -> str:
    children = node.get("props", {}).get("children") if isinstance(node, dict) else node
    if isinstance(children, list):
        return "".join(_text(c) for c in children)
    if isinstance(children, dict):
        return _text(children)
    return "" if children is None else str(children)


def components_in(answer):
    """Every component in JSON the server sent (a callback's answer, a layout), depth first."""
    if isinstance(answer, dict):
        if "namespace" in answer and "props" in answer:
            yield answer
        for value in answer.values():
            yield from components_in(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from components_in(value)


def table_rows(answer, table_id: str) -> list[dict]:
    """The body rows of one of the explorer's HTML tables in the JSON the server sent, each
    {header: cell text}, the row's own header under "_row"."""
    table = next(c for c in components_in(answer) if c["props"].get("id") == table_id)
    head, *body = [
        row for part in table["props"]["children"] for row in _listed(part["props"]["children"])
    ]
    names = ["_row", *(_text(c) for c in _listed(head["props"]["children"])[1:])]
    return [
        dict(zip(names, (_text(c) for c in _listed(row["props"]["children"])), strict=True))
        for row in body
    ]


def _listed(children) -> list:
    return children if isinstance(children, list) else [children]


def small_cells(cells) -> list[str]:
    """The table cells on screen that show a count from 1 to 5."""
    return [c for c in cells if c.isdigit() and 1 <= int(c) <= 5]


def small_counts(figures) -> list:
    """Every value from 1 to 5 in a count-carrying field of the figures the browser holds."""
    found = []
    for fig in figures:
        for trace in fig["traces"]:
            fields = list(COUNT_FIELDS.get(trace["type"], ("text",)))
            if fig["id"] == "crc-case-rows":  # y is a case's row, x a month: no count at all
                fields = ["text"]
            if trace["type"] == "bar":  # the bar length is x when horizontal, y when vertical
                fields.remove("y" if trace["orientation"] == "h" else "x")
            for name in [*fields, "customdata"]:
                values = trace.get(name) or []
                flat = [v for row in values for v in (row if isinstance(row, list) else [row])]
                for v in flat:
                    try:
                        number = float(v)
                    except (TypeError, ValueError):
                        continue
                    if 1 <= number <= 5:
                        found.append((fig["id"], trace["type"], name, v))
            assert "customdata" not in trace["hovertemplate"], fig["id"]
    return found
