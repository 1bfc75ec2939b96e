"""Oversikt answers a leader's question first (issue 20.3): the pyramid in status colours and the indicators that
need attention (worse than last period or than landet), each linking to its page."""

import json

import polars as pl

from data_access.domain.indicator_status import needs_attention
from tests.app.conftest import texts


def _links(at) -> list:
    return list(at.get("page_link"))


def test_front_page_starts_with_status_pyramid_and_worse_indicators(open_page):
    at = open_page("leder", "oversikt")
    headers = [h.value for h in at.header]
    assert headers[:2] == ["Slik går tiltakene", "Indikatorer som trenger oppmerksomhet"], headers
    charts = at.get("vega_lite_chart")
    assert charts, "the pyramid is a chart"
    spec = json.loads(charts[0].proto.spec)
    assert "I gang" in json.dumps(spec) and "#1e6ec8" in json.dumps(spec), "tiers in status colours"
    page = texts(at)
    assert "av 10 indikatorer er verre enn forrige periode eller enn landet" in page
    links = _links(at)
    to_indicators = [link for link in links if "indikator=" in link.proto.query_string]
    assert to_indicators, [link.proto for link in links]
    assert "Verre enn forrige" in page or "Dårligere enn landet" in page
    assert any(link.proto.page.endswith("tiltak") or "tiltak" in link.proto.page for link in links)


def test_a_link_to_one_indicator_opens_its_details(open_page):
    at = open_page("leder", "oversikt")
    link = next(link for link in _links(at) if "indikator=" in link.proto.query_string)
    wanted = dict(part.split("=") for part in link.proto.query_string.split("&"))["indikator"]
    at.query_params["indikator"] = wanted
    at.switch_page("../pages/indikatorer.py").run()
    assert at.selectbox(key="ind_detail").value == int(wanted)


def test_needs_attention_orders_worse_on_both_counts_first():
    table = pl.DataFrame({"id": [1, 2, 3, 4], "Utvikling": ["Bedre enn forrige", "Verre enn forrige",
                                                            "Verre enn forrige", "Uendret"],
                          "Mot landet": ["Bedre enn landet", "Omtrent som landet", "Dårligere enn landet",
                                         "Mangler landstall"]})
    assert needs_attention(table)["id"].to_list() == [3, 2]
