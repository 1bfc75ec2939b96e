"""The field specs: one max length per text field that the database columns can hold, and clean() collecting
every error with a Norwegian message naming the field."""

from datetime import date

import pytest
from sqlalchemy import String

from data_access.db.models import (
    Arena,
    GroupMeeting,
    Indicator,
    IndicatorValue,
    Level,
    Meeting,
    Plan,
    ProtectiveFactor,
    Service,
    Tiltak,
    User,
)
from data_access.domain import fields
from data_access.domain.errors import ValidationError

COLUMNS = {
    ("tiltak", "services"): Service.name, ("plan", "level_label"): Level.label,
    ("plan", "protective_factor"): ProtectiveFactor.name, ("arena", "participants"): None,
    ("group_meeting", "summary"): GroupMeeting.minutes_md,
}
MODELS = {"tiltak": Tiltak, "arena": Arena, "meeting": Meeting, "group_meeting": GroupMeeting,
          "indicator": Indicator, "indicator_value": IndicatorValue, "user": User, "plan": Plan}
SPECS = [fields.TILTAK, fields.ARENA, fields.MEETING, fields.GROUP_MEETING, fields.INDICATOR,
         fields.INDICATOR_VALUE, fields.USER, fields.PLAN]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.entity)
def test_every_text_limit_fits_its_column(spec):
    for name, field in spec.fields.items():
        if field.kind not in {"text", "list"}:
            continue
        assert field.max_length, f"{spec.entity}.{name} has no max length"
        column = COLUMNS.get((spec.entity, name), getattr(MODELS[spec.entity], name, None))
        if column is None:
            continue
        col_type = column.property.columns[0].type
        if isinstance(col_type, String) and col_type.length:
            assert field.max_length <= col_type.length, f"{spec.entity}.{name}: {field.max_length} > column"


def test_clean_collects_every_error_and_names_the_field():
    values, errors = fields.ARENA.clean({"name": " ", "purpose": "x" * 2001, "start_date": "31.02.2026",
                                         "leader": "Rektor"})
    assert values == {"leader": "Rektor"}
    assert [e.field for e in errors] == ["name", "purpose", "start_date"]
    assert errors[0].message == "«Navn» må fylles ut."
    assert "høyst 2000 tegn" in errors[1].message


def test_clean_or_raise_raises_one_error_for_all():
    with pytest.raises(ValidationError) as err:
        fields.TILTAK.clean_or_raise({"name": "", "status_note": "Gjelder 01010012356"}, parsers={})
    assert len(err.value.errors) == 2 and "2 felt må rettes" in str(err.value)


@pytest.mark.parametrize("raw, expected", [("5,1", 5.1), ("1 000", 1000.0), (" 2.5 ", 2.5), ("", None), (3, 3.0)])
def test_numbers_accept_norwegian_spelling(raw, expected):
    assert fields.INDICATOR.clean_or_raise({"target_value": raw})["target_value"] == expected


def test_dates_and_unknown_fields():
    assert fields.MEETING.clean_or_raise({"date": "03.02.2026"}) == {"date": date(2026, 2, 3)}
    with pytest.raises(ValidationError, match="kan ikke endres"):
        fields.MEETING.clean_or_raise({"secret": 1})
