"""One Jinja template, two artefacts: the page fragment the worker stores and the PDF, which
wraps the very same fragment with the print stylesheet (WeasyPrint lays it out)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2

from .chart import progress_chart

TEMPLATES = Path(__file__).parent / "templates"
# WeasyPrint logs every layout step at INFO; the service logs at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _weasyprint() -> ModuleType:
    # Imported on first use: importing it takes a second or more (several on a busy machine),
    # which the worker, beat and CLI processes never need to pay.
    import weasyprint

    return weasyprint


_warm_up_lock = threading.Lock()
_warm_up_started = False


def warm_up() -> None:
    """Start importing the PDF renderer in the background (once per process), so a download
    soon after does not wait for the whole import. Reading a report calls this."""
    global _warm_up_started
    with _warm_up_lock:
        if _warm_up_started:
            return
        _warm_up_started = True
    threading.Thread(target=_weasyprint, name="pdf-warm-up", daemon=True).start()


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The report's own Jinja environment (autoescaped; independent of any Flask app)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(points=_points, pct=_pct, clock=_clock, day=_day)
    return env


def render_fragment(report: dict[str, Any]) -> str:
    """The report as `<section class="report">…</section>`: classes only, no styles, no scripts."""
    chart = progress_chart(report["progress"])
    return environment().get_template("report.html").render(report=report, chart=chart).strip()


def render_pdf(fragment: str, title: str) -> bytes:
    """The stored fragment as a PDF, laid out with the print stylesheet."""
    weasyprint = _weasyprint()
    document = environment().get_template("pdf.html").render(fragment=fragment, title=title)
    css = weasyprint.CSS(filename=str(TEMPLATES / "print.css"))
    pdf: bytes = weasyprint.HTML(string=document).write_pdf(stylesheets=[css])
    return pdf


def _points(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0")


def _pct(value: float) -> str:
    return f"{value:.0f} %" if value == int(value) else f"{value:.1f} %"


def _clock(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _day(value: str | None) -> str:
    if not value:
        return "—"
    return dt.datetime.fromisoformat(value).strftime("%d %B %Y")
