"""The automatic pass over an explain answer: per rubric key point a *suggestion* (covered,
partly, missed) with the sentence of the answer that is its evidence. A suggestion is never a
verdict; a person (the candidate's self-review or a reviewer) gives that.

What it reads (docs/quiz.md, "What the automatic suggestion can and cannot tell"):

- The answer is split into sentences and clauses (`answer_text`). A keyword matches whole
  words however they are written (`secret key` = `secret_key` = `Secret-Key`, `same-site` =
  `samesite`), the last word allowing a simple inflection (`services.common.wording`).
- Each occurrence of a keyword serves one point: longer matches are assigned first, then
  rubric order.
- A keyword in a negated clause ("not", "never", "no need to", "skip", "instead of", ...) is
  evidence *against* its point: `missed`, `against` set, that sentence as the evidence. One
  argument against outweighs any mention for.
- Weak evidence makes a point `partly`: the only mentions are hedged ("maybe", "I think") or
  sit in a sentence that is itself a bare list of terms.
- An answer that is mostly a list of terms, or far shorter than the model answer, earns no
  automatic credit at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from services.common.wording import fold, phrase_forms, word_bases

from .answer_text import Clause, clauses_of, is_term_list, word_count

COVERED, PARTLY, MISSED = "covered", "partly", "missed"
VERDICT_CREDIT = {COVERED: 1.0, PARTLY: 0.5, MISSED: 0.0}

# Why a suggestion is what it is, when the keyword alone does not say.
NOTE_NEGATED = "negated"
NOTE_HEDGED = "hedged"
NOTE_LISTED = "listed"
NOTE_TERM_LIST = "term list"
NOTE_TOO_SHORT = "too short"

# Below these an answer earns no automatic credit: it cannot have explained anything.
MIN_WORDS = 15
MIN_SHARE_OF_MODEL_ANSWER = 0.2
# Above this share of its words being rubric keywords, an answer is a list of them.
MAX_KEYWORD_SHARE = 0.5


@dataclass(frozen=True)
class PointSuggestion:
    """What the automatic pass suggests for one key point, and why."""

    point: str
    suggestion: str  # COVERED, PARTLY or MISSED
    evidence: str | None = None  # the answer's sentence that matched (or argued against)
    against: bool = False  # the evidence negates the point
    note: str | None = None  # NOTE_* when the suggestion is not a plain match (or no match)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Occurrence:
    point: int
    clause: Clause
    start: int
    end: int


def suggest_points(
    answer: str,
    rubric: Sequence[Mapping[str, Any]],
    *,
    model_answer_words: int | None = None,
) -> list[PointSuggestion]:
    """One suggestion per rubric point, in rubric order (rules in the module docstring).
    `model_answer_words`, when known, is the length of the model answer in words."""
    clauses = clauses_of(answer)
    gate = _no_credit_note(answer, model_answer_words)
    if gate:
        return [PointSuggestion(str(p["point"]), MISSED, note=gate) for p in rubric]
    found = _assign(_occurrences(clauses, rubric))
    keyword_words = sum(o.end - o.start for occs in found.values() for o in occs)
    if keyword_words > MAX_KEYWORD_SHARE * sum(len(c.words) for c in clauses):
        return [PointSuggestion(str(p["point"]), MISSED, note=NOTE_TERM_LIST) for p in rubric]
    return [_suggest(str(point["point"]), found.get(i, [])) for i, point in enumerate(rubric)]


def suggested_fraction(suggestions: Sequence[PointSuggestion]) -> float:
    """The share of the rubric the suggestions credit (covered 1, partly 1/2, missed 0)."""
    if not suggestions:
        return 0.0
    return round(sum(VERDICT_CREDIT[s.suggestion] for s in suggestions) / len(suggestions), 6)


def keyword_found(keyword: str, text: str) -> bool:
    """True when `keyword` (a word or phrase) occurs in `text` as whole words, however the
    words are joined (`_`, `-`, spaces or nothing), the last allowing a simple inflection."""
    words = fold(keyword).split()
    return any(_spans(words, c.words) for c in clauses_of(text))


def _no_credit_note(answer: str, model_words: Any) -> str | None:
    words = word_count(answer)
    if not isinstance(model_words, int) or isinstance(model_words, bool):
        model_words = None  # an older snapshot, or a key from elsewhere: the floor alone
    if words < MIN_WORDS or (model_words and words < MIN_SHARE_OF_MODEL_ANSWER * model_words):
        return NOTE_TOO_SHORT
    if is_term_list(answer):
        return NOTE_TERM_LIST
    return None


def _occurrences(
    clauses: Sequence[Clause], rubric: Sequence[Mapping[str, Any]]
) -> list[_Occurrence]:
    found = []
    for index, point in enumerate(rubric):
        for keyword in point.get("keywords", []):
            words = fold(str(keyword)).split()
            for clause in clauses:
                found += [_Occurrence(index, clause, s, e) for s, e in _spans(words, clause.words)]
    return found


def _assign(occurrences: list[_Occurrence]) -> dict[int, list[_Occurrence]]:
    """Each stretch of the answer serves one point: the longest match wins, then rubric order."""
    taken: set[tuple[int, int]] = set()  # (clause position, word index)
    by_point: dict[int, list[_Occurrence]] = {}
    for occ in sorted(occurrences, key=lambda o: (o.start - o.end, o.point)):
        stretch = {(occ.clause.position, i) for i in range(occ.start, occ.end)}
        if not stretch & taken:
            taken |= stretch
            by_point.setdefault(occ.point, []).append(occ)
    return by_point


def _suggest(point: str, occurrences: Sequence[_Occurrence]) -> PointSuggestion:
    ordered = sorted(occurrences, key=lambda o: (o.clause.position, o.start))
    for occ in ordered:
        if occ.clause.negated_outside(occ.start, occ.end):
            return PointSuggestion(point, MISSED, occ.clause.sentence, True, NOTE_NEGATED)
    for occ in ordered:
        if not occ.clause.hedged and not occ.clause.listed:
            return PointSuggestion(point, COVERED, occ.clause.sentence)
    if ordered:
        first = ordered[0]
        return PointSuggestion(
            point,
            PARTLY,
            first.clause.sentence,
            note=NOTE_HEDGED if first.clause.hedged else NOTE_LISTED,
        )
    return PointSuggestion(point, MISSED)


def _spans(words: Sequence[str], text: Sequence[str]) -> list[tuple[int, int]]:
    """Where the keyword `words` occur in the folded `text` words: word by word (each word
    allowing an inflection) or with the words joined differently (`same site` = `samesite`)."""
    if not words:
        return []
    wanted = [word_bases(w) for w in words]
    joined = phrase_forms(words)
    prefixes = {form[:n] for form in joined for n in range(1, len(form))}
    span = len(wanted)
    spans = []
    for i, word in enumerate(text):
        bases = word_bases(word)
        if (
            wanted[0] & bases
            and i + span <= len(text)
            and all(wanted[j] & word_bases(text[i + j]) for j in range(1, span))
        ):
            spans.append((i, i + span))
            continue
        if word not in prefixes and not bases & joined:
            continue
        head = ""
        for j in range(i, len(text)):
            if any(head + base in joined for base in word_bases(text[j])):
                spans.append((i, j + 1))
                break
            head += text[j]
            if head not in prefixes:
                break
    return spans
