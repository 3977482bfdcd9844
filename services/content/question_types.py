"""Every question type of the bank, described in one place.

A type says which bank-format fields it adds (services/content/bank/FORMAT.md), how they are
validated and checked for give-aways, how they are stored on a `Question` row and read back, what
the study view and the draw contract show of them, what full-text search indexes, and how they map
to and from Moodle GIFT. `rules`, `codec`, `exchange` and `gift` look types up here and hold no
per-type branches of their own.

Adding a type is one `QuestionType` subclass, one entry in `QUESTION_TYPES`, and its tests (see
docs/architecture.md, "How to add a question type").
"""

from __future__ import annotations

import string
import typing
from collections.abc import Mapping
from typing import Any, NamedTuple

from services.common.patterns import pattern_error

from . import bank_quality
from .bank_fields import Errors, add_error, check_strings, is_text, strip, strip_all

if typing.TYPE_CHECKING:
    from .gift import GiftQuestion
    from .models import Question

# Choice options are stored with these ids, in display order.
OPTION_IDS = string.ascii_lowercase
MIN_OPTIONS, MAX_OPTIONS = 2, 6
MIN_RUBRIC, MAX_RUBRIC = 3, 6


class Stored(NamedTuple):
    """A type's fields as the `questions` row holds them."""

    options: list[Any]
    answer_key: dict[str, Any]
    rubric: list[Any]


class GiftLine(NamedTuple):
    """One answer line inside a GIFT question's braces, before escaping: `mark` is written as
    is, `text` and `feedback` (after `#`) are escaped by the writer."""

    mark: str
    text: str = ""
    feedback: str | None = None


class QuestionType:
    """The rules of one question type; the defaults suit a type with no options or key."""

    name: str = ""
    # Bank-format fields only this type has (besides the ones every question has).
    fields: tuple[str, ...] = ()
    # Fields `study_fields` adds that state the answer: left out for readers who may not see it.
    study_answer_fields: tuple[str, ...] = ()

    # -- rules ----------------------------------------------------------------------------------

    def check(self, data: Mapping[str, Any], errors: Errors) -> None:
        """Add the errors of the type's own fields to `errors`."""

    def check_quality(self, data: Mapping[str, Any], errors: Errors) -> None:
        """Add give-away errors (`bank_quality`) of a question of this type to `errors`."""

    # -- storage and views ----------------------------------------------------------------------

    def canonical(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The type's fields of a valid bank-format question, texts stripped."""
        return {}

    def stored(self, data: Mapping[str, Any]) -> Stored:
        """The type's canonical fields as a `Question` row keeps them."""
        return Stored([], {}, [])

    def source(self, question: Question) -> dict[str, Any]:
        """The type's bank-format fields, read back from a stored row."""
        return {}

    def study_fields(self, question: Question) -> dict[str, Any]:
        """What the study view adds to the common fields (`codec.study_view`); option
        correctness goes in `options`, other answer fields are in `study_answer_fields`."""
        return {}

    def draw_key(self, question: Question) -> dict[str, Any]:
        """The answer key in the draw contract's shape."""
        return dict(question.answer_key)

    def search_texts(self, data: Mapping[str, Any]) -> list[str]:
        """Answer texts full-text search indexes next to the prompt and model answer."""
        return []

    # -- GIFT -----------------------------------------------------------------------------------

    def reads_gift(self, question: GiftQuestion) -> bool:
        """True when a parsed GIFT question becomes a question of this type."""
        return False

    def gift_refusal(self, question: GiftQuestion) -> str | None:
        """Why a GIFT question this type reads cannot be imported, or None."""
        return None

    def from_gift(self, question: GiftQuestion) -> dict[str, Any]:
        """The type's bank-format fields of a GIFT question it reads."""
        return {}

    def gift_model_answer(self, question: GiftQuestion) -> str:
        """A model answer for a GIFT question that carries none: its correct answer(s)."""
        return "; ".join(a.text for a in question.answers if a.correct)

    def gift_meta(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The type's fields GIFT cannot express (kept in the `// fi:` comment)."""
        return {}

    def gift_lines(self, data: Mapping[str, Any]) -> list[GiftLine]:
        """The answer lines of a canonical question inside GIFT's braces."""
        return []


def _choice_type(question: GiftQuestion) -> str | None:
    """`single` or `multi` for a GIFT choice question: the `// fi:` type when it says, else
    `multi` when answers carry weights (`~%50%`)."""
    if question.kind != "choice":
        return None
    declared = question.meta.get("type")
    if declared in ("single", "multi"):
        return str(declared)
    return "multi" if any(a.weight is not None for a in question.answers) else "single"


class ChoiceType(QuestionType):
    """Options with one or more marked correct; a wrong option says why it is wrong."""

    fields = ("options",)

    def check(self, data: Mapping[str, Any], errors: Errors) -> None:
        options = data.get("options")
        if not isinstance(options, list) or not (MIN_OPTIONS <= len(options) <= MAX_OPTIONS):
            add_error(errors, "options", f"Give {MIN_OPTIONS}-{MAX_OPTIONS} options.")
            return
        correct = 0
        seen: set[str] = set()
        for index, option in enumerate(options):
            correct += self._check_option(index, option, seen, errors)
        self.check_correct_count(correct, errors)

    @staticmethod
    def _check_option(index: int, option: Any, seen: set[str], errors: Errors) -> bool:
        """Errors of one option; True when it is marked correct."""
        where = f"options.{index}"
        if not isinstance(option, Mapping):
            add_error(errors, where, "An option must be a mapping with text, correct, why.")
            return False
        unknown = set(option) - {"text", "correct", "why"}
        if unknown:
            add_error(errors, where, f"Unknown fields: {', '.join(sorted(map(str, unknown)))}.")
        if not is_text(option.get("text")):
            add_error(errors, f"{where}.text", "Missing: a non-empty text is required.")
        elif option["text"].strip() in seen:
            add_error(errors, f"{where}.text", "Duplicates another option.")
        else:
            seen.add(option["text"].strip())
        is_correct = option.get("correct", False)
        if not isinstance(is_correct, bool):
            add_error(errors, f"{where}.correct", "Must be true or false.")
        why = option.get("why")
        if why is not None and not isinstance(why, str):
            add_error(errors, f"{where}.why", "Must be a text.")
        elif is_correct is not True and not is_text(why):
            add_error(errors, f"{where}.why", "A wrong option needs a one-line reason why.")
        return is_correct is True

    def check_correct_count(self, correct: int, errors: Errors) -> None:
        """Errors of the number of options marked correct."""

    def canonical(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"options": [_canonical_option(option) for option in data["options"]]}

    def stored(self, data: Mapping[str, Any]) -> Stored:
        listed = list(enumerate(data["options"]))
        return Stored(
            options=[{"id": OPTION_IDS[i], "text": o["text"]} for i, o in listed],
            answer_key={
                "correct": [OPTION_IDS[i] for i, o in listed if o["correct"]],
                "why": {OPTION_IDS[i]: o["why"] for i, o in listed if "why" in o},
            },
            rubric=[],
        )

    def source(self, question: Question) -> dict[str, Any]:
        key = question.answer_key or {}
        why = key.get("why", {})
        return {
            "options": [
                {
                    "text": option["text"],
                    "correct": option["id"] in key.get("correct", []),
                    **({"why": why[option["id"]]} if option["id"] in why else {}),
                }
                for option in question.options
            ]
        }

    def study_fields(self, question: Question) -> dict[str, Any]:
        key = question.answer_key or {}
        why = key.get("why", {})
        return {
            "options": [
                {
                    **option,
                    "correct": option["id"] in key.get("correct", []),
                    **({"why": why[option["id"]]} if option["id"] in why else {}),
                }
                for option in question.options
            ]
        }

    def search_texts(self, data: Mapping[str, Any]) -> list[str]:
        return [option["text"] for option in data["options"]]

    def reads_gift(self, question: GiftQuestion) -> bool:
        return _choice_type(question) == self.name

    def from_gift(self, question: GiftQuestion) -> dict[str, Any]:
        return {
            "options": [
                {
                    "text": a.text,
                    "correct": a.correct,
                    **({"why": a.feedback} if a.feedback else {}),
                }
                for a in question.answers
            ]
        }

    def gift_lines(self, data: Mapping[str, Any]) -> list[GiftLine]:
        marks = self.gift_marks(sum(1 for o in data["options"] if o["correct"]))
        return [
            GiftLine(marks[bool(option["correct"])], option["text"], option.get("why") or None)
            for option in data["options"]
        ]

    def gift_marks(self, correct: int) -> dict[bool, str]:
        """The GIFT mark of a wrong (False) and a correct (True) option."""
        return {False: "~", True: "="}


def _canonical_option(option: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"text": strip(option["text"]), "correct": option.get("correct", False)}
    if isinstance(option.get("why"), str) and option["why"].strip():
        out["why"] = option["why"].strip()
    return out


class SingleChoice(ChoiceType):
    """Exactly one correct option."""

    name = "single"

    def check_correct_count(self, correct: int, errors: Errors) -> None:
        if correct != 1:
            add_error(
                errors,
                "options",
                f"A single-choice question needs exactly one correct option (found {correct}).",
            )

    def check_quality(self, data: Mapping[str, Any], errors: Errors) -> None:
        bank_quality.check_correct_length(data.get("options"), errors)


class MultipleChoice(ChoiceType):
    """At least one correct option; GIFT writes it with weights (Moodle's multiple answers)."""

    name = "multi"

    def check_correct_count(self, correct: int, errors: Errors) -> None:
        if correct < 1:
            add_error(
                errors, "options", "A multiple-choice question needs at least one correct option."
            )

    def gift_marks(self, correct: int) -> dict[bool, str]:
        # A Moodle weight such as 33.33333 for one of `correct` right answers.
        share = f"{100 / correct:.5f}".rstrip("0").rstrip(".")
        return {False: "~%-100%", True: f"~%{share}%"}


class TrueFalse(QuestionType):
    """A statement that is true or false."""

    name = "true_false"
    fields = ("answer",)
    study_answer_fields = ("answer",)

    def check(self, data: Mapping[str, Any], errors: Errors) -> None:
        if not isinstance(data.get("answer"), bool):
            add_error(errors, "answer", "Must be true or false.")

    def canonical(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"answer": data["answer"]}

    def stored(self, data: Mapping[str, Any]) -> Stored:
        return Stored([], {"correct": data["answer"]}, [])

    def source(self, question: Question) -> dict[str, Any]:
        return {"answer": bool((question.answer_key or {}).get("correct"))}

    def study_fields(self, question: Question) -> dict[str, Any]:
        return self.source(question)

    def reads_gift(self, question: GiftQuestion) -> bool:
        return question.kind == "true_false"

    def from_gift(self, question: GiftQuestion) -> dict[str, Any]:
        return {"answer": question.truth}

    def gift_model_answer(self, question: GiftQuestion) -> str:
        return "True." if question.truth else "False."

    def gift_lines(self, data: Mapping[str, Any]) -> list[GiftLine]:
        return [GiftLine("TRUE" if data["answer"] else "FALSE")]


class ShortAnswer(QuestionType):
    """A few words, matched against accepted answers and RE2 patterns after normalising."""

    name = "short"
    fields = ("accepted", "patterns")
    study_answer_fields = ("accepted",)

    def check(self, data: Mapping[str, Any], errors: Errors) -> None:
        accepted = data.get("accepted", [])
        patterns = data.get("patterns", [])
        check_strings(accepted, "accepted", errors)
        check_strings(patterns, "patterns", errors)
        if not accepted and not patterns:
            add_error(errors, "accepted", "Give at least one accepted answer or pattern.")
        for index, pattern in enumerate(patterns if isinstance(patterns, list) else []):
            # Scoring runs patterns with RE2 (linear time); refuse here what it cannot run.
            reason = pattern_error(str(pattern))
            if reason is not None:
                add_error(
                    errors,
                    f"patterns.{index}",
                    f"Not a regular expression RE2 can run ({reason}); backreferences and "
                    "lookahead/lookbehind are not supported.",
                )

    def check_quality(self, data: Mapping[str, Any], errors: Errors) -> None:
        bank_quality.check_short_prompt(data.get("prompt"), data.get("accepted"), errors)

    def canonical(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "accepted": strip_all(data.get("accepted", [])),
            "patterns": list(data.get("patterns", [])),
        }

    def stored(self, data: Mapping[str, Any]) -> Stored:
        return Stored([], {"accepted": data["accepted"], "patterns": data["patterns"]}, [])

    def source(self, question: Question) -> dict[str, Any]:
        key = question.answer_key or {}
        return {
            "accepted": list(key.get("accepted", [])),
            "patterns": list(key.get("patterns", [])),
        }

    def study_fields(self, question: Question) -> dict[str, Any]:
        # The patterns are scoring internals, not part of the solution a learner reads.
        return {"accepted": list((question.answer_key or {}).get("accepted", []))}

    def search_texts(self, data: Mapping[str, Any]) -> list[str]:
        return list(data["accepted"])

    def reads_gift(self, question: GiftQuestion) -> bool:
        return question.kind == "short"

    def from_gift(self, question: GiftQuestion) -> dict[str, Any]:
        return {
            "accepted": [a.text for a in question.answers],
            "patterns": question.meta.get("patterns", []),
        }

    def gift_meta(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"patterns": data["patterns"]}

    def gift_lines(self, data: Mapping[str, Any]) -> list[GiftLine]:
        return [GiftLine("=", text) for text in data["accepted"]]


class Explain(QuestionType):
    """A free-text explanation, scored by the key points of a rubric it covers."""

    name = "explain"
    fields = ("rubric",)
    study_answer_fields = ("key_points",)

    def check(self, data: Mapping[str, Any], errors: Errors) -> None:
        rubric = data.get("rubric")
        if not isinstance(rubric, list) or not (MIN_RUBRIC <= len(rubric) <= MAX_RUBRIC):
            add_error(
                errors, "rubric", f"An explain question needs {MIN_RUBRIC}-{MAX_RUBRIC} key points."
            )
            return
        for index, item in enumerate(rubric):
            where = f"rubric.{index}"
            if not isinstance(item, Mapping) or set(item) - {"point", "keywords"}:
                add_error(errors, where, "A key point is a mapping with point and keywords.")
                continue
            if not is_text(item.get("point")):
                add_error(errors, f"{where}.point", "Missing: a non-empty text is required.")
            keywords = item.get("keywords")
            if not isinstance(keywords, list) or not keywords or not all(map(is_text, keywords)):
                add_error(errors, f"{where}.keywords", "Give at least one keyword or phrase.")

    def check_quality(self, data: Mapping[str, Any], errors: Errors) -> None:
        bank_quality.check_keywords(data.get("rubric"), errors)

    def canonical(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "rubric": [
                {"point": strip(item["point"]), "keywords": strip_all(item["keywords"])}
                for item in data["rubric"]
            ]
        }

    def stored(self, data: Mapping[str, Any]) -> Stored:
        return Stored([], {}, [dict(item) for item in data["rubric"]])

    def source(self, question: Question) -> dict[str, Any]:
        return {"rubric": [dict(item) for item in question.rubric]}

    def study_fields(self, question: Question) -> dict[str, Any]:
        # The key points, not their keywords (scoring internals).
        return {"key_points": [item["point"] for item in question.rubric]}

    def draw_key(self, question: Question) -> dict[str, Any]:
        return self.source(question)

    def search_texts(self, data: Mapping[str, Any]) -> list[str]:
        return [item["point"] for item in data["rubric"]]

    def reads_gift(self, question: GiftQuestion) -> bool:
        return question.kind == "essay"

    def gift_refusal(self, question: GiftQuestion) -> str | None:
        if question.meta.get("rubric"):
            return None
        return (
            "An essay needs a rubric to become an explain question: add a "
            '`// fi: {"rubric": [...]}` comment before it (see docs/content.md).'
        )

    def from_gift(self, question: GiftQuestion) -> dict[str, Any]:
        return {"rubric": question.meta["rubric"]}

    def gift_meta(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"rubric": data["rubric"]}


QUESTION_TYPES: Mapping[str, QuestionType] = {
    qtype.name: qtype
    for qtype in (SingleChoice(), MultipleChoice(), TrueFalse(), ShortAnswer(), Explain())
}
TYPES = tuple(QUESTION_TYPES)
# Every type-specific field of the bank format.
TYPE_FIELDS = frozenset(name for qtype in QUESTION_TYPES.values() for name in qtype.fields)


def question_type(name: Any) -> QuestionType | None:
    """The type called `name`, or None when there is none."""
    return QUESTION_TYPES.get(name) if isinstance(name, str) else None


def of(name: str) -> QuestionType:
    """The type of a valid question (a `KeyError` means the question was never validated)."""
    return QUESTION_TYPES[name]


def for_gift(question: GiftQuestion) -> QuestionType | None:
    """The type a parsed GIFT question becomes, or None when no type reads its kind."""
    return next((t for t in QUESTION_TYPES.values() if t.reads_gift(question)), None)
