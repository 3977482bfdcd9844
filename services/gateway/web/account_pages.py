"""The account page: profile, verification, Google, password change and account deletion."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, url_for

from . import bp
from .auth_pages import show_errors
from .backend import call, current_user, relay_cookies
from .failures import check_service
from .forms import ButtonForm, DeleteForm, PasswordForm
from .guards import sign_in_first

FRESH_SIGN_IN = "fresh-sign-in-required"


def render_account(user: dict[str, Any], **forms: Any) -> str:
    """The account page with every form (fresh ones unless the caller passes a filled one)."""
    return render_template(
        "web/account.html",
        user=user,
        password_form=forms.get("password_form") or PasswordForm(formdata=None),
        delete_form=forms.get("delete_form") or DeleteForm(formdata=None),
        resend_form=ButtonForm(formdata=None),
    )


@bp.get("/account")
def account() -> Response | str:
    """Name, email and its state, connected providers, and the account's actions."""
    user = current_user()
    if user is None:
        return sign_in_first()
    return render_account(user)


@bp.post("/account/resend")
def resend_verification() -> Response:
    """Mail a fresh verification link."""
    if current_user() is None:
        return sign_in_first()
    reply = check_service(call("auth", "POST", "/api/auth/verify/resend"))
    if reply.ok:
        flash("We sent a new verification link. Check your mail.", "success")
    elif reply.problem_type == "already-verified":
        flash("Your email address is already verified.", "info")
    else:
        flash(reply.detail or "The link could not be sent.", "error")
    return redirect(url_for("web.account"))


@bp.post("/account/password")
def change_password() -> Response | str:
    """Change the password; a stale sign-in is sent to sign in again and brought back."""
    user = current_user()
    if user is None:
        return sign_in_first()
    form = PasswordForm()
    if form.validate_on_submit():
        payload = {
            "current_password": form.current_password.data,
            "new_password": form.new_password.data,
        }
        reply = check_service(call("auth", "POST", "/api/auth/password", json=payload))
        if reply.ok:
            flash("Your password has been changed.", "success")
            return redirect(url_for("web.account"))
        if reply.problem_type == FRESH_SIGN_IN:
            return fresh_sign_in()
        show_errors(form, reply, {"password": "new_password"})
    return render_account(user, password_form=form)


@bp.post("/account/delete")
def delete_account() -> Response | str:
    """Delete the account once the user has typed their own email address."""
    user = current_user()
    if user is None:
        return sign_in_first()
    form = DeleteForm()
    if form.validate_on_submit():
        typed = (form.confirm_email.data or "").strip().lower()
        if typed != str(user.get("email", "")).lower():
            form.confirm_email.errors = ["Type the email address of this account exactly."]
            return render_account(user, delete_form=form)
        reply = check_service(call("auth", "DELETE", "/api/auth/me"))
        if reply.ok:
            response = redirect(url_for("web.signed_out", deleted=1))
            for name in ("access_token_cookie", "csrf_access_token", "csrf_refresh_token"):
                response.delete_cookie(name)
            response.delete_cookie("refresh_token_cookie", path="/api/auth/refresh")
            return relay_cookies(response, reply)
        if reply.problem_type == FRESH_SIGN_IN:
            return fresh_sign_in()
        show_errors(form, reply)
    return render_account(user, delete_form=form)


def fresh_sign_in() -> Response:
    """The service wants a recent sign-in: sign in again, then come back to the account page."""
    flash("For your security, please sign in again to make this change.", "info")
    return redirect(url_for("web.signin", next=url_for("web.account")))
