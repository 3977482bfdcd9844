"""Interview templates: the seeded catalogue, admin edits, and turning a request into a spec."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from services.common.errors import NotFound, ValidationFailed

from .extensions import db
from .models import Template
from .sessions import Spec

SEED_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "slug": "flask-fundamentals",
        "title": "Flask fundamentals",
        "description": "Routing, requests, templates, forms, sessions and the application basics.",
        "topics": [
            "fundamentals",
            "routing",
            "request-lifecycle",
            "templates",
            "forms",
            "sessions",
        ],
        "difficulty": "junior",
        "question_count": 10,
        "time_limit_s": 15 * 60,
    },
    {
        "slug": "flask-in-production",
        "title": "Flask in production",
        "description": "Extensions, hooks, deployment, performance, security and testing in depth.",
        "topics": [
            "request-lifecycle",
            "extensions",
            "middleware",
            "deployment",
            "performance",
            "security",
            "testing",
        ],
        "difficulty": "mid",
        "question_count": 15,
        "time_limit_s": 30 * 60,
    },
    {
        "slug": "senior-flask-architecture",
        "title": "Senior Flask architecture",
        "description": "Design trade-offs, scaling and the internals a senior engineer explains.",
        "topics": [
            "blueprints",
            "extensions",
            "rest-apis",
            "auth",
            "middleware",
            "deployment",
            "performance",
            "security",
            "testing",
            "real-world",
        ],
        "difficulty": "senior",
        "question_count": 20,
        "time_limit_s": 45 * 60,
    },
    {
        "slug": "full-mock-interview",
        "title": "Full mock interview",
        "description": "Every topic, every level: the closest thing to the real interview.",
        "topics": [],
        "difficulty": None,
        "question_count": 25,
        "time_limit_s": 60 * 60,
    },
)


def seed_templates() -> int:
    """Create the seed templates that do not exist yet (by slug); never overwrite edits."""
    existing = set(db.session.scalars(sa.select(Template.slug)))
    created = [Template(**t) for t in SEED_TEMPLATES if t["slug"] not in existing]
    db.session.add_all(created)
    db.session.commit()
    return len(created)


def list_templates(include_inactive: bool = False) -> list[Template]:
    """Templates, shortest interview first."""
    query = sa.select(Template).order_by(Template.question_count, Template.title)
    if not include_inactive:
        query = query.where(Template.active.is_(True))
    return list(db.session.scalars(query))


def check_bounds(data: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    """Refuse a question count or time limit outside the configured bounds (422)."""
    errors: dict[str, list[str]] = {}
    count, limit = data.get("question_count"), data.get("time_limit_s")
    max_questions = int(config["QUIZ_MAX_QUESTIONS"])
    low, high = int(config["QUIZ_MIN_TIME_LIMIT_S"]), int(config["QUIZ_MAX_TIME_LIMIT_S"])
    if count is not None and not 1 <= count <= max_questions:
        errors["question_count"] = [f"Must be between 1 and {max_questions}."]
    if limit is not None and not low <= limit <= high:
        errors["time_limit_s"] = [f"Must be between {low} and {high} seconds."]
    if errors:
        raise ValidationFailed("The interview is outside the allowed bounds.", errors=errors)


def create_template(data: Mapping[str, Any], config: Mapping[str, Any]) -> Template:
    """Add a template (admin)."""
    check_bounds(data, config)
    template = Template(**data)
    db.session.add(template)
    db.session.commit()
    return template


def update_template(
    template_id: str, data: Mapping[str, Any], config: Mapping[str, Any]
) -> Template:
    """Change some fields of a template (admin); running sessions keep what they started with."""
    template = db.session.get(Template, template_id)
    if template is None:
        raise NotFound("No such template.")
    check_bounds(data, config)
    for name, value in data.items():
        setattr(template, name, value)
    db.session.commit()
    return template


def spec_for(data: Mapping[str, Any], config: Mapping[str, Any]) -> Spec:
    """The interview a start request asks for: an active template, or a custom composition."""
    template_id = data.get("template_id")
    if template_id:
        template = db.session.get(Template, template_id)
        if template is None or not template.active:
            raise NotFound("No such template.")
        return Spec(
            title=template.title,
            topics=list(template.topics),
            difficulty=template.difficulty,
            question_count=template.question_count,
            time_limit_s=template.time_limit_s,
            template_id=template.id,
        )
    missing = [f for f in ("question_count", "time_limit_s") if data.get(f) is None]
    if missing:
        raise ValidationFailed(
            "Send a template_id or a custom interview.",
            errors={f: ["Required for a custom interview."] for f in missing},
        )
    check_bounds(data, config)
    return Spec(
        title=data.get("title") or "Custom interview",
        topics=sorted(set(data.get("topics") or [])),
        difficulty=data.get("difficulty"),
        question_count=int(data["question_count"]),
        time_limit_s=int(data["time_limit_s"]),
    )
