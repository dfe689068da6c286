"""The navigation bar: each entry shows to those its pages let in."""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from clauses.access import policy
from clauses.access.web import Permission


class NavItem(NamedTuple):
    endpoint: str
    label: str
    permission: Permission | None  # None: every signed-in user


NAV: tuple[NavItem, ...] = (
    NavItem("dashboard.home", _l("Home"), None),
    NavItem("candidates.sites", _l("Where to send"), policy.can_see_candidates),
    NavItem("contracts.index", _l("Contracts"), None),
    NavItem("participants.index", _l("Participants"), policy.can_see_participants),
    NavItem("placements.index", _l("Placements"), policy.can_follow_placements),
    NavItem("imports.index", _l("Hour sheets"), policy.can_upload),
    NavItem("reminders.index", _l("Reminders"), policy.can_send_reminders),
    NavItem("admin.users", _l("Administration"), policy.can_administer),
)


def items_for(who: policy.Who) -> list[NavItem]:
    return [item for item in NAV if item.permission is None or item.permission(who)]
