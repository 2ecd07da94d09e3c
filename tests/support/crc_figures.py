"""What the CRC explorer's tables and its case rows' picture hold in the browser and in what
the server sent, for tests that check no count from 1 to 5 reaches it."""

from __future__ import annotations

# The texts of the case rows' picture (an SVG image): what it holds besides its markers.
PICTURE_TEXTS_JS = """() => {
    const img = document.querySelector('#crc-case-rows-picture');
    const svg = new DOMParser().parseFromString(atob(img.src.split(',')[1]), 'image/svg+xml');
    return [...svg.querySelectorAll('text')].map(t => t.textContent);
}"""
# Every cell of the explorer's count tables on screen: its text.
TABLE_CELLS_JS = """() => [...document.querySelectorAll('#crc-tab-content table td')]
    .map(td => td.innerText.trim())"""


def aligned_with_case_rows(page) -> None:
    """Open the Aligned journeys tab and ask for its case rows; wait until the density table
    and the rows are drawn."""
    page.click("label:has-text('Aligned journeys')")
    page.click("#crc-rows-show")
    page.wait_for_function(
        "() => document.querySelector('#crc-case-rows-picture')?.complete"
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


def picture_holds_no_count(texts: list[str], window: int = 24) -> bool:
    """The case rows' texts are its month ticks and its axis title: no count at all."""
    title = "months relative to the anchor event (0: its month)"
    return all(t == title or (t.lstrip("-").isdigit() and abs(int(t)) <= window) for t in texts)
