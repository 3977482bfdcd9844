"""Rules against give-aways: answers a candidate can spot without knowing Flask.

Per-question rules (`check_correct_length`, `check_short_prompt`, `check_keywords`) belong to
the question types that use them (`question_types`) and run with every other rule of one question
in `rules.check_question`, so the bank files, the authoring API and both importers refuse the same
give-aways. Bank-wide rules (`check_bank`) only make sense over the whole bank and run in
`bank lint` (and so in the test suite); `bank_summary` reports the ratios they measure.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.common.wording import fold, keyword_forms, word_bases

from .bank_fields import Errors, add_error, normalise

# Rule 1: the longest option should not betray the answer.
MAX_LONGEST_CORRECT_SHARE = 0.35
MAX_CORRECT_TO_MEDIAN_DISTRACTOR = 2.0
# Rule 2: the number of ticks should not betray the answer.
MAX_SAME_CORRECT_COUNT_SHARE = 0.50
REQUIRED_CORRECT_COUNTS = (1, 4)

# Rule 4: a word any answer on the topic would contain proves nothing about the key point.
# Only single-word keywords are refused; a phrase such as "session cookie" is fine.
GENERIC_WORDS = frozenset(
    {
        "app",
        "application",
        "flask",
        "python",
        "web",
        "code",
        "function",
        "method",
        "object",
        "class",
        "value",
        "data",
        "state",
        "config",
        "configuration",
        "setting",
        "session",
        "test",
        "request",
        "response",
        "server",
        "client",
        "error",
        "use",
        "user",
        "thing",
        "way",
        "work",
        "make",
        "need",
        "run",
        "call",
        "return",
        "get",
        "set",
        "time",
        "example",
        "file",
        "page",
        "result",
        "handle",
        "feature",
        "system",
        "default",
        "header",
        "register",
        "import",
        "where",
        "shared",
        "variable",
        "argument",
        "generate",
        "production",
        "browser",
        "path",
    }
)


def _option_texts(options: Any) -> tuple[str | None, list[str]]:
    """The correct option's text and the distractors' texts of a well-formed single question."""
    if not isinstance(options, list) or not all(isinstance(o, Mapping) for o in options):
        return None, []
    texts = [o.get("text") for o in options]
    if not all(isinstance(t, str) for t in texts):
        return None, []
    correct = [t for o, t in zip(options, texts, strict=True) if o.get("correct") is True]
    wrong = [t for o, t in zip(options, texts, strict=True) if o.get("correct") is not True]
    return (correct[0] if len(correct) == 1 else None), wrong


def check_correct_length(options: Any, errors: Errors) -> None:
    """A single question's correct option may be at most twice the median wrong one's length."""
    correct, wrong = _option_texts(options)
    if correct is None or not wrong:
        return
    median = statistics.median(len(t.strip()) for t in wrong)
    if len(correct.strip()) > MAX_CORRECT_TO_MEDIAN_DISTRACTOR * median:
        add_error(
            errors,
            "options",
            f"The correct option ({len(correct.strip())} characters) is more than twice as long "
            f"as the median wrong option ({median:g}): its length gives it away.",
        )


def check_short_prompt(prompt: Any, accepted: Any, errors: Errors) -> None:
    """A short question's prompt must not contain an accepted answer, in any spelling."""
    if not isinstance(prompt, str) or not isinstance(accepted, list):
        return
    prompt_words = set(normalise(prompt).split())
    # Folded as the quiz matches short answers: a prompt naming `SECRET_KEY` gives away
    # `secret key`. Only as consecutive words: "log in" and "user" do not give away `login_user`.
    folded_prompt = f" {fold(prompt)} "
    for index, answer in enumerate(accepted):
        words = set(normalise(answer).split()) if isinstance(answer, str) else set()
        folded = fold(answer) if isinstance(answer, str) else ""
        if (words and words <= prompt_words) or (folded and f" {folded} " in folded_prompt):
            add_error(
                errors,
                f"accepted.{index}",
                f"Every word of {answer!r} is already in the prompt: reword the prompt.",
            )


def check_keywords(rubric: Any, errors: Errors) -> None:
    """Rubric keywords are specific (no generic single word) and each belongs to one point."""
    """Keywords are compared as the quiz matches them (services.common.wording): folded, however
    the words are joined, the last word allowing a simple inflection."""
    if not isinstance(rubric, list):
        return
    owners: list[tuple[frozenset[str], int, str]] = []
    for index, item in enumerate(rubric):
        keywords = item.get("keywords") if isinstance(item, Mapping) else None
        if not isinstance(keywords, list):
            continue
        for keyword in keywords:
            if not isinstance(keyword, str | int):
                continue
            words = fold(str(keyword)).split()
            if len(words) == 1 and word_bases(words[0]) & GENERIC_WORDS:
                add_error(
                    errors,
                    f"rubric.{index}.keywords",
                    f"{keyword!r} is a word any answer would contain; use a phrase or a "
                    "specific term.",
                )
            forms = keyword_forms(str(keyword))
            for other_forms, other_index, other in owners:
                if other_index != index and forms & other_forms:
                    add_error(
                        errors,
                        f"rubric.{index}.keywords",
                        f"{keyword!r} matches the same words as {other!r}, a keyword of point "
                        f"{other_index}: one answer word would cover both points.",
                    )
                    break
            owners.append((forms, index, str(keyword)))


@dataclass(frozen=True)
class BankRatios:
    """What the bank-wide rules measure over a set of questions."""

    singles: int
    longest_correct: int
    multi_counts: Counter[int]

    @property
    def longest_correct_share(self) -> float:
        """Share of single-choice questions whose correct option is strictly the longest."""
        return self.longest_correct / self.singles if self.singles else 0.0

    @property
    def multis(self) -> int:
        """Number of multiple-choice questions."""
        return sum(self.multi_counts.values())


def correct_is_longest(question: Mapping[str, Any]) -> bool:
    """True when a single question's correct option is strictly longer than every other."""
    correct, wrong = _option_texts(question.get("options"))
    if correct is None:
        return False
    return all(len(correct.strip()) > len(t.strip()) for t in wrong)


def _correct_count(question: Mapping[str, Any]) -> int:
    options = question.get("options")
    if not isinstance(options, list):
        return 0
    return sum(1 for o in options if isinstance(o, Mapping) and o.get("correct") is True)


def measure(questions: Iterable[Any]) -> BankRatios:
    """The ratios of the bank-wide rules over `questions` (non-mappings are skipped)."""
    items = [q for q in questions if isinstance(q, Mapping)]
    singles = [q for q in items if q.get("type") == "single"]
    multis = [q for q in items if q.get("type") == "multi"]
    return BankRatios(
        singles=len(singles),
        longest_correct=sum(correct_is_longest(q) for q in singles),
        multi_counts=Counter(_correct_count(q) for q in multis),
    )


def check_bank(questions: Iterable[Any]) -> list[str]:
    """Messages for every bank-wide rule the questions break (empty when all hold)."""
    ratios = measure(questions)
    messages = []
    if ratios.longest_correct_share > MAX_LONGEST_CORRECT_SHARE:
        messages.append(
            f"The correct option is the longest in {ratios.longest_correct} of {ratios.singles} "
            f"single-choice questions ({ratios.longest_correct_share:.0%}); at most "
            f"{MAX_LONGEST_CORRECT_SHARE:.0%} allowed."
        )
    if ratios.multis:
        count, n = ratios.multi_counts.most_common(1)[0]
        if n / ratios.multis > MAX_SAME_CORRECT_COUNT_SHARE:
            messages.append(
                f"{n} of {ratios.multis} multiple-choice questions have {count} correct options "
                f"({n / ratios.multis:.0%}); at most {MAX_SAME_CORRECT_COUNT_SHARE:.0%} may share "
                "one count."
            )
        missing = [str(c) for c in REQUIRED_CORRECT_COUNTS if not ratios.multi_counts[c]]
        if missing:
            messages.append(
                f"No multiple-choice question has {' or '.join(missing)} correct option(s); "
                f"some must have each of {', '.join(map(str, REQUIRED_CORRECT_COUNTS))}."
            )
    return messages


def bank_summary(questions: Iterable[Any]) -> str:
    """One line per bank-wide ratio, printed by `bank lint` whether or not the rules hold."""
    ratios = measure(questions)
    counts = ", ".join(f"{c} correct: {n}" for c, n in sorted(ratios.multi_counts.items()))
    return "\n".join(
        [
            f"single: correct option strictly longest in {ratios.longest_correct} of "
            f"{ratios.singles} ({ratios.longest_correct_share:.0%}, at most "
            f"{MAX_LONGEST_CORRECT_SHARE:.0%})",
            f"multi: {ratios.multis} questions by number of correct options: {counts or 'none'}"
            f" (no count above {MAX_SAME_CORRECT_COUNT_SHARE:.0%}; "
            f"{' and '.join(map(str, REQUIRED_CORRECT_COUNTS))} present)",
        ]
    )
