"""What a well-formed answer looks like, one checker per question type (the registry in
`question_types` says which applies); each returns the value to store or raises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.common.errors import ValidationFailed

MAX_SHORT_CHARS = 300
MAX_EXPLAIN_CHARS = 5000


class InvalidAnswer(ValidationFailed):
    """The answer does not fit the question's type."""

    type_slug = "invalid-answer"

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"answer": [message]})


def one_option(answer: Any, option_ids: Sequence[str]) -> str:
    """One option id of the question."""
    if not isinstance(answer, str) or answer not in option_ids:
        raise InvalidAnswer(f"Choose one option id of {sorted(option_ids)}.")
    return answer


def some_options(answer: Any, option_ids: Sequence[str]) -> list[str]:
    """Distinct option ids of the question, stored sorted."""
    if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
        raise InvalidAnswer("Send a list of option ids.")
    if len(set(answer)) != len(answer) or not set(answer) <= set(option_ids):
        raise InvalidAnswer(f"Choose distinct option ids of {sorted(option_ids)}.")
    return sorted(answer)


def boolean(answer: Any, option_ids: Sequence[str]) -> bool:
    """A JSON true or false."""
    del option_ids
    if not isinstance(answer, bool):
        raise InvalidAnswer("Send true or false.")
    return answer


def text_up_to(limit: int) -> Any:
    """A checker for text of at most `limit` characters."""

    def text(answer: Any, option_ids: Sequence[str]) -> str:
        del option_ids
        if not isinstance(answer, str):
            raise InvalidAnswer("Send the answer as text.")
        if len(answer) > limit:
            raise InvalidAnswer(f"Keep the answer under {limit} characters.")
        return answer

    return text


short_text = text_up_to(MAX_SHORT_CHARS)
long_text = text_up_to(MAX_EXPLAIN_CHARS)
