"""Starting an interview (a template or a composition, then a confirmation) and the timed page.

The timed page is rendered whole by the server (every question, the saved answers, the clock's
`deadline` and `server_now`); `static/interview.js` shows one question at a time, keeps the
clock and autosaves through the public quiz API.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from . import bp, quiz_calls
from .auth_pages import show_errors
from .backend import Reply, current_user
from .forms import ComposeForm, StartTemplateForm
from .guards import sign_in_first
from .study_pages import topics as content_topics

# The service names the time limit in seconds; the form asks for minutes.
ERROR_ALIASES = {"time_limit_s": "minutes"}


def compose_form(formdata: Any = None) -> ComposeForm:
    """The compose form with the content service's topics as its checkboxes."""
    form = ComposeForm(formdata=formdata)
    form.topics.choices = [SelectChoice(t["slug"], t["title"]) for t in content_topics()]
    return form


def render_new(form: ComposeForm) -> str:
    """The templates as cards and the compose form, with the service's limits."""
    return render_template(
        "web/interview_new.html",
        templates=quiz_calls.templates(),
        limits=quiz_calls.limits(),
        form=form,
        start_form=StartTemplateForm(formdata=None),
    )


def composition(form: ComposeForm) -> dict[str, Any]:
    """The quiz API's body for a composed interview."""
    spec: dict[str, Any] = {
        "topics": form.topics.data or [],
        "difficulty": form.difficulty.data or None,
        "question_count": form.question_count.data,
        "time_limit_s": int(form.minutes.data or 0) * 60,
    }
    if form.title.data:
        spec["title"] = form.title.data
    return spec


def started(reply: Reply, form: ComposeForm | None = None) -> Response | str:
    """Go to the new interview, to the running one, or back to the form with the reason."""
    if reply.ok and isinstance(reply.body, dict):
        return redirect(url_for("web.interview", session_id=reply.body["id"]))
    body = reply.body if isinstance(reply.body, dict) else {}
    if reply.status == 401:
        return sign_in_first()
    if reply.problem_type == "active-session-exists" and body.get("active_session_id"):
        flash("You already have an interview running: here it is.", "info")
        return redirect(url_for("web.interview", session_id=body["active_session_id"]))
    form = form or compose_form(formdata=None)
    if reply.problem_type == "not-enough-questions":
        available = body.get("available")
        form.question_count.errors = [
            f"Only {available} questions match these choices."
            if available is not None
            else reply.detail or "Not enough questions match these choices."
        ]
    else:
        show_errors(form, reply, ERROR_ALIASES)
    return render_new(form)


@bp.get("/interviews/new")
def new_interview() -> Response | str:
    """Templates to pick from, or a composition; `?template=<id>` asks to confirm one."""
    if current_user() is None:
        return sign_in_first()
    chosen = request.args.get("template")
    if chosen:
        template = next((t for t in quiz_calls.templates() if str(t.get("id")) == chosen), None)
        if template is None:
            abort(404)
        form = StartTemplateForm(formdata=None, template_id=chosen)
        return render_template("web/interview_confirm.html", spec=template, start_form=form)
    form = compose_form(formdata=None)
    form.question_count.data = 10
    form.minutes.data = 20
    return render_new(form)


@bp.post("/interviews/new")
def compose_interview() -> Response | str:
    """A composition: checked here, confirmed by the candidate, then started."""
    if current_user() is None:
        return sign_in_first()
    form = compose_form(formdata=request.form)
    if not form.validate():
        return render_new(form)
    if request.form.get("confirmed") != "1":
        spec = {**composition(form), "title": form.title.data or "Your interview"}
        return render_template("web/interview_confirm.html", spec=spec, compose=form)
    return started(quiz_calls.start(composition(form)), form)


@bp.post("/interviews/start")
def start_template() -> Response | str:
    """Start a template's interview (after the confirmation page)."""
    if current_user() is None:
        return sign_in_first()
    form = StartTemplateForm(formdata=request.form)
    if not form.validate():
        abort(400)
    return started(quiz_calls.start({"template_id": form.template_id.data}))


@bp.get("/interviews/<session_id>")
def interview(session_id: str) -> Response | str:
    """The timed page: one question at a time (the script), the server's clock."""
    if current_user() is None:
        return sign_in_first()
    running = quiz_calls.session(session_id)
    if running is None:
        abort(404)
    if running.get("status") != "active":
        return redirect(url_for("web.result", session_id=session_id))
    return render_template("web/interview.html", s=running)
