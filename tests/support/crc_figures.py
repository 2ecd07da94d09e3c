"""What the CRC explorer's figures hold in the browser (what hovers and tooltips read), for
tests that check no count from 1 to 5 reaches it."""

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


def aligned_with_case_rows(page) -> None:
    """Open the Aligned journeys tab and ask for its case rows; wait until the heat map and
    the rows are drawn."""
    page.click("label:has-text('Aligned journeys')")
    page.click("#crc-rows-show")
    page.wait_for_function(
        "() => document.querySelector('#crc-case-rows .js-plotly-plot')?._fullData?.length > 0"
        " && document.querySelector('#crc-heatmap .js-plotly-plot')?._fullData?.length > 0",
        timeout=30_000,
    )


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
