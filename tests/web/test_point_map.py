"""The dashboard map: labels never overlap, one far place does not squeeze the rest, incidents never hide a point."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

import supplies
from tests.examples import examples
from webadmin.map_layout import Box, bulk_range, place_labels, text_width

from .helpers import text

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only

Client = Callable[[str], FlaskClient]


def _svg(page: str) -> str:
    return page.split('id="point-map"')[1].split("</svg>")[0]


def _label_box(x: float, y: float, anchor: str, code: str) -> Box:
    w = text_width(code)
    x0 = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return Box(x0, y - 10 * 0.85, x0 + w, y + 10 * 0.15)


def test_the_bulk_leaves_out_a_far_place_only() -> None:
    county = [106.53, 106.56, 106.62, 106.63, 106.65, 106.66, 106.66, 106.67, 106.68, 106.70, 106.81, 106.86]
    low, high = bulk_range([*county, 107.52])  # the demo's factory, 80 km east
    assert (low, high) == (106.53, 106.86)
    assert bulk_range(county) == (106.53, 106.86)  # a county with no far place keeps every point
    assert bulk_range([26.58, 26.60, 26.40]) == (26.40, 26.60)
    assert bulk_range([106.60, 106.71, 106.80, 106.65, 108.5]) == (106.60, 106.80)  # even among five places
    assert bulk_range([106.6, 106.7, 108.5]) == (106.6, 108.5)  # three places: too few to call one far
    spread = [float(v) for v in range(100)]  # evenly spread: nothing is far
    assert bulk_range(spread) == (0.0, 99.0)
    clusters = [0.0, 0.2, 0.5, 0.9, 1.0, 10.0, 10.3, 10.5, 10.8, 11.0]
    assert bulk_range(clusters) == (0.0, 11.0)  # two counties side by side keep both


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 640),
            st.floats(0, 400),
            st.floats(4, 14),
            st.sampled_from(["HS-CK01", "HS-TS02", "羡塘镇", "A", "HS-VL01-EXTRA"]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_shown_labels_never_overlap_each_other_or_leave_the_canvas(points: list) -> None:  # type: ignore[type-arg]
    labels = place_labels(points, 640, 400)
    shown = [_label_box(lb.x, lb.y, lb.anchor, p[3]) for lb, p in zip(labels, points) if lb.shown]
    for i, a in enumerate(shown):
        assert a.x0 >= -0.5 and a.x1 <= 640.5
        for b in shown[i + 1 :]:
            assert not Box(a.x0 + 0.2, a.y0 + 0.2, a.x1 - 0.2, a.y1 - 0.2).overlaps(b)


def test_a_crowd_of_points_hides_the_labels_that_do_not_fit(client_as: Client, town: supplies.Inventory) -> None:
    for n in range(12):  # a dozen village points within a few hundred metres of each other
        town.points.add(f"VL-{n:02d}", f"村储备点{n}", level="village", lat=26.50 + n * 0.0004, lon=106.70 + n * 0.0003)
    svg = _svg(text(client_as("admin").get("/")))
    assert svg.count('class="label hidden"') > 0  # some wait for the hover ...
    assert svg.count('class="label"') >= 3  # ... the others are drawn
    assert svg.count('<g class="pt') == 15 and svg.count("<title>") >= 15  # every point is there, with its name


def test_a_far_point_sits_at_the_edge_with_an_arrow(client_as: Client, town: supplies.Inventory) -> None:
    for n, (lat, lon) in enumerate([(26.52, 106.66), (26.47, 106.74), (26.55, 106.62)]):
        town.points.add(f"VL-{n}", f"村储备点{n}", level="village", lat=lat, lon=lon)
    page = _svg(text(client_as("admin").get("/")))
    near = {code: float(x) for code, x in re.findall(r'data-code="([^"]+)">.*?<circle cx="([\d.]+)"', page, re.S)}
    spread = max(near.values()) - min(near.values())
    town.points.add("FC-01", "远方被服厂(产能储备)", level="city", kind="factory", lat=26.26, lon=108.5)
    svg = _svg(text(client_as("admin").get("/")))
    xs = {code: float(x) for code, x in re.findall(r'data-code="([^"]+)">.*?<circle cx="([\d.]+)"', svg, re.S)}
    assert max(xs[c] for c in near) - min(xs[c] for c in near) >= 0.9 * spread  # the county is not squeezed
    far = svg.split('data-code="FC-01"')[0].rsplit("<g ", 1)[1]
    assert "outlier" in far and "edge-arrow" in svg.split('data-code="FC-01"')[1].split("</g>")[0]
    assert xs["FC-01"] <= 640 and "beyond the edge of the map" in svg


def test_an_incident_is_a_ring_drawn_under_the_points(client_as: Client, town: supplies.Inventory) -> None:
    town.incidents.add("城关镇内涝", type="flood", level="IV", lat=26.60, lon=106.80)  # exactly at TS-01
    svg = _svg(text(client_as("admin").get("/")))
    assert svg.index('class="incident-ring"') < svg.index('data-code="TS-01"')
    ring = svg.split('class="incident-ring"')[1].split(">")[0]
    assert 'fill="none"' in ring
    assert "<path" not in svg.split("</defs>")[1]  # no filled triangle on top of the dot
