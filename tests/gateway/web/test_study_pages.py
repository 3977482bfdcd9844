"""Study pages: topics, a filtered and paginated list, a question with its answer hidden."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def test_topics_with_counts(browser: FlaskClient) -> None:
    html = browser.get("/study").get_data(as_text=True)
    assert 'href="/study/routing"' in html and "45 questions" in html and "1 question<" in html


def test_topic_list_passes_filters_search_and_page(
    browser: FlaskClient, state: dict[str, Any]
) -> None:
    response = browser.get("/study/routing?q=route&difficulty=junior&type=single&page=2")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert state["questions_args"] == {
        "topic": "routing",
        "q": "route",
        "difficulty": "junior",
        "type": "single",
        "page": "2",
        "per_page": "20",
    }
    assert "Page 2 of 3" in html
    assert 'href="/study/routing?page=3&amp;q=route&amp;difficulty=junior&amp;type=single"' in html
    assert 'href="/study/questions/q1"' in html
    assert '<label for="q">Search</label>' in html


def test_topic_list_rejects_an_unknown_filter_without_calling_content(
    browser: FlaskClient, state: dict[str, Any]
) -> None:
    html = browser.get("/study/routing?difficulty=expert").get_data(as_text=True)
    assert "Not a valid choice" in html
    assert not any(c[1] == "/api/content/questions" for c in state["calls"])


def test_unknown_topic_is_a_404_page(browser: FlaskClient) -> None:
    response = browser.get("/study/nope")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_question_for_a_signed_in_user_has_the_answer_behind_a_disclosure(
    signed_in: FlaskClient,
) -> None:
    html = signed_in.get("/study/questions/q1").get_data(as_text=True)
    assert "<details" in html and "<summary>Show answer</summary>" in html
    assert "route() calls add_url_rule()." in html
    # Autoescaped: markup in content is shown, never interpreted.
    assert "&lt;b&gt;registers&lt;/b&gt;" in html


def test_anonymous_visitor_is_asked_to_sign_in_for_answers(browser: FlaskClient) -> None:
    html = browser.get("/study/questions/q1").get_data(as_text=True)
    assert "Sign in to see answers" in html and "<details" not in html
    assert "add_url_rule" not in html


def test_held_question_says_so(signed_in: FlaskClient) -> None:
    html = signed_in.get("/study/questions/held").get_data(as_text=True)
    assert "held until your interview ends" in html and "<details" not in html


def test_unknown_question_is_a_404_page(browser: FlaskClient) -> None:
    assert browser.get("/study/questions/zzz").status_code == 404


def test_backticked_text_is_code_and_everything_else_stays_escaped() -> None:
    from services.gateway.web.text import inline_code

    html = inline_code("Call `url_for('<x>')` then <script>")
    assert html == "Call <code>url_for(&#39;&lt;x&gt;&#39;)</code> then &lt;script&gt;"
