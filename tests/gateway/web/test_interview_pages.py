"""Dashboard, starting an interview, the timed page, the result, self-review and the report."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from .conftest import csrf_token, post_form


def test_dashboard_asks_to_sign_in(browser: FlaskClient) -> None:
    response = browser.get("/dashboard")
    assert response.status_code == 302 and "/signin?next=/dashboard" in response.location


def test_dashboard_puts_the_running_interview_first(signed_in: FlaskClient) -> None:
    html = signed_in.get("/dashboard").get_data(as_text=True)
    assert "Continue the interview" in html and 'href="/interviews/s1"' in html
    assert html.index("Continue the interview") < html.index("Recent interviews")
    assert "60 %" in html and 'href="/interviews/s0/result"' in html
    # Mastery from the finalised interview's result, weakest first.
    assert html.index("Routing") < html.index("Blueprints")
    assert 'value="50"' in html and 'value="100"' in html
    assert "Ready" in html  # the report's status


def test_dashboard_without_interviews_offers_to_start(
    signed_in: FlaskClient, state: dict[str, Any]
) -> None:
    state["no_sessions"] = True
    html = signed_in.get("/dashboard").get_data(as_text=True)
    assert 'href="/interviews/new"' in html and "Start an interview" in html


def test_new_interview_lists_templates_and_limits(signed_in: FlaskClient) -> None:
    html = signed_in.get("/interviews/new").get_data(as_text=True)
    assert "Flask fundamentals" in html and "20 min" in html
    assert "Between 1 and 50." in html and "Between 1 min and 120 min." in html
    confirm = signed_in.get("/interviews/new?template=t1").get_data(as_text=True)
    assert "The clock starts as soon as you press Start" in confirm and "20 min" in confirm
    assert signed_in.get("/interviews/new?template=nope").status_code == 404


def test_starting_a_template_goes_to_the_interview(
    signed_in: FlaskClient, state: dict[str, Any]
) -> None:
    response = post_form(
        signed_in, "/interviews/start", {"template_id": "t1"}, page="/interviews/new?template=t1"
    )
    assert response.status_code == 302 and response.location.endswith("/interviews/s9")
    assert state["started"] == {"template_id": "t1"}
    sent = [c for c in state["calls"] if c[:2] == ("POST", "/api/quiz/sessions")][-1]
    assert sent[2]["X-Csrf-Token"] == "csrf-ada"


def test_composing_confirms_before_starting(signed_in: FlaskClient, state: dict[str, Any]) -> None:
    data = {"topics": "routing", "difficulty": "mid", "question_count": "5", "minutes": "10"}
    confirm = post_form(signed_in, "/interviews/new", data)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Ready to start?" in html and "10 min" in html
    assert "started" not in state
    response = signed_in.post(
        "/interviews/new", data={**data, "confirmed": "1", "csrf_token": csrf_token(html)}
    )
    assert response.status_code == 302
    assert state["started"] == {
        "topics": ["routing"],
        "difficulty": "mid",
        "question_count": 5,
        "time_limit_s": 600,
    }


def test_composing_with_bad_numbers_shows_field_errors(signed_in: FlaskClient) -> None:
    data = {"question_count": "lots", "minutes": "0"}
    html = post_form(signed_in, "/interviews/new", data).get_data(as_text=True)
    assert 'id="question_count-error"' in html and 'id="minutes-error"' in html


def test_a_running_interview_is_where_starting_leads(
    signed_in: FlaskClient, state: dict[str, Any]
) -> None:
    state["running"] = True
    response = post_form(
        signed_in, "/interviews/start", {"template_id": "t1"}, page="/interviews/new?template=t1"
    )
    assert response.location.endswith("/interviews/s1")


def test_interview_page_renders_every_question_with_the_server_clock(
    signed_in: FlaskClient,
) -> None:
    html = signed_in.get("/interviews/s1").get_data(as_text=True)
    assert 'data-deadline="2030-01-01T10:25:00+00:00"' in html
    assert 'data-server-now="2030-01-01T10:05:00+00:00"' in html
    assert ">20:00<" in html  # the clock before the script takes over
    assert re.search(
        r'<script src="/web/static/interview\.js\?v=[0-9a-f]{12}" defer></script>', html
    )
    assert html.count("<script") == 1 and not re.search(r"\son[a-z]+=|\sstyle=", html)
    assert "Question 4 of 4" in html and "Explain &lt;b&gt;it&lt;/b&gt;." in html
    # Saved answers are in the controls.
    assert re.search(r'id="q1-b" value="b" checked', html)
    assert re.search(r'id="q3-false" value="false" checked', html)
    assert "Because the app context.</textarea>" in html
    for control in re.finditer(r"<(?:input|select|textarea)\b[^>]*>", html):
        ident = re.search(r'id="([^"]+)"', control.group(0))
        assert ident and f'for="{ident.group(1)}"' in html, control.group(0)


def test_finished_interview_page_goes_to_the_result(signed_in: FlaskClient) -> None:
    response = signed_in.get("/interviews/s0")
    assert response.status_code == 302 and response.location.endswith("/interviews/s0/result")
    assert signed_in.get("/interviews/nope").status_code == 404


def test_result_shows_scores_apart_and_the_self_review_prefilled(signed_in: FlaskClient) -> None:
    html = signed_in.get("/interviews/s0/result").get_data(as_text=True)
    assert "Objective questions" in html and "Free-text answers" in html
    assert "B is a trap." in html and "provisional" in html
    assert re.search(r'name="verdict-0" value="covered" checked', html)
    assert re.search(r'name="verdict-1" value="missed" checked', html)
    assert "From your answer: <q>Because the app context.</q>" in html
    assert signed_in.get("/interviews/s1/result").location.endswith("/interviews/s1")


def test_self_review_is_sent_as_verdicts_per_point(
    signed_in: FlaskClient, state: dict[str, Any]
) -> None:
    data = {
        "point": ["Names the app context", "Says when it is pushed"],
        "verdict-0": "covered",
        "verdict-1": "partly",
    }
    html = signed_in.get("/interviews/s0/result").get_data(as_text=True)
    response = signed_in.post(
        "/interviews/s0/review/4", data={**data, "csrf_token": csrf_token(html)}
    )
    assert response.status_code == 302
    assert state["review"] == (
        "s0",
        4,
        {
            "points": [
                {"point": "Names the app context", "verdict": "covered"},
                {"point": "Says when it is pushed", "verdict": "partly"},
            ]
        },
    )
    bad = signed_in.post(
        "/interviews/s0/review/4",
        data={"point": ["x"], "verdict-0": "great", "csrf_token": csrf_token(html)},
    )
    assert bad.status_code == 302 and state["review"][2]["points"][0]["verdict"] == "covered"


def test_report_embeds_the_fragment_and_links_the_pdf(signed_in: FlaskClient) -> None:
    html = signed_in.get("/interviews/s0/report").get_data(as_text=True)
    assert '<section class="report"><h2>Band: solid</h2></section>' in html
    assert 'href="/api/quiz/sessions/s0/report.pdf"' in html
    assert 'http-equiv="refresh"' not in html


def test_report_being_built_refreshes_a_bounded_number_of_times(
    signed_in: FlaskClient, state: dict[str, Any]
) -> None:
    state["report"] = "pending"
    html = signed_in.get("/interviews/s0/report").get_data(as_text=True)
    assert "being written" in html
    assert 'content="3;url=/interviews/s0/report?wait=1"' in html
    late = signed_in.get("/interviews/s0/report?wait=40").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in late and "check again" in late
    state["report"] = "missing"
    assert "no report" in signed_in.get("/interviews/s0/report").get_data(as_text=True)
