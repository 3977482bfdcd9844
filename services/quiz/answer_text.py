"""An explain answer read as prose: sentences, clauses, negations, hedges, and whether the text
is sentences at all or a list of terms (docs/quiz.md).

Everything here is about the shape of the text, never about Flask: the key points are matched
in `explain_suggestions`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from services.common.wording import fold


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Cues read on folded words (an apostrophe is a space: "don't" is "don t").
NEGATIONS: tuple[tuple[str, ...], ...] = tuple(
    tuple(cue.split())
    for cue in (
        "not",
        "never",
        "no",
        "none",
        "nor",
        "neither",
        "nothing",
        "cannot",
        "don t",
        "dont",
        "doesn t",
        "doesnt",
        "didn t",
        "didnt",
        "isn t",
        "isnt",
        "aren t",
        "arent",
        "wasn t",
        "weren t",
        "won t",
        "can t",
        "cant",
        "couldn t",
        "shouldn t",
        "shouldnt",
        "needn t",
        "mustn t",
        "hasn t",
        "haven t",
        "skip",
        "skips",
        "skipped",
        "skipping",
        "unnecessary",
        "pointless",
        "disable",
        "disables",
        "disabled",
        "disabling",
        "turn off",
        "turned off",
        "switch off",
        "ignore",
        "ignores",
        "ignored",
        "ignoring",
    )
)
# Negate only what follows them: "current_app instead of importing the app".
FORWARD_NEGATIONS: tuple[tuple[str, ...], ...] = tuple(
    tuple(cue.split()) for cue in ("instead of", "rather than", "without", "in place of")
)
# Look like negations but negate nothing ("not only X but also Y") or are hedges.
NOT_NEGATIONS: tuple[tuple[str, ...], ...] = tuple(
    tuple(cue.split())
    for cue in (
        "not only",
        "not just",
        "no matter",
        "not sure",
        "no doubt",
        # HTTP reason phrases name a status, they deny nothing
        "not found",
        "not allowed",
        "not modified",
        "not acceptable",
        "not implemented",
    )
)
# The writer's own doubt ("might" and "could" describe the system, not the writer).
HEDGES: tuple[tuple[str, ...], ...] = tuple(
    tuple(cue.split())
    for cue in (
        "maybe",
        "perhaps",
        "probably",
        "possibly",
        "i think",
        "i guess",
        "i believe",
        "not sure",
        "no idea",
    )
)
# A clause ends at punctuation or at one of these words.
CLAUSE_BREAKS = frozenset(
    {"but", "however", "although", "though", "whereas", "because", "since", "so", "which"}
    | {"while", "yet", "otherwise", "then", "unless"}
)
# Words that make sentences out of terms: articles, pronouns, prepositions, conjunctions,
# auxiliaries and the commonest verbs. A list of terms has almost none of them.
FUNCTION_WORDS = _word_set(
    """
    a an the this that these those it its it s they them their there here he she we you your
    our i me my one ones what which who whom whose when where why how whether if then than
    and or but so because since while although though unless until as of to in on at by for
    from with without into onto over under about after before between through during against
    up down out off again also only just even still too very more most less least much many
    some any each every all both either neither no not never nor
    is are was were be been being am isn aren wasn t s d ll re ve m don doesn didn
    do does did done doing have has had having can could will would shall should may might
    must need needs let lets get gets got make makes made use uses used using run runs call
    calls called keep keeps put puts give gives take takes go goes come comes see say says
    such same other another own way ways like via instead rather else thing things
    """
)
TERM_LIST_SHARE = 0.2  # below this share of function words, text is a list of terms
TERM_LIST_MIN_WORDS = 4  # a shorter sentence ("Use Gunicorn.") is not judged a list
# ... and so is text cut by commas or line breaks into at least this many items, most of
# whose words sit in items this short
TERM_LIST_MIN_ITEMS = 4
TERM_LIST_ITEM_WORDS = 3

_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf)\.", re.IGNORECASE)
# A sentence ends at . ! or ? before white space, at a blank line or before a list item; a
# single line break inside a sentence (wrapped text) is a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n\s*\n\s*|\s*\n\s*(?=[-*•]\s|\d+[.)]\s)")
_LIST_SEPARATOR = re.compile(r"[,;\n]|(?<=[.!?])\s")
_CLAUSE_PUNCTUATION = re.compile("[,;:()\\[\\]\u2013\u2014]|\\s-\\s")


@dataclass(frozen=True, eq=False)
class Clause:
    """One clause of an answer: its folded words, the sentence it is part of, and what its
    cue words say about it."""

    sentence: str
    words: tuple[str, ...]
    position: int
    negations: tuple[tuple[int, int, bool], ...] = field(default=())  # start, end, forward
    hedged: bool = False
    listed: bool = False  # its sentence is a bare list of terms

    def negated_outside(self, start: int, end: int) -> bool:
        """True when a negation cue of the clause bears on words `start:end`: it lies outside
        them (a keyword such as "not encrypted" carries its own "not"), and a forward cue
        ("instead of") comes before them."""
        return any(
            not (start <= s and e <= end) and not (forward and s >= end)
            for s, e, forward in self.negations
        )


def sentences_of(text: str) -> list[str]:
    """The answer's sentences (and list items), stripped, without empty ones."""
    text = _ABBREVIATIONS.sub(",", text)
    parts = (" ".join(s.split()).strip(" -*•") for s in _SENTENCE_END.split(text) if s)
    return [p for p in parts if p]


def clauses_of(text: str) -> list[Clause]:
    """Every clause of every sentence, in order, with its cues read."""
    clauses: list[Clause] = []
    for sentence in sentences_of(text):
        listed = is_term_list(sentence)
        for part in _CLAUSE_PUNCTUATION.split(sentence):
            for words in _split_at_breaks(fold(part).split()):
                clauses.append(
                    Clause(
                        sentence=sentence,
                        words=tuple(words),
                        position=len(clauses),
                        negations=tuple(_negations(words)),
                        hedged=bool(_cue_spans(words, HEDGES)),
                        listed=listed,
                    )
                )
    return clauses


def word_count(text: str) -> int:
    """Words as a reader counts them (separated by white space)."""
    return len(text.split())


def function_word_share(text: str) -> float:
    """The share of the text's words that are function words (0 for no words)."""
    words = fold(text).split()
    if not words:
        return 0.0
    return sum(w in FUNCTION_WORDS for w in words) / len(words)


def is_term_list(text: str) -> bool:
    """True when text of a few words or more is mostly terms rather than sentences: almost no
    function words, or most words in items of one to three words cut by commas or breaks."""
    if word_count(text) < TERM_LIST_MIN_WORDS:
        return False
    if function_word_share(text) < TERM_LIST_SHARE:
        return True
    items = [len(item.split()) for item in _LIST_SEPARATOR.split(text) if item.split()]
    in_short_items = sum(n for n in items if n <= TERM_LIST_ITEM_WORDS)
    return len(items) >= TERM_LIST_MIN_ITEMS and in_short_items * 2 >= sum(items)


def _split_at_breaks(words: Sequence[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for word in words:
        if word in CLAUSE_BREAKS and parts[-1]:
            parts.append([])
        parts[-1].append(word)
    return [p for p in parts if p]


def _negations(words: Sequence[str]) -> list[tuple[int, int, bool]]:
    excluded = _cue_spans(words, NOT_NEGATIONS)
    cues = [(s, e, False) for s, e in _cue_spans(words, NEGATIONS)]
    cues += [(s, e, True) for s, e in _cue_spans(words, FORWARD_NEGATIONS)]
    return [(s, e, f) for s, e, f in cues if not any(xs <= s < xe for xs, xe in excluded)]


def _cue_spans(words: Sequence[str], cues: Sequence[tuple[str, ...]]) -> list[tuple[int, int]]:
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for cue in cues:
        by_first.setdefault(cue[0], []).append(cue)
    spans = []
    for i, word in enumerate(words):
        for cue in by_first.get(word, ()):
            if tuple(words[i : i + len(cue)]) == cue:
                spans.append((i, i + len(cue)))
    return spans
