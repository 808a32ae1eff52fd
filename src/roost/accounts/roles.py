"""Who may run the community: owner, admin, moderator, user.

A role is one column on the account, not Mastodon's table of editable roles: a
community needs the four ranks, and a fixed list keeps every permission check a
comparison of ranks. The API still speaks Mastodon's Role entity, so each rank
carries the id, colour and permission bitmask that Mastodon's default roles have
(its seeds: Moderator 1, Admin 2, Owner 3; "everyone" is -99)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from roost.accounts.models import accounts
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.runtime import Runtime

# Mastodon's permission flags (UserRole::FLAGS) that Roost's ranks grant.
ADMINISTRATOR = 1 << 0
VIEW_AUDIT_LOG = 1 << 2
VIEW_DASHBOARD = 1 << 3
MANAGE_REPORTS = 1 << 4
MANAGE_SETTINGS = 1 << 6
MANAGE_TAXONOMIES = 1 << 8
MANAGE_USERS = 1 << 10
MANAGE_INVITES = 1 << 11
MANAGE_RULES = 1 << 12
MANAGE_ANNOUNCEMENTS = 1 << 13
INVITE_USERS = 1 << 16
MANAGE_ROLES = 1 << 17
MANAGE_USER_ACCESS = 1 << 18
DELETE_USER_DATA = 1 << 19

_MODERATE = VIEW_DASHBOARD | VIEW_AUDIT_LOG | MANAGE_USERS | MANAGE_REPORTS | MANAGE_TAXONOMIES
_ADMINISTER = (
    _MODERATE
    | MANAGE_SETTINGS
    | MANAGE_INVITES
    | MANAGE_RULES
    | MANAGE_ANNOUNCEMENTS
    | MANAGE_ROLES
    | MANAGE_USER_ACCESS
    | DELETE_USER_DATA
)


@dataclass(frozen=True)
class RoleSpec:
    """One rank as Mastodon's Role entity shows it. ``rank`` orders the ranks."""

    key: str
    rank: int
    id: str
    name: str
    color: str
    permissions: int
    highlighted: bool


ROLES: dict[str, RoleSpec] = {
    spec.key: spec
    for spec in (
        RoleSpec("user", 0, "-99", "", "", INVITE_USERS, False),
        RoleSpec("moderator", 1, "1", "Moderator", "", INVITE_USERS | _MODERATE, True),
        RoleSpec("admin", 2, "2", "Admin", "", INVITE_USERS | _ADMINISTER, True),
        RoleSpec("owner", 3, "3", "Owner", "", INVITE_USERS | _ADMINISTER | ADMINISTRATOR, True),
    )
}


def role_spec(role: str) -> RoleSpec:
    """The rank of a stored role; an unknown value (never written by Roost) is a user."""
    return ROLES.get(role, ROLES["user"])


def at_least(role: str, minimum: str) -> bool:
    """Whether ``role`` is ``minimum`` or above: moderators moderate, admins also administer."""
    return role_spec(role).rank >= ROLES[minimum].rank


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationFailed(
            f"Role must be one of: {', '.join(sorted(ROLES, key=lambda k: ROLES[k].rank))}",
            field="role",
        )
    return role


def do_set_role(rt: Runtime, username: str, role: str) -> int:
    """Gives the account ``username`` the role; the operator's command (``roost user
    role``) calls it, so there is no acting account to check. Returns the account id."""
    check_role(role)
    with rt.db.write() as tx:
        account_id = tx.conn.scalar(
            update(accounts)
            .where(func.lower(accounts.c.username) == username.lower())
            .values(role=role)
            .returning(accounts.c.id)
        )
    if account_id is None:
        raise NotFound(f"No account @{username}")
    return int(account_id)


def require_permission(rt: Runtime, account_id: int, permission: int) -> None:
    """Refuses (403) unless the account's rank grants ``permission`` (one of the flags
    above: what Mastodon's role would need for the same action)."""
    with rt.db.read() as conn:
        role = conn.scalar(select(accounts.c.role).where(accounts.c.id == account_id))
    if role is None or not role_spec(role).permissions & permission:
        raise Forbidden("This action is not allowed")


def has_permission(role: str, permission: int) -> bool:
    return bool(role_spec(role).permissions & permission)
