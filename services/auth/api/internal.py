"""Service-to-service routes (never routed by the gateway)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from services.common.errors import ValidationFailed

from ..extensions import client_address, limiter
from ..schemas import ClientCredentialsSchema
from ..service_clients import authenticate_client, granted_scopes
from ..tokens import service_token

bp = Blueprint("internal", __name__)


@bp.post("/oauth/token")
@limiter.limit(
    lambda: current_app.config["AUTH_TOKEN_LIMIT_IP"],
    key_func=client_address,
    scope="client-token",
)
def oauth_token() -> Response:
    """Client-credentials grant: a token with role `service` and the client's scopes."""
    body = dict(request.form) or (request.get_json(silent=True) or {})
    if request.authorization and request.authorization.type == "basic":
        # client_secret_basic (RFC 6749 §2.3.1) as well as credentials in the body.
        body.setdefault("client_id", request.authorization.username or "")
        body.setdefault("client_secret", request.authorization.password or "")
    try:
        args = ClientCredentialsSchema().load(body if isinstance(body, dict) else {})
    except ValidationError as exc:
        raise ValidationFailed(errors=exc.messages_dict) from exc
    client_id = authenticate_client(args["grant_type"], args["client_id"], args["client_secret"])
    scopes = granted_scopes(client_id, args.get("scope"))
    token, ttl = service_token(client_id, scopes)
    return jsonify(access_token=token, token_type="Bearer", expires_in=ttl, scope=" ".join(scopes))
