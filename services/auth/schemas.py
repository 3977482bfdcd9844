"""Wire formats of the auth API (marshmallow)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from .accounts import ASSIGNABLE_ROLES


class RegisterSchema(ma.Schema):
    """A new local account."""

    email = ma.fields.Email(required=True, validate=validate.Length(max=320))
    password = ma.fields.String(required=True, load_only=True)
    name = ma.fields.String(load_default="", validate=validate.Length(max=200))


class LoginSchema(ma.Schema):
    """Local credentials."""

    email = ma.fields.String(required=True, validate=validate.Length(min=1, max=320))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class RefreshSchema(ma.Schema):
    """For API clients: the refresh token in the body (browsers send the cookie instead)."""

    refresh_token = ma.fields.String()


class TokenPairSchema(ma.Schema):
    """Tokens for `Authorization: Bearer` (the same ones are also set as cookies)."""

    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer(metadata={"description": "access token lifetime, seconds"})


class UserSchema(ma.Schema):
    """An account as its owner (or an admin) sees it."""

    id = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    name = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())
    email_verified = ma.fields.Boolean()
    providers = ma.fields.List(ma.fields.String())


class PasswordChangeSchema(ma.Schema):
    """A new password; the current one is needed when the account has one."""

    current_password = ma.fields.String(load_default=None, load_only=True)
    new_password = ma.fields.String(required=True, load_only=True)


class VerifySchema(ma.Schema):
    """The token from a verification link."""

    token = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


class ForgotPasswordSchema(ma.Schema):
    """The address to send a reset link to (if an account has it)."""

    email = ma.fields.Email(required=True, validate=validate.Length(max=320))


class ResetPasswordSchema(ma.Schema):
    """The token from a reset link and the new password."""

    token = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = ma.fields.String(required=True, load_only=True)


class AcceptedSchema(ma.Schema):
    """A request taken in; what happens next arrives by mail."""

    detail = ma.fields.String()


class RolesSchema(ma.Schema):
    """The complete set of roles a user should hold."""

    # Documented only: accounts.set_roles checks them (one message for unknown or none).
    roles = ma.fields.List(
        ma.fields.String(metadata={"enum": list(ASSIGNABLE_ROLES)}),
        required=True,
        metadata={"minItems": 1},
    )


class ProvidersSchema(ma.Schema):
    """Which external sign-in buttons the web app should show."""

    google = ma.fields.Boolean()


class JwkSchema(ma.Schema):
    """One public RSA key (RFC 7517)."""

    class Meta:
        unknown = ma.INCLUDE  # JWK members beyond these are allowed by the RFC

    kty = ma.fields.String()
    kid = ma.fields.String()
    use = ma.fields.String()
    alg = ma.fields.String()
    key_ops = ma.fields.List(ma.fields.String())
    n = ma.fields.String()
    e = ma.fields.String()


class JwksSchema(ma.Schema):
    """The JSON Web Key Set that verifies this service's tokens."""

    keys = ma.fields.List(ma.fields.Nested(JwkSchema))


class GoogleLoginArgsSchema(ma.Schema):
    """Query of the Google sign-in route."""

    connect = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "connect Google to the signed-in user instead of signing in"},
    )


class ClientCredentialsSchema(ma.Schema):
    """OAuth 2 client-credentials grant (RFC 6749 §4.4)."""

    grant_type = ma.fields.String(required=True)
    client_id = ma.fields.String(required=True)
    client_secret = ma.fields.String(required=True, load_only=True)
    scope = ma.fields.String()
