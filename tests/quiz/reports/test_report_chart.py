"""The progress chart and the flattening of its styles into presentation attributes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from services.quiz.reports import chart

NS = "http://www.w3.org/2000/svg"


def _points(topics: list[str], sessions: int) -> list[dict[str, Any]]:
    return [
        {
            "finalised_at": f"2026-11-{10 + n:02d}T10:00:00+00:00",
            "percent": 40.0 + 5 * n,
            "by_topic": {t: 30.0 + 7 * n + k for k, t in enumerate(topics)},
        }
        for n in range(sessions)
    ]


def _flattened(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    chart.flatten(root)
    return root


def _by_id(root: ET.Element) -> dict[str, dict[str, str]]:
    return {el.get("id", ""): dict(el.attrib) for el in root.iter() if el.get("id")}


def test_the_chart_is_svg_without_styles_scripts_or_comments() -> None:
    svg = chart.progress_chart(_points(["routing", "testing"], 4))

    root = ET.fromstring(svg)

    assert root.tag == f"{{{NS}}}svg" and root.get("viewBox") == "0 0 720 320"
    assert "<style" not in svg and "<script" not in svg and "style=" not in svg
    assert "<!--" not in svg
    # pygal's stylesheet, as attributes: each series' colour on its group, the house colour first.
    series = [g for g in root.iter(f"{{{NS}}}g") if "series" in (g.get("class") or "").split()]
    assert series and all(g.get("stroke") and g.get("fill") for g in series)
    assert series[0].get("stroke") == "#0b7a75" and series[0].get("stroke-width") == "3"
    # The tooltip's inline `style="opacity: 0"` became an attribute.
    tooltips = [g for g in root.iter(f"{{{NS}}}g") if g.get("class") == "tooltip"]
    assert tooltips and all(g.get("opacity") == "0" for g in tooltips)
    assert "routing" in svg and "testing" in svg


def test_a_chart_is_the_same_whether_its_element_paths_were_seen_before_or_not() -> None:
    first, second = _points(["routing", "testing", "orm"], 6), _points(["a", "b", "c"], 9)
    chart._stylesheet.cache_clear()
    fresh = chart.progress_chart(second)

    chart._stylesheet.cache_clear()
    chart.progress_chart(first)  # same shape: its paths are remembered
    remembered = chart.progress_chart(second)

    assert remembered == fresh


def test_flatten_applies_path_selectors_with_the_cascade_and_drops_styles() -> None:
    root = _flattened(
        f'<svg xmlns="{NS}"><defs><style>'
        ".a .b {fill: red; stroke: black} .b {fill: blue; opacity: 0.3}"
        " .a > .c {stroke: green} rect[transform] {opacity: 0.5}"
        " .a:hover .b {fill: yellow} .x:not(.y) rect {stroke-width: 2}"
        "</style></defs>"
        '<g class="a x"><rect id="ab" class="b"/><rect id="ac" class="c" transform="scale(2)"/>'
        '<g class="d"><rect id="adc" class="c" style="fill: purple; color: red"/></g></g>'
        '<rect id="b" class="b"/><script>alert(1)</script><!-- pygal --></svg>'
    )

    found = _by_id(root)
    # Class-and-ancestor selectors outrank a lone class; :hover never applies.
    assert found["ab"]["fill"] == "red" and found["ab"]["stroke"] == "black"
    assert found["ab"]["opacity"] == "0.3" and found["ab"]["stroke-width"] == "2"
    assert found["ac"]["stroke"] == "green" and found["ac"]["opacity"] == "0.5"
    # `>` is a child combinator; style= wins over the stylesheet and is then removed.
    assert "stroke" not in found["adc"] and found["adc"]["fill"] == "purple"
    assert found["b"]["fill"] == "blue" and "stroke-width" not in found["b"]
    assert all("style" not in attrs and "color" not in attrs for attrs in found.values())
    tags = {el.tag for el in root.iter()}
    assert {f"{{{NS}}}style", f"{{{NS}}}script"}.isdisjoint(tags) and ET.Comment not in tags


def test_flatten_matches_each_element_when_selectors_depend_on_position() -> None:
    svg = (
        f'<svg xmlns="{NS}"><style>.g rect:first-child {{fill: red}} .g rect {{stroke: blue}}'
        "</style>"
        '<g class="g"><rect id="one"/><rect id="two"/></g>'
        '<g class="g"><rect id="three"/><rect id="four"/></g></svg>'
    )

    for _ in range(2):  # the second time with the stylesheet compiled
        found = _by_id(_flattened(svg))
        assert found["one"]["fill"] == "red" and found["three"]["fill"] == "red"
        assert "fill" not in found["two"] and "fill" not in found["four"]
        assert all(attrs["stroke"] == "blue" for attrs in found.values())
