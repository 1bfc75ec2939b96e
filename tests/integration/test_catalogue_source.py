"""Issue 20.5 on SQLite and PostgreSQL: a source saved from the catalogue carries its unit and direction, for the
plan's kommune with the plan's codes and for another kommune with its own."""

from sqlalchemy import select

from data_access.db.engine import session_scope
from data_access.db.models import Indicator, IndicatorSource
from data_access.domain.catalogue import definition, entry
from data_access.domain.permissions import Actor
from data_access.writes.sources import save_source

KARI = Actor("redaktor", "redaktor")


def _indicator(engine, key: str) -> Indicator:
    with session_scope(engine) as s:
        ind = s.scalar(select(Indicator).where(Indicator.key == key))
        s.expunge(ind)
        return ind


def test_catalogue_entry_sets_unit_and_direction(demo_engine):
    ind = _indicator(demo_engine, "gjennomforing_vgs")
    assert (ind.unit, ind.better) == ("percent", "higher")
    e = entry("ssb-12944-antall")
    assert save_source(demo_engine, KARI, ind.id, e.kind, definition(e, "4012", ["3413", "0417"]), better=e.better)
    after = _indicator(demo_engine, "gjennomforing_vgs")
    assert (after.unit, after.better) == ("count", "lower")
    with session_scope(demo_engine) as s:
        src = s.get(IndicatorSource, ind.id)
        assert src.definition["regions"] == {"kommune": ["4012"], "land": ["0"]}
        assert src.definition["values"] == {"Alder": "00-17", "ContentsCode": "PersonerSeksti"}
    # the same again changes nothing
    assert not save_source(demo_engine, KARI, ind.id, e.kind, definition(e, "4012", ["3413"]), better=e.better)
