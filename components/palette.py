"""Colours that stay distinguishable for colour-blind viewers and on a projector.

Okabe-Ito, darkened where needed for 3:1 contrast against white. Colour is never the only
carrier of meaning: lanes are labelled and event types also differ by marker shape.
"""

AGENCY_COLOURS = (
    "#0b5394",  # blue
    "#b45f06",  # orange-brown
    "#00704a",  # bluish green
    "#a0236e",  # reddish purple
    "#5b4a00",  # olive
    "#c0392b",  # vermilion
    "#3d3d3d",  # dark grey
    "#005f73",  # teal
    "#6a3d9a",  # purple
    "#7f5539",  # brown
)


def agency_colour(index: int) -> str:
    return AGENCY_COLOURS[index % len(AGENCY_COLOURS)]
