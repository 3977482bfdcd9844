"""Question text for HTML: escaped first, then `backticked` spans shown as code."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

BACKTICKED = re.compile(r"`([^`\n]+)`")


def inline_code(text: object) -> Markup:
    """Escape `text` and wrap each `backticked` span in <code> (nothing else becomes markup)."""
    escaped = str(escape("" if text is None else text))
    return Markup(BACKTICKED.sub(lambda m: f"<code>{m.group(1)}</code>", escaped))
