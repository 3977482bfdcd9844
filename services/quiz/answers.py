"""What a well-formed answer looks like for each question type (checked before it is saved)."""

from __future__ import annotations

from typing import Any

from services.common.errors import ValidationFailed

from .models import SessionQuestion

MAX_SHORT_CHARS = 300
MAX_EXPLAIN_CHARS = 5000


class InvalidAnswer(ValidationFailed):
    """The answer does not fit the question's type."""

    type_slug = "invalid-answer"

    def __init__(self, message: str) -> None:
        super().__init__(message, errors={"answer": [message]})


def validate_answer(question: SessionQuestion, answer: Any) -> Any:
    """Return the answer to store (None clears it) or raise `InvalidAnswer`."""
    if answer is None:
        return None
    option_ids = {o["id"] for o in question.options}
    kind = question.type
    if kind == "single":
        if not isinstance(answer, str) or answer not in option_ids:
            raise InvalidAnswer(f"Choose one option id of {sorted(option_ids)}.")
        return answer
    if kind == "multi":
        if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
            raise InvalidAnswer("Send a list of option ids.")
        if len(set(answer)) != len(answer) or not set(answer) <= option_ids:
            raise InvalidAnswer(f"Choose distinct option ids of {sorted(option_ids)}.")
        return sorted(answer)
    if kind == "true_false":
        if not isinstance(answer, bool):
            raise InvalidAnswer("Send true or false.")
        return answer
    limit = MAX_SHORT_CHARS if kind == "short" else MAX_EXPLAIN_CHARS
    if not isinstance(answer, str):
        raise InvalidAnswer("Send the answer as text.")
    if len(answer) > limit:
        raise InvalidAnswer(f"Keep the answer under {limit} characters.")
    return answer
