"""Drawing questions for an interview: N questions balanced round-robin across topics."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from services.common.errors import Problem, ValidationFailed

from . import codec, holds, rules
from .extensions import db
from .models import Question, Topic


class NotEnoughQuestions(Problem):
    """The bank holds fewer matching questions than were asked for."""

    status, title, type_slug = 409, "Not Enough Questions", "not-enough-questions"


def draw_and_hold(
    topics: Sequence[str],
    difficulty: str | None,
    count: int,
    exclude_ids: Sequence[str],
    hold: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    """Draw as `draw_questions` does and, when `hold` names a candidate, session and `until`,
    hold the drawn questions for it, committed before the items (draw contract) are returned."""
    questions = draw_questions(topics, difficulty, count, exclude_ids)
    items = [codec.draw_item(q) for q in questions]
    if hold is not None:
        ids = [q.id for q in questions]
        holds.record_holds(hold["candidate"], hold["session_id"], hold["until"], ids, holds.now())
        db.session.commit()
    return items


def draw_questions(
    topics: Sequence[str],
    difficulty: str | None,
    count: int,
    exclude_ids: Sequence[str] = (),
    rng: random.Random | None = None,
) -> list[Question]:
    """`count` active questions, round-robin across `topics` (all when empty), preferring ids
    not in `exclude_ids`; `NotEnoughQuestions` when the bank has too few even with them."""
    rng = rng or random.SystemRandom()
    slugs = _topics(topics)
    query = select(Question).where(Question.retired.is_(False), Question.topic.in_(slugs))
    if difficulty is not None:
        query = query.where(Question.difficulty == difficulty)
    excluded = set(exclude_ids)
    fresh: dict[str, list[Question]] = {slug: [] for slug in slugs}
    seen: dict[str, list[Question]] = {slug: [] for slug in slugs}
    for question in db.session.scalars(query):
        (seen if question.id in excluded else fresh)[question.topic].append(question)
    available = sum(map(len, fresh.values())) + sum(map(len, seen.values()))
    if available < count:
        raise NotEnoughQuestions(
            f"Asked for {count} questions, the bank has {available} that match.",
            available=available,
        )
    order = list(slugs)
    rng.shuffle(order)  # which topics get the remainder varies from draw to draw
    picked = _round_robin({s: _mixed(fresh[s], rng) for s in order}, count)
    if len(picked) < count:
        picked += _round_robin({s: _mixed(seen[s], rng) for s in order}, count - len(picked))
    return picked


def _topics(requested: Sequence[str]) -> list[str]:
    known = list(db.session.scalars(select(Topic.slug).order_by(Topic.position, Topic.slug)))
    if not requested:
        return known
    unknown = sorted(set(requested) - set(known))
    if unknown:
        raise ValidationFailed(
            "Unknown topics.", errors={"topics": [f"Unknown topic {s!r}." for s in unknown]}
        )
    return list(dict.fromkeys(requested))


def _mixed(questions: list[Question], rng: random.Random) -> list[Question]:
    """Shuffled, with the difficulties interleaved so a mixed draw spans them."""
    by_level: dict[str, list[Question]] = {d: [] for d in rules.DIFFICULTIES}
    for question in questions:
        by_level.setdefault(question.difficulty, []).append(question)
    for group in by_level.values():
        rng.shuffle(group)
    levels = list(by_level)
    rng.shuffle(levels)
    return _round_robin({level: by_level[level] for level in levels}, len(questions))


def _round_robin(pools: dict[Any, list[Question]], count: int) -> list[Question]:
    """Take one from each pool in turn, skipping empty pools, until `count` are taken."""
    queues = [list(pool) for pool in pools.values() if pool]
    picked: list[Question] = []
    while queues and len(picked) < count:
        for queue in list(queues):
            if len(picked) == count:
                break
            picked.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return picked
