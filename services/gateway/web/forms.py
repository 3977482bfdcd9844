"""The pages' forms (Flask-WTF: every POST form carries a CSRF token checked before the view)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

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


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (each with its own label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartTemplateForm(FlaskForm):
    """Start the interview of a template."""

    template_id = HiddenField(validators=[DataRequired()])


class ComposeForm(FlaskForm):
    """A composed interview: topics, difficulty, number of questions and minutes."""

    title = StringField("Title (optional)", validators=[Optional(), Length(max=200)])
    topics = CheckboxesField("Topics", choices=[], validate_choice=True)
    difficulty = SelectField("Difficulty", choices=DIFFICULTIES, validators=[Optional()])
    question_count = IntegerField(
        "Number of questions", validators=[InputRequired(), NumberRange(min=1)]
    )
    minutes = IntegerField("Minutes", validators=[InputRequired(), NumberRange(min=1)])


QUESTION_TYPES = TYPES[1:]
LEVELS = DIFFICULTIES[1:]
OPTION_ROWS = 6
RUBRIC_ROWS = 6


class OptionRow(Form):
    """One choice of a single/multi question."""

    text = StringField("Text", validators=[Optional()])
    correct = BooleanField("Correct")
    why = StringField("Why it is wrong", validators=[Optional()])


class RubricRow(Form):
    """One key point of an explain question, with the words that show it."""

    point = StringField("Key point", validators=[Optional()])
    keywords = StringField("Keywords (comma-separated)", validators=[Optional()])


class QuestionForm(FlaskForm):
    """A question in the bank format; the fields of other types are ignored when saving."""

    topic = SelectField("Topic", choices=[], validators=[DataRequired()])
    type = SelectField("Type", choices=QUESTION_TYPES, validators=[DataRequired()])
    difficulty = SelectField("Difficulty", choices=LEVELS, validators=[DataRequired()])
    key = StringField("Key (optional: made from the topic)", validators=[Optional()])
    prompt = TextAreaField("Prompt", validators=[DataRequired()])
    options = FieldList(FormField(OptionRow), min_entries=OPTION_ROWS, max_entries=OPTION_ROWS)
    answer = SelectField(
        "The statement is",
        choices=[SelectChoice("true", "True"), SelectChoice("false", "False")],
        validators=[Optional()],
    )
    accepted = TextAreaField("Accepted answers (one a line)", validators=[Optional()])
    patterns = TextAreaField("Patterns (regular expressions, one a line)", validators=[Optional()])
    rubric = FieldList(FormField(RubricRow), min_entries=RUBRIC_ROWS, max_entries=RUBRIC_ROWS)
    model_answer = TextAreaField("Model answer", validators=[DataRequired()])
    explanation = TextAreaField("Explanation", validators=[DataRequired()])
    references = TextAreaField("References (one a line)", validators=[Optional()])
    tags = StringField("Tags (comma-separated)", validators=[Optional()])


class ImportForm(FlaskForm):
    """A bank file to import (JSON export or Moodle GIFT)."""

    file = FileField("File", validators=[FileRequired()])
    format = SelectField(
        "Format",
        choices=[SelectChoice("json", "JSON export"), SelectChoice("gift", "Moodle GIFT")],
        default="json",
    )
    topic = StringField("Topic for GIFT items without a category", validators=[Optional()])
    difficulty = SelectField(
        "Difficulty for GIFT items without one", choices=DIFFICULTIES, validators=[Optional()]
    )


class AuthorSearchForm(FlaskForm):
    """The authors' question table: search and filters (a GET form)."""

    class Meta:
        csrf = False

    q = SearchField("Search", validators=[Optional(), Length(max=200)])
    topic = SelectField("Topic", choices=[], validators=[Optional()])
    type = SelectField("Type", choices=TYPES, validators=[Optional()])
