"""Sign in, create an account, verify the address, forgot/reset the password, sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm

from . import bp
from .backend import Reply, call, current_user, field_errors, relay_cookies
from .failures import check_service
from .forms import ButtonForm, ForgotForm, RegisterForm, ResetForm, SignInForm

LINK_PROBLEMS = {
    "link-invalid": "This link is not valid: copy the whole address from the mail.",
    "link-used": "This link has already been used.",
    "link-expired": "This link has expired. Ask for a new one.",
}


def safe_next(target: str | None) -> str:
    """A same-site path to go back to after signing in (anything else goes to the dashboard,
    the candidate's next step)."""
    if not target:
        return url_for("web.dashboard")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.dashboard")
    return target


def show_errors(form: FlaskForm, reply: Reply, aliases: dict[str, str] | None = None) -> None:
    """Put the service's per-field errors next to the fields; the rest into the form's summary."""
    errors = field_errors(reply, aliases)
    general: list[str] = []
    for name, messages in errors.items():
        target = getattr(form, name, None)
        if target is not None and name != "csrf_token":
            target.errors = (
                [*target.errors, *messages] if isinstance(target.errors, list) else messages
            )
        else:
            general.extend(messages)
    if not errors or general:
        general = general or [reply.detail or "That did not work. Please try again."]
    form.form_errors = [*form.form_errors, *general]


def google_enabled() -> bool:
    """Whether the auth service has Google sign-in configured (hides the button otherwise)."""
    reply = call("auth", "GET", "/api/auth/providers")
    return bool(reply.ok and isinstance(reply.body, dict) and reply.body.get("google"))


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Response | str:
    """Email and password, or Google when it is configured."""
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        reply = check_service(
            call(
                "auth",
                "POST",
                "/api/auth/login",
                json={"email": form.email.data, "password": form.password.data},
            )
        )
        if reply.ok:
            flash("You are signed in.", "success")
            return relay_cookies(redirect(safe_next(form.next.data)), reply)
        show_errors(form, reply)
    return render_template("web/signin.html", form=form, google=google_enabled())


@bp.route("/register", methods=["GET", "POST"])
def register() -> Response | str:
    """Create a local account; a verification mail follows."""
    form = RegisterForm()
    if form.validate_on_submit():
        payload = {"email": form.email.data, "password": form.password.data}
        if form.name.data:
            payload["name"] = form.name.data
        reply = check_service(call("auth", "POST", "/api/auth/register", json=payload))
        if reply.ok:
            return render_template(
                "web/registered.html",
                email=form.email.data,
                development=current_app.config.get("APP_ENV") != "production",
            )
        show_errors(form, reply)
    return render_template("web/register.html", form=form, google=google_enabled())


@bp.get("/verify")
def verify() -> str:
    """Confirm the address with the token from the verification mail."""
    token = request.args.get("token", "")
    reply = (
        check_service(call("auth", "POST", "/api/auth/verify", json={"token": token}))
        if token
        else None
    )
    verified = reply is not None and reply.ok
    message = (
        "" if verified else LINK_PROBLEMS.get(reply.problem_type if reply else "link-invalid", "")
    )
    if reply is not None and not verified and not message:
        message = reply.detail
    return render_template("web/verify.html", verified=verified, message=message)


@bp.route("/forgot", methods=["GET", "POST"])
def forgot() -> Response | str:
    """Ask for a password-reset mail (the answer never says whether the account exists)."""
    form = ForgotForm()
    if form.validate_on_submit():
        reply = check_service(
            call("auth", "POST", "/api/auth/password/forgot", json={"email": form.email.data})
        )
        if reply.ok:
            return render_template("web/forgot_sent.html", email=form.email.data)
        show_errors(form, reply)
    return render_template("web/forgot.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
def reset() -> Response | str:
    """Choose a new password with the token from the reset mail."""
    form = ResetForm(token=request.args.get("token", ""))
    if form.validate_on_submit():
        payload = {"token": form.token.data, "new_password": form.new_password.data}
        reply = check_service(call("auth", "POST", "/api/auth/password/reset", json=payload))
        if reply.ok:
            flash("Your password has been changed. Sign in with the new one.", "success")
            return redirect(url_for("web.signin"))
        if reply.problem_type in LINK_PROBLEMS:
            return make_response(
                render_template(
                    "web/verify.html",
                    reset=True,
                    verified=False,
                    message=LINK_PROBLEMS[reply.problem_type],
                ),
                reply.status,
            )
        show_errors(form, reply, {"password": "new_password"})
    elif request.method == "GET" and not form.token.data:
        return render_template(
            "web/verify.html", reset=True, verified=False, message=LINK_PROBLEMS["link-invalid"]
        )
    return render_template("web/reset.html", form=form)


@bp.route("/signout", methods=["GET", "POST"])
def signout() -> Response | str:
    """GET asks to confirm; POST ends the sign-in and clears the cookies."""
    form = ButtonForm()
    if request.method == "POST" and form.validate_on_submit():
        reply = call("auth", "POST", "/api/auth/logout")
        response = redirect(url_for("web.signed_out"))
        if reply.set_cookies:
            return relay_cookies(response, reply)
        # Already signed out (or the token had expired): clear the cookies here all the same.
        for name in ("access_token_cookie", "csrf_access_token", "csrf_refresh_token"):
            response.delete_cookie(name)
        response.delete_cookie("refresh_token_cookie", path="/api/auth/refresh")
        return response
    if current_user() is None:
        return redirect(url_for("web.signin"))
    return render_template("web/signout.html", form=form)


@bp.get("/signed-out")
def signed_out() -> str:
    """Confirmation that the browser is signed out."""
    return render_template("web/signed_out.html")
