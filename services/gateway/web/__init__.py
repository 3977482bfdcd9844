"""The candidate's web app: server-rendered pages served by the gateway (blueprint `web`).

The pages call the services through the gateway's pooled upstream clients as the signed-in user
(see `backend`); the proxy code knows nothing of them. Forms are Flask-WTF forms with CSRF tokens;
templates autoescape; static files are fingerprinted (see `assets`).
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from services.common.errors import Problem, http_exception_to_problem
from services.common.settings import require_settings

from .assets import YEAR_S, asset_url, is_fingerprinted
from .backend import current_user
from .failures import PageFailure, failure_page
from .progress import clock, day, minutes
from .text import inline_code

log = logging.getLogger(__name__)

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/web/static",
)
csrf = CSRFProtect()

# Paths the web app never answers with HTML: the APIs, internal routes and the probes.
NON_PAGE_PREFIXES = ("/api/", "/internal", "/healthz", "/readyz")


def init_app(app: Flask) -> None:
    """Register the pages, their CSRF protection and their HTML error pages on the gateway."""
    require_settings(app, "GATEWAY_SECRET_KEY")
    # Development without the variable: one key per process (make run and the e2e stack set it,
    # so every gunicorn worker signs with the same one).
    app.config["SECRET_KEY"] = app.config.get("GATEWAY_SECRET_KEY") or secrets.token_hex(32)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    # Only the pages post forms; the proxied APIs have their own (double-submit) protection.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    from . import (  # noqa: F401  (routes)
        account_pages,
        auth_pages,
        author_pages,
        dashboard_pages,
        interview_pages,
        result_pages,
        study_pages,
    )

    app.register_blueprint(bp)
    app.add_template_filter(inline_code)
    app.add_template_filter(minutes)
    app.add_template_filter(day)
    app.add_template_filter(clock)

    @app.errorhandler(404)
    def _not_found(error: HTTPException) -> Response | tuple[str, int]:
        if wants_html():
            return render_template("web/error.html", status=404, title="Page not found"), 404
        return http_exception_to_problem(error)


def wants_html() -> bool:
    """True for a browser asking for a page (not an API path, and HTML preferred over JSON)."""
    if request.path.startswith(NON_PAGE_PREFIXES):
        return False
    accept = request.accept_mimetypes
    return accept.quality("text/html") > accept.quality("application/json")


@bp.before_request
def _protect_forms() -> None:
    # Every state-changing page request carries a valid CSRF token (Flask-WTF's check).
    if request.method not in {"GET", "HEAD", "OPTIONS"} and request.endpoint != "web.static":
        csrf.protect()


@bp.app_context_processor
def _layout_helpers() -> dict[str, object]:
    return {"asset_url": asset_url, "current_user": current_user}


@bp.after_request
def _cache_headers(response: Response) -> Response:
    if request.endpoint == "web.static":
        filename = (request.view_args or {}).get("filename", "")
        if is_fingerprinted(filename, request.args.get("v")):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR_S
            response.cache_control.immutable = True
        else:
            response.cache_control.max_age = 300
    else:
        # Pages show who is signed in: never cached by a shared cache.
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response


@bp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    message = "The form had expired or was sent from elsewhere. Please try again."
    return render_template(
        "web/error.html", status=400, title="Please try again", message=message
    ), 400


@bp.errorhandler(PageFailure)
def _page_failure(error: PageFailure) -> Response:
    return failure_page(error)


@bp.errorhandler(Problem)
def _service_problem(error: Problem) -> Response:
    # The upstream clients' transport failures (502/503/504) while rendering a page.
    return failure_page(PageFailure(error.status, error.detail))


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response | tuple[str, int]:
    if isinstance(error, HTTPException):
        status = error.code or 500
        return render_template("web/error.html", status=status, title=error.name), status
    log.exception("unhandled error in a page")
    return render_template("web/error.html", status=500, title="Something went wrong"), 500
