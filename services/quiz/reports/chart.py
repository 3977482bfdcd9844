"""The progress chart: the candidate's score over time, overall and per topic, drawn by pygal as
SVG and made safe to inline under the site's CSP (`style-src 'self'`).

pygal styles its charts with a `<style>` element and adds `<script>` elements; neither may appear
in the report. `flatten_svg` applies pygal's own stylesheet as SVG presentation attributes
(`fill="none"`, `stroke="#…"`: attributes, not styles, so the CSP allows them), with tinycss2 and
cssselect2 (WeasyPrint's own CSS parser and selector matcher), and drops the elements.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import cssselect2
import pygal
import tinycss2
from pygal.style import Style

# pygal appends a legacy `sys.meta_path` finder for its map plugins (unused here). It has no
# `find_spec`, so on Python 3.11 every later lookup of a module that is not found yet emits an
# ImportWarning (an error under the tests' warning filter); on 3.12 it is ignored. Remove it.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

SVG_NS = "http://www.w3.org/2000/svg"
# CSS properties that SVG also accepts as presentation attributes.
PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-dasharray",
        "stroke-linecap",
        "stroke-linejoin",
        "opacity",
        "font-family",
        "font-size",
        "font-weight",
        "text-anchor",
        "dominant-baseline",
        "display",
        "visibility",
    }
)
# The house palette (gateway.css) first; pygal cycles through the rest.
CHART_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="currentColor",
    foreground_strong="currentColor",
    foreground_subtle="#9aa5b1",
    font_family="DejaVu Sans, sans-serif",
    colors=("#0b7a75", "#1d4ed8", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207"),
    guide_stroke_color="#c5ccd3",
    major_guide_stroke_color="#9aa5b1",
    opacity="1",
    opacity_hover="1",
)
MAX_TOPIC_SERIES = 6


def progress_chart(points: Sequence[dict[str, Any]]) -> str:
    """The chart as an `<svg>` element (no XML declaration, no styles, no scripts)."""
    chart = pygal.Line(
        style=CHART_STYLE,
        width=720,
        height=320,
        explicit_size=False,
        disable_xml_declaration=True,
        no_prefix=True,
        js=[],
        range=(0, 100),
        show_dots=True,
        dots_size=3,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        x_label_rotation=0,
        truncate_label=12,
        title="Score over time (%)",
        no_data_text="No finished interviews yet",
    )
    chart.x_labels = [str(p.get("finalised_at") or "")[:10] for p in points]
    chart.add("Overall", [p["percent"] for p in points], stroke_style={"width": 3})
    for topic in _topics(points):
        chart.add(topic, [p["by_topic"].get(topic) for p in points])
    return flatten_svg(chart.render(is_unicode=True))


def _topics(points: Sequence[dict[str, Any]]) -> list[str]:
    """Topics of the latest session first, then others, at most MAX_TOPIC_SERIES."""
    latest = sorted(points[-1]["by_topic"]) if points else []
    others = sorted({t for p in points for t in p["by_topic"]} - set(latest))
    return (latest + others)[:MAX_TOPIC_SERIES]


def flatten_svg(svg: str) -> str:
    """`svg` with its stylesheet applied as presentation attributes and every `<style>`,
    `<script>` element and `style=` attribute removed."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    css = "".join(el.text or "" for el in root.iter(f"{{{SVG_NS}}}style"))
    _apply_stylesheet(root, css)
    _apply_style_attributes(root)
    _drop(root, {f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}script"})
    for element in root.iter():
        element.attrib.pop("style", None)
    return ET.tostring(root, encoding="unicode")


def _apply_stylesheet(root: ET.Element, css: str) -> None:
    matcher = _matcher(css)
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        matches = sorted(matcher.match(wrapper), key=lambda m: (m[0], m[1]))
        for _specificity, _order, _pseudo, declarations in matches:
            for name, value in declarations:
                wrapper.etree_element.set(name, value)


@lru_cache(maxsize=32)
def _matcher(css: str) -> cssselect2.Matcher:
    # pygal writes the same stylesheet for every chart with the same number of series, and
    # compiling its selectors is most of the flattening's cost: compile each stylesheet once.
    matcher = cssselect2.Matcher()
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type != "qualified-rule":
            continue
        declarations = _declarations(rule.content)
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:
            continue  # :hover and the like: interaction styles, nothing to flatten
        for selector in selectors:
            if selector.pseudo_element is None:
                matcher.add_selector(selector, declarations)
    return matcher


def _apply_style_attributes(root: ET.Element) -> None:
    for element in root.iter():
        style = element.attrib.get("style")
        if style:
            for name, value in _declarations(tinycss2.parse_blocks_contents(style)):
                element.set(name, value)


def _declarations(tokens: list[Any]) -> list[tuple[str, str]]:
    found = []
    for item in tinycss2.parse_blocks_contents(tokens) if tokens else []:
        if item.type == "declaration" and item.lower_name in PRESENTATION:
            value = tinycss2.serialize(item.value).strip()
            if value and "var(" not in value:
                found.append((item.lower_name, value))
    return found


def _drop(root: ET.Element, tags: set[str]) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in tags:
                parent.remove(child)
