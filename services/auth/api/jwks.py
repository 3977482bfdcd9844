"""The public keys that verify this service's tokens."""

from __future__ import annotations

from flask import jsonify
from flask_smorest import Blueprint
from werkzeug.wrappers import Response

from .. import tokens
from ..schemas import JwksSchema

bp = Blueprint("jwks", __name__, description="Public keys")


@bp.get("/.well-known/jwks.json")
@bp.response(200, JwksSchema, description="The public keys (JWKS)")
def jwks() -> Response:
    """The public keys that verify this service's tokens (JWKS, RFC 7517)."""
    response = jsonify(tokens.key_ring().jwks())
    # Verifiers may cache the keys briefly; a rotated key is published before it signs.
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
