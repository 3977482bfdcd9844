"""The pages' forms (Flask-WTF: every POST form carries a CSRF token checked before the view)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

DIFFICULTIES = [
    SelectChoice(value, label)
    for value, label in [
        ("", "Any difficulty"),
        ("junior", "Junior"),
        ("mid", "Mid"),
        ("senior", "Senior"),
    ]
]
TYPES = [
    SelectChoice(value, label)
    for value, label in [
        ("", "Any type"),
        ("single", "Single choice"),
        ("multi", "Multiple choice"),
        ("true_false", "True or false"),
        ("short", "Short answer"),
        ("explain", "Explain"),
    ]
]


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    next = HiddenField()


class RegisterForm(FlaskForm):
    """A new local account."""

    name = StringField("Name", validators=[Optional(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class ForgotForm(FlaskForm):
    """The address to mail a reset link to."""

    email = EmailField("Email", validators=[DataRequired()])


class ResetForm(FlaskForm):
    """A new password for the account of a mailed reset link."""

    token = HiddenField(validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired()])


class PasswordForm(FlaskForm):
    """Change the password (the current one is asked again)."""

    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired()])


class DeleteForm(FlaskForm):
    """Delete the account: the user types their email to confirm."""

    confirm_email = EmailField("Type your email to confirm", validators=[DataRequired()])


class ButtonForm(FlaskForm):
    """A form with nothing but its CSRF token (sign out, resend verification)."""


class FilterForm(FlaskForm):
    """The study list's filters, read from the query string (a GET form needs no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField("Search", validators=[Optional(), Length(max=200)])
    difficulty = SelectField("Difficulty", choices=DIFFICULTIES, validators=[Optional()])
    type = SelectField("Type", choices=TYPES, validators=[Optional()])
