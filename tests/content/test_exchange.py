"""Export and import: JSON and GIFT round trips, all-or-nothing import, Moodle GIFT files."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.content.bank import read_bank
from services.content.extensions import db
from services.content.store import save_questions, save_topics

EXPORT = "/api/content/export"
IMPORT = "/api/content/import"


def export_json(client: FlaskClient, auth) -> dict:
    response = client.get(f"{EXPORT}?format=json", headers=auth.author)
    assert response.status_code == 200
    return response.get_json()


def test_exchange_routes_need_author(client: FlaskClient, auth) -> None:
    assert client.get(EXPORT).status_code == 401
    assert client.get(EXPORT, headers=auth.candidate).status_code == 403
    assert client.post(IMPORT, json={}).status_code == 401
    assert client.post(IMPORT, json={}, headers=auth.candidate).status_code == 403


def test_export_json_holds_whole_bank_with_retired(client: FlaskClient, sample, auth) -> None:
    qid = client.get("/api/content/questions?tag=csrf").get_json()["items"][0]["id"]
    client.delete(f"/api/content/questions/{qid}", headers=auth.author)
    document = export_json(client, auth)
    assert document["format"] == "flask-interviews-bank"
    assert [t["slug"] for t in document["topics"]] == ["routing", "security"]
    assert len(document["questions"]) == 10
    assert {q["key"]: q["retired"] for q in document["questions"]}["security-csrf"] is True


def test_json_round_trip_is_lossless(client: FlaskClient, app: Flask, sample, auth) -> None:
    document = export_json(client, auth)
    with app.app_context():  # an empty bank, then import the export back
        db.drop_all()
        db.create_all()
    report = client.post(IMPORT, json=document, headers=auth.author)
    assert report.status_code == 200, report.get_json()
    assert report.get_json() == {"created": 10, "updated": 0, "unchanged": 0, "skipped": []}
    assert export_json(client, auth) == document
    again = client.post(IMPORT, json=document, headers=auth.author).get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 10)


def test_json_import_updates_changed_and_bumps_version(client: FlaskClient, sample, auth) -> None:
    document = export_json(client, auth)
    document["questions"][0]["explanation"] = "A better explanation."
    report = client.post(IMPORT, json=document, headers=auth.author).get_json()
    assert (report["updated"], report["unchanged"]) == (1, 9)
    key = document["questions"][0]["key"]
    items = client.get("/api/content/questions?per_page=100").get_json()["items"]
    assert next(i for i in items if i["key"] == key)["version"] == 2


def test_json_import_of_bad_file_changes_nothing(client: FlaskClient, sample, auth) -> None:
    before = export_json(client, auth)
    document = json.loads(json.dumps(before))
    document["questions"][0]["explanation"] = "Changed, but the file is rejected."
    document["questions"][1]["difficulty"] = "expert"
    document["questions"][2]["options"] = [{"text": "lonely"}]
    document["questions"].append({**document["questions"][3], "key": "routing-dup-prompt"})
    document["topics"].append({"slug": "new-topic", "title": "New", "description": "New one."})
    response = client.post(IMPORT, json=document, headers=auth.author)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert "questions.1.difficulty" in body["errors"]
    assert "questions.2.options" in body["errors"]
    assert "questions.10.prompt" in body["errors"]
    item = next(i for i in body["items"] if i["index"] == 1)
    assert item["key"] == document["questions"][1]["key"] and item["field"] == "difficulty"
    assert export_json(client, auth) == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("not json at all", "application/json"),
        (json.dumps({"questions": "nope"}), "application/json"),
        (json.dumps([1, 2]), "application/json"),
    ],
)
def test_json_import_malformed_is_4xx_problem(
    client: FlaskClient, sample, auth, body: str, content_type: str
) -> None:
    response = client.post(IMPORT, data=body, content_type=content_type, headers=auth.author)
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


def test_gift_export_is_text_with_categories(client: FlaskClient, sample, auth) -> None:
    response = client.get(f"{EXPORT}?format=gift", headers=auth.author)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "$CATEGORY: $course$/flask-interviews/routing" in text
    assert "::routing-url-for::[markdown]Which function builds a URL?" in text


def test_gift_round_trip_of_real_bank_is_lossless(client: FlaskClient, app: Flask, auth) -> None:
    bank = read_bank()
    with app.app_context():
        save_topics(bank.topics)
        save_questions(bank.questions)
        db.session.commit()
    original = export_json(client, auth)
    gift_text = client.get(f"{EXPORT}?format=gift", headers=auth.author).get_data(as_text=True)
    with app.app_context():
        db.drop_all()
        db.create_all()
    response = client.post(
        IMPORT, data=gift_text.encode(), content_type="text/plain", headers=auth.author
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == len(bank.questions)
    assert response.get_json()["skipped"] == []
    assert export_json(client, auth) == original


MOODLE = """// A plain Moodle export
$CATEGORY: $course$/Default for Flask/routing

::Builder::Which helper builds a URL from an endpoint? {
=url_for#Right: it builds URLs from endpoints.
~redirect#It returns a redirect response.
~render_template#It renders templates.
####url_for reverses the URL map.
}

::Micro::Flask is a micro-framework.{TRUE####Its core is small.}

::Toolkit::Name Flask's WSGI toolkit. {=Werkzeug =werkzeug####Flask is built on Werkzeug.}

::Flags::Pick the secure cookie flags.{
~%50%HttpOnly#Hides the cookie from scripts.
~%50%Secure#HTTPS only.
~%-100%Public#Not a cookie flag.
####Both flags harden cookies.}

::Essay::Explain WSGI. {}

::Sum::What is 2+2? {#4}

::Pairs::Match them. {=a -> 1 =b -> 2}
"""


def test_gift_import_of_moodle_file_maps_types_and_skips_unsupported(
    client: FlaskClient, sample, auth
) -> None:
    response = client.post(f"{IMPORT}?format=gift&difficulty=mid", data=MOODLE, headers=auth.author)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["created"] == 4
    assert [(s["title"], s["line"]) for s in body["skipped"]] == [
        ("Essay", 21),
        ("Sum", 23),
        ("Pairs", 25),
    ]
    assert "rubric" in body["skipped"][0]["reason"]
    items = client.get(
        "/api/content/questions?difficulty=mid&topic=routing&per_page=100", headers=auth.candidate
    )
    by_key = {i["key"]: i for i in items.get_json()["items"]}
    assert by_key["builder"]["type"] == "single"
    assert by_key["builder"]["options"][1]["why"] == "It returns a redirect response."
    assert by_key["builder"]["explanation"] == "url_for reverses the URL map."
    assert by_key["micro"]["type"] == "true_false" and by_key["micro"]["answer"] is True
    assert by_key["toolkit"]["accepted"] == ["Werkzeug", "werkzeug"]
    assert by_key["flags"]["type"] == "multi"
    assert [o["correct"] for o in by_key["flags"]["options"]] == [True, True, False]


def test_gift_essay_with_rubric_comment_becomes_explain(client: FlaskClient, sample, auth) -> None:
    meta = {
        "key": "routing-wsgi-essay",
        "difficulty": "senior",
        "model_answer": "WSGI is...",
        "rubric": [{"point": f"p{n}", "keywords": [f"k{n}"]} for n in range(3)],
    }
    text = f"// fi: {json.dumps(meta)}\n::Essay::Explain WSGI. {{####Because.}}\n"
    response = client.post(
        f"{IMPORT}?topic=routing", data=text, content_type="text/plain", headers=auth.author
    )
    assert response.status_code == 200, response.get_json()
    found = client.get("/api/content/questions?type=explain&difficulty=senior&topic=routing")
    assert "routing-wsgi-essay" in [i["key"] for i in found.get_json()["items"]]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("::Broken::No closing brace {=a ~b", "gift"),
        ("::T::Fine {T}\n\n::Also broken", "gift"),
        ("// fi: {not json}\n::X::Q? {T}", "gift"),
        ("::NoTopic::Which one? {=a#ok ~b#no}", "questions.0.topic"),
        ("$CATEGORY: x/routing\n::NoFeedback::Which one? {=a#ok ~b#no}", "questions.0.explanation"),
    ],
)
def test_gift_import_of_bad_file_is_422_and_changes_nothing(
    client: FlaskClient, sample, auth, text: str, field: str
) -> None:
    before = export_json(client, auth)
    response = client.post(IMPORT, data=text, content_type="text/plain", headers=auth.author)
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()
    assert all("line" in item for item in response.get_json()["items"])
    assert export_json(client, auth) == before


def test_gift_import_rejects_non_utf8(client: FlaskClient, sample, auth) -> None:
    response = client.post(
        IMPORT, data=b"\xff\xfe::x::", content_type="text/plain", headers=auth.author
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
