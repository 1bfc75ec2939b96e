"""The role matrix: every write permission is held only by the roles that need it."""

import pytest

from data_access.domain.permissions import GRANTS, Actor, Permission, can, require


def test_reader_may_write_nothing():
    assert GRANTS["leser"] == frozenset()
    for permission in Permission:
        with pytest.raises(PermissionError, match="har ikke tilgang"):
            require(Actor("leder", "leser"), permission)


@pytest.mark.parametrize("role, allowed", [
    ("redaktor", {Permission.EDIT_TILTAK, Permission.EDIT_INDICATORS, Permission.RUN_GROUP_MEETING,
                  Permission.EDIT_CONTACTS, Permission.MODERATE_COMMENTS}),
    ("planlegger", {Permission.EDIT_ARENAS}),
    ("offentlig", {Permission.PUBLIC_COMMENT}),  # the anonymous visitor of the public page, never a user's role
    ("admin", set(Permission)),
])
def test_roles(role, allowed):
    actor = Actor("x", role)
    assert {p for p in Permission if can(actor, p)} == allowed


def test_unknown_role_and_anonymous_are_refused():
    assert not can(Actor("x", "sjef"), Permission.EDIT_TILTAK)
    with pytest.raises(PermissionError):
        require(None, Permission.EDIT_TILTAK)
