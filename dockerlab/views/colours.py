"""The colours of the lab's networks, the same in every figure and table.

Okabe and Ito's colour-blind-safe palette; Docker's default bridge is always
its blue, and each other network keeps one colour by its name. This module
needs no matplotlib, so the HTML views and the exports can colour networks
without loading it.
"""

from __future__ import annotations

import zlib

#: Okabe and Ito's colour-blind-safe palette: Docker's default bridge is always its blue.
FIXED_COLOURS = {"bridge": "#0072b2", "host": "#8c8c8c", "none": "#222222"}
PALETTE = ["#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999933", "#882255"]
#: One-way arrows (``--link``): vermillion and dashed, so colour is never the only cue.
ONE_WAY = "#d55e00"
NO_NETWORK = "#dddddd"
#: Isolation between bridges, drawn as a cut: the same vermillion, dashed.
CUT_COLOUR = "#d55e00"


def network_colour(network: str | None) -> str:
    """The colour of a network, the same in every notebook.

    >>> network_colour("bridge")
    '#0072b2'
    """
    if network is None:
        return NO_NETWORK
    if network in FIXED_COLOURS:
        return FIXED_COLOURS[network]
    return PALETTE[zlib.crc32(network.encode()) % len(PALETTE)]


def network_colours(networks: list[str]) -> dict[str | None, str]:
    """A distinct colour for each network of one figure, stable across figures.

    Each network keeps :func:`network_colour` unless another network of the
    figure already has that colour; then it takes the next free one of the
    palette (in name order), so one drawing never shows two networks alike.

    >>> c = network_colours(["bridge", "front", "back"])
    >>> len({c["bridge"], c["front"], c["back"]}) == 3 and c["bridge"] == network_colour("bridge")
    True
    """
    colours: dict[str | None, str] = {None: NO_NETWORK}
    used: set[str] = set()
    for net in sorted(set(networks), key=lambda n: (n not in FIXED_COLOURS, n)):
        colour = network_colour(net)
        if net not in FIXED_COLOURS and colour in used and len(used) < len(PALETTE) + len(FIXED_COLOURS):
            start = PALETTE.index(colour)
            colour = next(
                (c for i in range(len(PALETTE)) if (c := PALETTE[(start + i) % len(PALETTE)]) not in used), colour
            )
        colours[net] = colour
        used.add(colour)
    return colours
