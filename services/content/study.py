"""Who sees what on the study routes: the solution for signed-in readers, never for a question
held by the reader's running interview, and never for anonymous readers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import codec, holds
from .models import Question
from .queries import HiddenAnswers


@dataclass(frozen=True)
class Viewer:
    """The reader of a study route: a token's subject, or None when anonymous."""

    sub: str | None = None

    @property
    def signed_in(self) -> bool:
        """True when the request carried a valid access token."""
        return self.sub is not None

    @property
    def audience(self) -> str:
        """What the response depends on besides the bank: nobody, or this reader."""
        return "anonymous" if self.sub is None else f"user:{self.sub}"


ANONYMOUS = Viewer()


def hidden_answers(viewer: Viewer, now: dt.datetime) -> HiddenAnswers:
    """The questions whose answer texts `viewer` may not search by: every question for an
    anonymous reader, the held ones for a signed-in reader."""
    if viewer.sub is None:
        return HiddenAnswers(everything=True)
    return HiddenAnswers(ids=frozenset(holds.held_question_ids(viewer.sub, now)))


def study_views(
    questions: Sequence[Question], viewer: Viewer, now: dt.datetime
) -> list[dict[str, Any]]:
    """The study view of each question as `viewer` may see it at `now`."""
    held = holds.held_until(viewer.sub, [q.id for q in questions], now)
    return [_view(question, viewer, held.get(question.id)) for question in questions]


def study_view(question: Question, viewer: Viewer, now: dt.datetime) -> dict[str, Any]:
    """One question's study view as `viewer` may see it at `now`."""
    return study_views([question], viewer, now)[0]


def _view(question: Question, viewer: Viewer, until: dt.datetime | None) -> dict[str, Any]:
    view = codec.study_view(question)
    if until is not None:
        return {**codec.without_answers(view), "held_until": until}
    return view if viewer.signed_in else codec.without_answers(view)
