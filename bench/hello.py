"""The reference for `bench/load.py`: a Flask hello world (any path, a small JSON answer)."""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask("bench_hello")


@app.route("/", defaults={"path": ""})
@app.route("/<path:path>")
def hello(path: str):  # type: ignore[no-untyped-def]
    """The smallest useful answer."""
    return jsonify(hello="world")
