"""The release model's rules without a database: what can never be released, the comment guard, the rate key."""

from __future__ import annotations

import pytest

from data_access.db.models import Base, PlanRelease
from data_access.domain.errors import ValidationError
from data_access.domain.public import (
    NEVER_RELEASED,
    PART_COLUMNS,
    PARTS,
    PUBLIC_ARENA_SCHEMA,
    PUBLIC_CHANGE_SCHEMA,
    PUBLIC_COMMENT_SCHEMA,
    PUBLIC_INDICATOR_SCHEMA,
    PUBLIC_TILTAK_SCHEMA,
    PUBLIC_VALUE_SCHEMA,
    ReleaseSettings,
    clean_comment,
)
from data_access.writes.public import rate_key

INTERNAL_COLUMNS = {"status_note", "next_step", "updated_by", "username", "note", "minutes_md", "email",
                    "responsible_person", "last_error", "moderated_by", "password_hash", "oidc_subject"}


def test_every_never_released_field_is_a_real_column() -> None:
    tables = Base.metadata.tables
    for name in NEVER_RELEASED:
        table, column = name.split(" ")[0].split(".")
        assert column in tables[table].c, name


def test_the_administrator_reads_every_never_released_field_in_words() -> None:
    from data_access.domain.public import NEVER_RELEASED_WORDS

    assert NEVER_RELEASED_WORDS.keys() == NEVER_RELEASED.keys()
    assert not any("_" in words or "." in words for words in NEVER_RELEASED_WORDS.values())


@pytest.mark.parametrize("schema", [PUBLIC_TILTAK_SCHEMA, PUBLIC_ARENA_SCHEMA, PUBLIC_INDICATOR_SCHEMA,
                                    PUBLIC_VALUE_SCHEMA, PUBLIC_CHANGE_SCHEMA, PUBLIC_COMMENT_SCHEMA])
def test_no_released_frame_has_an_internal_column(schema: dict) -> None:
    assert not INTERNAL_COLUMNS & set(schema)


def test_every_part_has_its_switch_and_nothing_is_released_by_default() -> None:
    assert set(PART_COLUMNS) == set(PARTS)
    columns = PlanRelease.__table__.c
    for column in [*PART_COLUMNS.values(), "is_public"]:
        assert column in columns and str(columns[column].server_default.arg) in {"false", "0"}
    assert not ReleaseSettings(1).shows("indicators")
    assert not ReleaseSettings(1, is_public=False, parts=frozenset({"indicators"})).shows("indicators")
    assert ReleaseSettings(1, is_public=True, parts=frozenset({"indicators"})).shows("indicators")


def test_a_comment_passes_the_same_guard_as_every_field() -> None:
    assert clean_comment("  Bra tiltak!  ") == "Bra tiltak!"
    for bad in ("", "   ", "x" * 1001, "Gjelder 010100 12356", "Gjelder 01010012356"):
        with pytest.raises(ValidationError):
            clean_comment(bad)


def test_the_rate_key_hides_the_address_and_groups_an_ipv6_household() -> None:
    key = rate_key("203.0.113.7")
    assert key.startswith("kommentar:") and "203" not in key and len(key) <= 100
    assert rate_key("203.0.113.7") != rate_key("203.0.113.8")
    assert rate_key("2001:db8:1:2::1") == rate_key("2001:db8:1:2:ffff::9")
    assert rate_key("2001:db8:1:2::1") != rate_key("2001:db8:1:3::1")
    assert rate_key(None) == rate_key("ikke en adresse")
