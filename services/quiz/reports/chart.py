"""The progress chart: the candidate's score over time, overall and per topic, drawn by pygal as
SVG and made safe to inline under the site's CSP (`style-src 'self'`).

pygal styles its charts with a `<style>` element and adds `<script>` elements; neither may appear
in the report. `flatten` applies pygal's own stylesheet as SVG presentation attributes
(`fill="none"`, `stroke="#…"`: attributes, not styles, so the CSP allows them), with tinycss2 and
cssselect2 (WeasyPrint's own CSS parser and selector matcher), and drops the elements. It
matches each element *path* once per stylesheet, not each element (see `_Stylesheet`).
"""

from __future__ import annotations

import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
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
# pygal builds its tree with lxml when lxml is installed; `flatten` walks the standard library's.
pygal.etree.etree.to_etree()

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
    # The element tree itself, not its text: nothing to serialise and parse again.
    root = chart.render_tree()
    flatten(root)
    return ET.tostring(root, encoding="unicode")


def _topics(points: Sequence[dict[str, Any]]) -> list[str]:
    """Topics of the latest session first, then others, at most MAX_TOPIC_SERIES."""
    latest = sorted(points[-1]["by_topic"]) if points else []
    others = sorted({t for p in points for t in p["by_topic"]} - set(latest))
    return (latest + others)[:MAX_TOPIC_SERIES]


def flatten(root: ET.Element) -> None:
    """Apply `root`'s stylesheet as presentation attributes, in place, and remove every
    `<style>` and `<script>` element, comment and `style=` attribute."""
    css = "".join(el.text or "" for el in root.iter() if _local(el.tag) == "style")
    _drop(root, lambda tag: tag is ET.Comment)
    _apply_stylesheet(root, _stylesheet(css))
    _apply_style_attributes(root)
    _drop(root, lambda tag: _local(tag) in {"style", "script"})
    for element in root.iter():
        element.attrib.pop("style", None)


class _Stylesheet:
    """A compiled stylesheet and, when its selectors allow it, the declarations each element
    gets, kept by the element's *path*: its tag, class, id and the attributes the selectors
    test, and the same of each of its ancestors.

    Selectors made of tags, classes, ids, attributes, `:not()`/`:is()`/`:where()`,
    descendant and child combinators, and the never-matching interaction pseudo-classes
    (`:hover`…) match an element or not by its path alone, so elements on the same path get the
    same declarations: cssselect2 matches each path once (pygal's charts of one shape repeat a
    few dozen paths in hundreds of elements, from one chart to the next).
    """

    def __init__(self, css: str) -> None:
        self.matcher = cssselect2.Matcher()
        # Attribute names the selectors test (besides class and id), with whether they test
        # the value (True) or only the presence (False); None when some selector depends on
        # more than the path (siblings, position, :has(), :lang()…): then every element is matched.
        tested: dict[str, bool] | None = {}
        for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
            if rule.type != "qualified-rule":
                continue
            declarations = _declarations(rule.content)
            try:
                parsed = list(cssselect2.parser.parse(rule.prelude))
                compiled = [cssselect2.compiler.CompiledSelector(p) for p in parsed]
            except cssselect2.SelectorError:
                continue  # unsupported selectors: nothing to flatten
            for source, selector in zip(parsed, compiled, strict=True):
                if selector.pseudo_element is None:
                    self.matcher.add_selector(selector, declarations)
                    if tested is not None and not _by_path(source.parsed_tree, tested):
                        tested = None
        self.by_path = tested is not None
        self.tested = tuple(sorted((tested or {}).items()))
        self.paths: dict[tuple[Any, ...], int] = {}
        self.found: dict[int, tuple[tuple[str, str], ...]] = {}
        self.lock = threading.Lock()

    def path(self, parent: int, element: ET.Element) -> int:
        """The number of `element`'s path, under its parent's path number `parent`."""
        attrib = element.attrib
        key = (
            parent,
            element.tag,
            attrib.get("class"),
            attrib.get("id"),
            *(attrib.get(n) if by_value else n in attrib for n, by_value in self.tested),
        )
        number = self.paths.get(key)
        if number is None:
            number = self.paths[key] = len(self.paths)
        return number

    def declarations(self, wrapper: cssselect2.ElementWrapper) -> tuple[tuple[str, str], ...]:
        """What the stylesheet sets on the wrapped element, last declaration winning."""
        merged: dict[str, str] = {}
        for _specificity, _order, _pseudo, declarations in self.matcher.match(wrapper):
            merged.update(declarations)
        return tuple(merged.items())


# Distinct element paths remembered per stylesheet (a chart has a few dozen).
MAX_PATHS = 4096
# Interaction pseudo-classes: cssselect2 never matches them in a static document.
_NEVER_MATCHING = frozenset(
    {"visited", "hover", "active", "focus", "focus-within", "focus-visible"}
)


def _by_path(tree: Any, tested: dict[str, bool]) -> bool:
    """True when the parsed selector `tree` matches by an element's path alone; records the
    attributes it tests in `tested`."""
    parser = cssselect2.parser
    if isinstance(tree, parser.CombinedSelector):
        return (
            tree.combinator in {" ", ">"}
            and _by_path(tree.left, tested)
            and _by_path(tree.right, tested)
        )
    if isinstance(tree, parser.CompoundSelector):
        return all(_by_path(simple, tested) for simple in tree.simple_selectors)
    if isinstance(
        tree,
        parser.LocalNameSelector
        | parser.NamespaceSelector
        | parser.IDSelector
        | parser.ClassSelector,
    ):
        return True
    if isinstance(tree, parser.AttributeSelector):
        if tree.namespace not in {None, ""}:
            return False
        tested[tree.name] = tested.get(tree.name, False) or tree.operator is not None
        return True
    if isinstance(tree, parser.PseudoClassSelector):
        return tree.name in _NEVER_MATCHING
    if isinstance(
        tree,
        parser.NegationSelector | parser.MatchesAnySelector | parser.SpecificityAdjustmentSelector,
    ):
        return all(_by_path(selector.parsed_tree, tested) for selector in tree.selector_list)
    return False


@lru_cache(maxsize=32)
def _stylesheet(css: str) -> _Stylesheet:
    # pygal writes the same stylesheet for every chart with the same number of series, and
    # compiling its selectors is most of the flattening's cost: compile each stylesheet once.
    return _Stylesheet(css)


def _apply_stylesheet(root: ET.Element, sheet: _Stylesheet) -> None:
    if not sheet.by_path:
        for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
            for name, value in sheet.declarations(wrapper):
                wrapper.etree_element.set(name, value)
        return
    with sheet.lock:
        if len(sheet.paths) > MAX_PATHS:  # a runaway variety of paths: start afresh
            sheet.paths.clear()
            sheet.found.clear()
        _apply_by_path(root, sheet)


def _apply_by_path(root: ET.Element, sheet: _Stylesheet) -> None:
    paths: dict[ET.Element, int] = {}
    stack = [(root, -1)]
    while stack:
        element, parent = stack.pop()
        paths[element] = number = sheet.path(parent, element)
        stack.extend((child, number) for child in element)
    if any(number not in sheet.found for number in paths.values()):
        for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
            number = paths[wrapper.etree_element]
            if number not in sheet.found:
                sheet.found[number] = sheet.declarations(wrapper)
    for element, number in paths.items():
        for name, value in sheet.found[number]:
            element.set(name, value)


def _apply_style_attributes(root: ET.Element) -> None:
    for element in root.iter():
        style = element.attrib.get("style")
        if style:
            for name, value in _inline_declarations(style):
                element.set(name, value)


@lru_cache(maxsize=256)
def _inline_declarations(style: str) -> tuple[tuple[str, str], ...]:
    return tuple(_declarations(tinycss2.parse_component_value_list(style)))


def _declarations(tokens: list[Any]) -> list[tuple[str, str]]:
    found = []
    for item in tinycss2.parse_blocks_contents(tokens) if tokens else []:
        if item.type == "declaration" and item.lower_name in PRESENTATION:
            value = tinycss2.serialize(item.value).strip()
            if value and "var(" not in value:
                found.append((item.lower_name, value))
    return found


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _drop(root: ET.Element, unwanted: Callable[[Any], bool]) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if unwanted(child.tag):
                parent.remove(child)
