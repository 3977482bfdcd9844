"""Auth database: users, external identities, refresh-token families and mailed tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> dt.datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_id() -> str:
    """An opaque random id."""
    return uuid.uuid4().hex


class User(db.Model):  # type: ignore[name-defined,misc]
    """An account: a local password, Google identities, or both."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    # Lower-cased; NULL when the provider gave no verified address.
    email: Mapped[str | None] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    # When the address was proved: a link from our mail, or a provider that vouches for it.
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: ["candidate"])
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)

    identities: Mapped[list[Identity]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def providers(self) -> list[str]:
        """How the user can sign in: "password" and/or external providers."""
        names = ["password"] if self.password_hash else []
        return names + sorted({identity.provider for identity in self.identities})

    def to_dict(self) -> dict[str, Any]:
        """The public view of the account."""
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "roles": list(self.roles or []),
            "email_verified": self.email_verified_at is not None,
            "providers": self.providers,
        }


class Identity(db.Model):  # type: ignore[name-defined,misc]
    """A user's account at an OpenID provider, keyed by (issuer, subject), never by email."""

    __tablename__ = "identities"
    __table_args__ = (
        sa.UniqueConstraint("issuer", "subject", name="uq_identities_issuer_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(32))
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="identities")


class RefreshFamily(db.Model):  # type: ignore[name-defined,misc]
    """One sign-in: the chain of refresh tokens rotated from it."""

    __tablename__ = "refresh_families"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(32))


class RefreshToken(db.Model):  # type: ignore[name-defined,misc]
    """A refresh token of a family and the access token issued beside it."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(
        sa.ForeignKey("refresh_families.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
    access_jti: Mapped[str] = mapped_column(sa.String(64))
    access_expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)


class EmailToken(db.Model):  # type: ignore[name-defined,misc]
    """A single-use link sent by mail (verify the address, reset the password).

    Only a SHA-256 hash of the token is stored: a leaked database cannot be turned into links.
    """

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime)
