"""The navigation bar: what each role finds in the menu."""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from clauses.models import Role


class NavItem(NamedTuple):
    endpoint: str
    label: str
    roles: tuple[Role, ...]


ALL = tuple(Role)
TEAM = (Role.ADMIN, Role.FACILITATOR)

NAV: tuple[NavItem, ...] = (
    NavItem("dashboard.home", _l("Home"), ALL),
    NavItem("contracts.index", _l("Contracts"), ALL),
    NavItem("participants.index", _l("Participants"), (*TEAM, Role.CONTRACTOR)),
    NavItem("imports.index", _l("Hour sheets"), (*TEAM, Role.CONTRACTOR)),
    NavItem("reminders.index", _l("Reminders"), TEAM),
    NavItem("admin.users", _l("Administration"), (Role.ADMIN,)),
)


def items_for(role: Role) -> list[NavItem]:
    return [item for item in NAV if role in item.roles]
