"""Administration: roles."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from services.common.auth import require_role

from .. import accounts
from ..schemas import RolesSchema, UserSchema

bp = Blueprint("admin", __name__, description="Administration (role admin)")


@bp.put("/users/<string:user_id>/roles")
@require_role("admin")
@bp.arguments(RolesSchema)
@bp.response(200, UserSchema)
def set_roles(args: dict[str, Any], user_id: str) -> dict[str, Any]:
    """Replace a user's roles (candidate, author, admin); effective from their next refresh."""
    return accounts.set_roles(accounts.get_user(user_id), args["roles"]).to_dict()


@bp.get("/users/<string:user_id>")
@require_role("admin")
@bp.response(200, UserSchema)
def get_user(user_id: str) -> dict[str, Any]:
    """One user's account."""
    return accounts.get_user(user_id).to_dict()
