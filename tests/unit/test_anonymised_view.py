"""The anonymised view's rewriting of callback responses (app/anonymised_view.py)."""

from __future__ import annotations

from app.anonymised_view import anonymised_payload


def test_every_shown_string_is_rewritten_and_structure_is_not():
    response = {
        "multi": True,
        "response": {
            "tl-details": {
                "children": {
                    "namespace": "dash_html_components",
                    "type": "Div",
                    "props": {
                        "id": {"type": "Kelly", "index": 3},
                        "className": "Kelly",
                        "children": ["Kelly rang", {"props": {"aria-label": "Show Kelly"}}],
                        "title": "Kelly",
                    },
                }
            },
            "timeline-graph": {
                "figure": {
                    "data": [
                        {
                            "type": "scatter",
                            "hovertext": ["Kelly rang", None, 3],
                            "x": {"dtype": "f8", "bdata": "AAAAKelly+/AAA="},
                        }
                    ]
                }
            },
        },
    }
    rewritten = anonymised_payload(response, lambda text: text.replace("Kelly", "Mother"))
    details = rewritten["response"]["tl-details"]["children"]["props"]
    assert details["children"] == ["Mother rang", {"props": {"aria-label": "Show Mother"}}]
    assert details["title"] == "Mother"
    assert details["id"] == {"type": "Kelly", "index": 3}
    assert details["className"] == "Kelly"
    trace = rewritten["response"]["timeline-graph"]["figure"]["data"][0]
    assert trace["hovertext"] == ["Mother rang", None, 3]
    assert trace["x"] == {"dtype": "f8", "bdata": "AAAAKelly+/AAA="}
    assert response["response"]["tl-details"]["children"]["props"]["title"] == "Kelly"  # a copy
