"""Authoring (role author): the question table, create/edit/retire, import/export, item
statistics and the review queue of explain answers."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from . import bp
from .backend import call, field_errors
from .failures import check_service
from .forms import TYPES, AuthorSearchForm, ButtonForm, ImportForm, QuestionForm
from .guards import author_or_403, sign_in_first
from .question_form import from_source, place_errors, to_source
from .result_pages import VERDICTS, key_points, verdicts_from_form
from .study_pages import page_number
from .study_pages import topics as content_topics

# Each item carries a prompt, an answer, a model answer and its key points: a few per page keep
# the page light (every page's HTML stays under 60 KB).
REVIEWS_PER_PAGE = 8

PER_PAGE = 25


def question_path(question_id: str, tail: str = "") -> str:
    """`/api/content/questions/<id>[tail]` with the id escaped."""
    return f"/api/content/questions/{quote(question_id, safe='')}{tail}"


def topic_choices(blank: str | None = None) -> list[SelectChoice]:
    """The topics as select choices (with an optional blank first choice)."""
    choices = [SelectChoice(t["slug"], t["title"]) for t in content_topics()]
    return [SelectChoice("", blank), *choices] if blank else choices


@bp.get("/author/questions")
def author_questions() -> Response | str:
    """Every active question, searchable and filtered by topic and type, with edit links."""
    if author_or_403() is None:
        return sign_in_first()
    form = AuthorSearchForm(request.args)
    form.topic.choices = topic_choices("Any topic")
    form.type.choices = TYPES
    listing: dict[str, Any] = {"items": [], "page": 1, "total": 0}
    if form.validate():
        params: dict[str, Any] = {"page": page_number(), "per_page": PER_PAGE}
        params.update({k: v for k, v in form.data.items() if v})
        reply = check_service(call("content", "GET", "/api/content/questions", params=params))
        if reply.ok and isinstance(reply.body, dict):
            listing = reply.body
    return render_template(
        "web/author_questions.html",
        form=form,
        listing=listing,
        pages=max(1, -(-int(listing.get("total", 0)) // PER_PAGE)),
        filters={k: v for k, v in form.data.items() if v},
        retire_form=ButtonForm(formdata=None),
    )


def question_form(formdata: Any = None, data: dict[str, Any] | None = None) -> QuestionForm:
    """The authoring form with the content service's topics."""
    form = QuestionForm(formdata=formdata, data=data)
    form.topic.choices = topic_choices()
    return form


def render_editor(form: QuestionForm, question_id: str | None, general: list[str]) -> str:
    """The create/edit form with field errors and a summary of the rest."""
    form.form_errors = [*form.form_errors, *general]
    return render_template("web/author_edit.html", form=form, question_id=question_id)


def save(form: QuestionForm, question_id: str | None) -> Response | str:
    """Send the form to the content service; field errors go back onto the form."""
    if not form.validate():
        return render_editor(form, question_id, [])
    body = to_source(form)
    if question_id:
        reply = check_service(call("content", "PUT", question_path(question_id), json=body))
    else:
        reply = check_service(call("content", "POST", "/api/content/questions", json=body))
    if reply.ok and isinstance(reply.body, dict):
        verb = "saved" if question_id else "created"
        flash(f"The question is {verb} (version {reply.body.get('version', 1)}).", "success")
        return redirect(url_for("web.edit_question", question_id=reply.body["id"]))
    if reply.status == 404:
        abort(404)
    errors = field_errors(reply)
    rest = place_errors(form, errors)
    if not errors:
        rest = [reply.detail or "The question could not be saved."]
    return render_editor(form, question_id, rest)


@bp.route("/author/questions/new", methods=["GET", "POST"])
def new_question() -> Response | str:
    """Create a question: the fields of the chosen type, errors next to them."""
    if author_or_403() is None:
        return sign_in_first()
    if request.method == "POST":
        return save(question_form(request.form), None)
    return render_editor(question_form(data={"type": "single", "difficulty": "mid"}), None, [])


@bp.route("/author/questions/<question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id: str) -> Response | str:
    """Edit a question (PUT of the whole bank-format question; the version goes up)."""
    if author_or_403() is None:
        return sign_in_first()
    if request.method == "POST":
        return save(question_form(request.form), question_id)
    reply = check_service(call("content", "GET", question_path(question_id, "/source")))
    if not reply.ok or not isinstance(reply.body, dict):
        abort(404)
    form = question_form(data=from_source(reply.body))
    return render_template(
        "web/author_edit.html",
        form=form,
        question_id=question_id,
        source=reply.body,
        retire_form=ButtonForm(formdata=None),
    )


@bp.post("/author/questions/<question_id>/retire")
def retire_question(question_id: str) -> Response:
    """Retire a question: gone from study and draws; running interviews keep their copy."""
    if author_or_403() is None:
        return sign_in_first()
    reply = check_service(call("content", "DELETE", question_path(question_id)))
    if reply.ok:
        flash("The question is retired.", "success")
    else:
        flash(reply.detail or "The question could not be retired.", "error")
    return redirect(url_for("web.author_questions"))


@bp.route("/author/import", methods=["GET", "POST"])
def import_bank() -> Response | str:
    """Import a JSON export or a GIFT file; show what was created, updated, skipped or wrong."""
    if author_or_403() is None:
        return sign_in_first()
    form = ImportForm()
    outcome: dict[str, Any] | None = None
    problems: list[dict[str, Any]] = []
    if form.validate_on_submit():
        raw = form.file.data.read()
        params: dict[str, Any] = {"format": form.format.data}
        if form.format.data == "gift":
            params.update(
                {
                    k: v
                    for k, v in (("topic", form.topic.data), ("difficulty", form.difficulty.data))
                    if v
                }
            )
            reply = call(
                "content",
                "POST",
                "/api/content/import",
                params=params,
                data=raw,
                content_type="text/plain; charset=utf-8",
            )
        else:
            try:
                document = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                form.file.errors = ["This file is not JSON: choose the format Moodle GIFT?"]
                return render_template("web/author_import.html", form=form)
            reply = call("content", "POST", "/api/content/import", params=params, json=document)
        check_service(reply)
        if reply.ok and isinstance(reply.body, dict):
            outcome = reply.body
        else:
            body = reply.body if isinstance(reply.body, dict) else {}
            problems = [i for i in body.get("items") or [] if isinstance(i, dict)]
            if not problems:
                problems = [
                    {"field": path, "message": "; ".join(messages)}
                    for path, messages in field_errors(reply).items()
                ]
            form.form_errors = [reply.detail or "Nothing was imported."]
    return render_template("web/author_import.html", form=form, outcome=outcome, problems=problems)


@bp.get("/author/stats")
def item_stats() -> Response | str:
    """Attempts, facility and discrimination per question; flagged items first on request."""
    if author_or_403() is None:
        return sign_in_first()
    flagged = request.args.get("flagged") == "1"
    params = {"flagged": "true" if flagged else "false", "page": page_number()}
    reply = check_service(call("quiz", "GET", "/api/quiz/stats/questions", params=params))
    listing = reply.body if reply.ok and isinstance(reply.body, dict) else {"items": []}
    return render_template("web/author_stats.html", listing=listing, flagged=flagged)


@bp.get("/author/reviews")
def review_queue() -> Response | str:
    """Explain answers waiting for a reviewer, oldest first, answer beside the key points."""
    if author_or_403() is None:
        return sign_in_first()
    page = page_number()
    params = {"page": page, "per_page": REVIEWS_PER_PAGE}
    reply = check_service(call("quiz", "GET", "/api/quiz/reviews", params=params))
    body = reply.body if reply.ok else None
    items = (
        body.get("items", []) if isinstance(body, dict) else body if isinstance(body, list) else []
    )
    total = int(body.get("total", len(items))) if isinstance(body, dict) else len(items)
    return render_template(
        "web/author_reviews.html",
        items=items,
        page=page,
        pages=max(1, -(-total // REVIEWS_PER_PAGE)),
        points={i: key_points(item) for i, item in enumerate(items)},
        verdicts=VERDICTS,
        form=ButtonForm(formdata=None),
        available=reply.ok,
    )


@bp.post("/author/reviews/<session_id>/<int:position>")
def grade_answer(session_id: str, position: int) -> Response:
    """A reviewer's verdict per key point; it overrides the candidate's own."""
    if author_or_403() is None:
        return sign_in_first()
    points = verdicts_from_form()
    if points is None:
        return redirect(url_for("web.review_queue"))
    path = f"/api/quiz/reviews/{quote(session_id, safe='')}/{position}"
    reply = check_service(call("quiz", "PUT", path, json={"points": points}))
    if reply.ok:
        flash("The grade is saved.", "success")
    else:
        flash(reply.detail or "The grade could not be saved.", "error")
    return redirect(url_for("web.review_queue"))
