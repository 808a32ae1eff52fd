"""The Application, CredentialApplication, Token and AuthorizedApp entities, and
OAuth's error body."""

from __future__ import annotations

from typing import Any

import msgspec

from roost.api.entities.accounts import iso
from roost.oauth.actions import IssuedToken
from roost.oauth.queries import AuthorizedApp as AuthorizedAppRow
from roost.oauth.queries import format_scopes, redirect_uri_list


class Application(msgspec.Struct):
    """What an app token may learn about its app: no credentials."""

    id: str
    name: str
    website: str | None
    scopes: list[str]
    redirect_uris: list[str]
    redirect_uri: str
    vapid_key: str = ""


class CredentialApplication(Application):
    """Returned once, at registration: the only time the client secret is readable."""

    client_id: str = ""
    client_secret: str = ""
    client_secret_expires_at: int = 0


class Token(msgspec.Struct):
    access_token: str
    token_type: str
    scope: str
    created_at: int


class OAuthError(msgspec.Struct):
    error: str
    error_description: str


class Error(msgspec.Struct, omit_defaults=True):
    """Mastodon's error body; ``details`` carries per-field validation errors."""

    error: str
    details: dict[str, list[dict[str, str]]] | None = None


def application_entity(app: Any) -> Application:
    uris = redirect_uri_list(app)
    return Application(
        id=str(app.id),
        name=app.name,
        website=app.website,
        scopes=app.scopes.split(),
        redirect_uris=uris,
        redirect_uri="\n".join(uris),
    )


def credential_application_entity(app: Any, client_secret: str) -> CredentialApplication:
    return CredentialApplication(
        **msgspec.structs.asdict(application_entity(app)),
        client_id=app.client_id,
        client_secret=client_secret,
    )


def token_entity(token: IssuedToken) -> Token:
    return Token(
        access_token=token.access_token,
        token_type="Bearer",  # noqa: S106 (the token type, not a secret)
        scope=format_scopes(token.scopes),
        created_at=int(token.created_at.timestamp()),
    )


class AuthorizationServerMetadata(msgspec.Struct):
    """RFC 8414 metadata, as Mastodon 4.3 publishes it, so clients discover endpoints."""

    issuer: str
    service_documentation: str
    authorization_endpoint: str
    token_endpoint: str
    app_registration_endpoint: str
    revocation_endpoint: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    response_modes_supported: list[str]
    code_challenge_methods_supported: list[str]
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]


class AuthorizedApp(msgspec.Struct):
    """Roost's own: an app holding a person's live tokens (``/api/roost/v1/authorized_apps``)."""

    id: str
    name: str
    website: str | None
    scopes: list[str]
    created_at: str
    last_authorized_at: str


def authorized_app_entity(app: AuthorizedAppRow) -> AuthorizedApp:
    return AuthorizedApp(
        id=str(app.id),
        name=app.name,
        website=app.website,
        scopes=format_scopes(app.scopes).split(),
        created_at=iso(app.created_at),
        last_authorized_at=iso(app.last_authorized_at),
    )
