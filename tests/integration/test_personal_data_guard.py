"""Every write of free text refuses an identity number, however it is spelled, and saves nothing (both backends)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, select

from data_access.db.engine import session_scope
from data_access.db.models import Base
from data_access.domain.meetings import MeetingUpdate
from data_access.domain.permissions import Actor
from data_access.domain.validation import ValidationError
from data_access.reads.arenas import arenas_frame
from data_access.reads.indicators import indicators_frame
from data_access.reads.plans import plans_frame
from data_access.writes.arenas import create_arena, update_arena
from data_access.writes.group_meetings import end_meeting, start_meeting
from data_access.writes.indicators import create_indicator, set_value, update_indicator
from data_access.writes.meetings import add_meeting, update_meeting
from data_access.writes.plans import create_plan
from data_access.writes.users import add_user

ADMIN = Actor("admin", "admin")
NUMBER = "151086-95088"  # a dash between the groups: let through before
SPELLINGS = [NUMBER, "15.10.86.950.88", "151086\u200b95088", "１５１０８６ ９５０８８"]


def _counts(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _stange(engine):
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    arena = arenas_frame(engine, plan_id).row(0, named=True)
    indicator = indicators_frame(engine, plan_id).row(0, named=True)
    return plan_id, arena, indicator


def _writes(engine):
    plan_id, arena, ind = _stange(engine)
    base = {"name": "Plan 2026–2029", "kommune": "Hamar"}
    return [
        ("Navn på planen", lambda t: create_plan(engine, ADMIN, name=f"Plan {t}", kommune="Hamar")),
        ("Kommune", lambda t: create_plan(engine, ADMIN, name="Plan", kommune=f"Hamar {t}")),
        ("Kilde", lambda t: create_plan(engine, ADMIN, **base, source=f"Vedtatt {t}")),
        ("Navn på gult nivå", lambda t: create_plan(engine, ADMIN, **base, level_labels={"selektiv": t})),
        ("Beskyttelsesfaktor", lambda t: create_plan(engine, ADMIN, **base, protective_factors=["Venn", t])),
        ("Navn", lambda t: add_user(engine, ADMIN, username="kari", name=f"Kari {t}", role="leser",
                                    password="langt-passord")),
        ("Brukernavn", lambda t: add_user(engine, ADMIN, username=t.replace("\u200b", ""), name="Kari",
                                          role="leser", password="langt-passord")),
        ("E-post", lambda t: add_user(engine, ADMIN, username="kari", name="Kari", role="leser",
                                      email=f"{t}@kommune.no", password="langt-passord")),
        ("Deltakere", lambda t: start_meeting(engine, ADMIN, plan_id, date(2026, 3, 2), f"Kari, {t}")),
        ("Navn", lambda t: create_indicator(engine, ADMIN, plan_id, name=f"Andel {t}")),
        ("Beskrivelse", lambda t: update_indicator(engine, ADMIN, ind["id"], {"description": t},
                                                   version=ind["version"])),
        ("Kilde", lambda t: update_indicator(engine, ADMIN, ind["id"], {"source": t}, version=ind["version"])),
        ("Kilde", lambda t: set_value(engine, ADMIN, ind["id"], period="2024", geo="kommune", value=1.0,
                                      source=t, version=0)),
        ("Navn", lambda t: create_arena(engine, ADMIN, plan_id, name=f"Team {t}", level="tjeneste")),
        ("Hyppighet", lambda t: update_arena(engine, ADMIN, arena["id"], arena["version"],
                                             {"frequency_text": t})),
        ("Notat", lambda t: add_meeting(engine, ADMIN, arena["id"], date(2026, 3, 3), note=t)),
        ("Notat", lambda t: update_meeting(engine, ADMIN, MeetingUpdate(arena["id"], date(2026, 3, 4), 0,
                                                                        note=t))),
    ]


def test_every_free_text_write_refuses_every_spelling(demo_engine):
    before = _counts(demo_engine)
    for field, write in _writes(demo_engine):
        for spelling in SPELLINGS:
            with pytest.raises(ValidationError) as err:
                write(spelling)
            assert f"«{field}»" in str(err.value) and "fødselsnummer" in str(err.value)
    assert _counts(demo_engine) == before, "nothing was saved"


def test_minutes_summary_refuses_a_number(demo_engine):
    plan_id, _, _ = _stange(demo_engine)
    meeting_id = start_meeting(demo_engine, ADMIN, plan_id, date(2026, 3, 2), "Kari, Ola")
    with pytest.raises(ValidationError, match="«Oppsummering»"):
        end_meeting(demo_engine, ADMIN, meeting_id, {}, summary=f"Saken om {NUMBER} ble drøftet")


def test_duplicate_protective_factors_get_a_norwegian_message(demo_engine):
    before = _counts(demo_engine)
    with pytest.raises(ValidationError, match="Beskyttelsesfaktoren «god skole» står to ganger"):
        create_plan(demo_engine, ADMIN, name="Plan", kommune="Hamar", protective_factors=["God skole", "god skole "])
    assert _counts(demo_engine) == before


@pytest.mark.parametrize("participants", ["130725, 61354", ["130725", "61354"], ["130725", " 613", "54 "]])
def test_a_number_split_over_list_items_is_refused_and_nothing_saved(demo_engine, participants):
    plan_id, arena, _ = _stange(demo_engine)
    before = _counts(demo_engine)
    with pytest.raises(ValidationError, match="«Deltakere» ser ut til å inneholde et fødselsnummer"):
        create_arena(demo_engine, ADMIN, plan_id, name="Ny arena", level="kommune", participants=participants)
    with pytest.raises(ValidationError, match="fødselsnummer"):
        update_arena(demo_engine, ADMIN, arena["id"], arena["version"], {"participants": participants})
    assert _counts(demo_engine) == before


def test_an_identity_number_in_a_source_code_is_refused_and_nothing_saved(demo_engine):
    from data_access.writes.sources import save_source

    _, _, indicator = _stange(demo_engine)
    before = _counts(demo_engine)
    for definition in ({"table": "12944", "values": {"ContentsCode": "EUskalaSeksti", "Alder": "15108695088"}},
                       {"table": "12944", "values": {"ContentsCode": "151086", "Alder": "95088"}}):
        with pytest.raises(ValidationError, match="«Kildedefinisjonen» ser ut til å inneholde et fødselsnummer"):
            save_source(demo_engine, ADMIN, indicator["id"], "ssb", definition)
    assert _counts(demo_engine) == before
