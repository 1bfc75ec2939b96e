"""Dekningskart page: names the empty cells of the Bamble demo in words; tagging in the page and the agenda walk."""

import polars as pl

from data_access.db.engine import get_engine
from data_access.domain.coverage import GAP_TEXT
from data_access.reads.coverage import coverage_map
from data_access.reads.plans import plans_frame
from tests.app.conftest import texts


def _plan_id(url, key):
    return plans_frame(get_engine(url)).filter(pl.col("key") == key)["id"][0]


def test_bamble_map_names_its_gaps_in_words(open_page):
    at = open_page("leder", "dekning", plan_key="bamble")
    shown = texts(at)
    assert "24 av 45 ruter har ingen tiltak." in shown
    assert f"Rusmiddelbruk – Alle barn: {GAP_TEXT}" in shown
    assert f"Levekårsutfordringer – Særlig utsatt: {GAP_TEXT}" in shown
    assert "God foreldreomsorg – " not in shown  # filed on every level in Bamble's plan
    html = "\n".join(h.proto.body for h in at.get("html"))
    assert GAP_TEXT in html and "Trygghetssirkelen (COS-P) for småbarnsforeldre" in html
    assert not [e for e in at.expander if e.label == "Endre faktorlista"]  # a reader cannot edit


def test_editor_tags_a_stange_tiltak_on_the_page(open_page, app_env):
    at = open_page("redaktor", "dekning")
    assert "standardlista" in texts(at) and "45 av 45 ruter" in texts(at)
    tags = next(m for m in at.multiselect if m.label.startswith("Faktorer tiltaket virker på"))
    tags.set_value(["Levekårsutfordringer"])
    next(b for b in at.button if b.label == "Lagre faktorene").click().run()
    assert not at.exception
    assert "44 av 45 ruter" in texts(at)
    cmap = coverage_map(get_engine(app_env), _plan_id(app_env, "stange-2023-2026"))
    assert sum(not c.is_gap for c in cmap.cells if c.factor.name == "Levekårsutfordringer") == 1


def test_editor_tags_in_the_agenda_walk(open_page, app_env):
    at = open_page("redaktor", "motemodus")
    at.text_area[0].input("SLT, PPT, skole, NAV")
    next(b for b in at.button if b.label == "Start møtet").click().run()
    tags = next(m for m in at.multiselect if m.label.startswith("Faktorer tiltaket virker på"))
    tags.set_value(["Rusmiddelbruk"])
    next(b for b in at.button if b.label == "Lagre faktorene").click().run()
    assert not at.exception
    cmap = coverage_map(get_engine(app_env), _plan_id(app_env, "stange-2023-2026"))
    assert [c.level for c in cmap.cells if c.factor.name == "Rusmiddelbruk" and not c.is_gap]


def test_rapport_previews_the_map_and_links_the_open_data_once_released(open_page, app_env):
    from data_access.domain.permissions import Actor
    from data_access.writes.public import set_release

    at = open_page("leder", "rapport", plan_key="bamble")
    html = "\n".join(h.proto.body for h in at.get("html"))
    assert "Hull: Rusmiddelbruk – Alle barn" in html and "24 av 45 ruter uten tiltak" in html
    assert "når en administrator gjør den offentlig" in texts(at)
    set_release(get_engine(app_env), Actor("admin", "admin"), _plan_id(app_env, "bamble"), is_public=True,
                parts=set(), seen_version=0)
    at.run()
    assert "/apne-data/bamble/tiltak.csv" in texts(at) and "(NLOD) 2.0" in texts(at)


def test_the_public_page_links_its_open_data(app_env):
    from data_access.writes.public import set_release
    from tests.app.test_public_page import ADMIN, _public

    set_release(get_engine(app_env), ADMIN, _plan_id(app_env, "bamble"), is_public=True, parts=set(),
                seen_version=0)
    at = _public(app_env, "bamble")
    assert "Åpne data" in texts(at) and "/apne-data/bamble/tiltak.csv" in texts(at)
