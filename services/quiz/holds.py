"""What the quiz asks content to hold while a session runs: the drawn questions' answers stay
hidden from the candidate on content's study routes until the session is finalised."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hold:
    """Whose session the drawn questions belong to, and until when content must hold them."""

    candidate: str
    session_id: str
    until: dt.datetime

    def as_json(self) -> dict[str, Any]:
        """The `hold` object of content's draw request."""
        return {
            "candidate": self.candidate,
            "session_id": self.session_id,
            "until": self.until.astimezone(dt.UTC).isoformat(),
        }


def hold_for(candidate: str, session_id: str, deadline: dt.datetime, grace_s: float) -> Hold:
    """The hold of a session: it lasts as long as answers are accepted (deadline plus grace),
    so even a release that never arrives ends with the session."""
    return Hold(candidate, session_id, deadline + dt.timedelta(seconds=grace_s))
