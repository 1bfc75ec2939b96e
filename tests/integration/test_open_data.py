"""Open data at /apne-data/: files of a released plan round-trip through polars with the screen's counts, 404 for
anything not released, and the DCAT-AP-NO description parses and passes the official SHACL shapes."""

import io
import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from config.settings import Settings
from dashboard.open_data_routes import routes
from data_access.domain.permissions import Actor
from data_access.formats.open_data import COLUMNS
from data_access.reads.arenas import arenas_frame
from data_access.reads.plans import plans_frame
from data_access.reads.public import released_plan
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.public import set_release

ADMIN = Actor("admin", "admin")
BASE = "https://laget.example.kommune.no"
SHAPES = Path(__file__).resolve().parents[1] / "fixtures" / "dcat_ap_no" / "DCAT-AP-NO-shacl_shapes_2.00.ttl"
STANGE = "stange-2023-2026"


def _client(url: str, **settings) -> TestClient:
    s = replace(Settings(), database_url=url, base_url=BASE, **settings)
    return TestClient(Starlette(routes=routes(lambda: s)))


def _release(engine, key, parts=("indicators", "arenas")):
    plan_id = plans_frame(engine).filter(pl.col("key") == key)["id"][0]
    set_release(engine, ADMIN, plan_id, is_public=True, parts=set(parts), seen_version=0)
    return plan_id


def test_released_files_round_trip_through_polars_with_the_screens_counts(demo_url, demo_engine):
    plan_id = _release(demo_engine, STANGE)
    client = _client(demo_url)
    shown = released_plan(demo_engine, STANGE)  # what the public page shows
    screen_tiltak = tiltak_frame(demo_engine, plan_id).height  # what the Tiltak page counts
    assert shown.tiltak.height == screen_tiltak == 40

    r = client.get(f"/apne-data/{STANGE}/tiltak.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv; charset=utf-8")
    csv = pl.read_csv(io.BytesIO(r.content))
    assert csv.height == screen_tiltak and csv.columns == list(COLUMNS["tiltak"])
    assert csv["niva"].value_counts().sort("niva").rows() == \
        shown.tiltak["level"].value_counts().sort("level").rows()
    as_json = pl.read_json(io.BytesIO(client.get(f"/apne-data/{STANGE}/tiltak.json").content))
    assert as_json.height == screen_tiltak and as_json["ansvar"].dtype == pl.List(pl.String)
    assert sorted(as_json["navn"].to_list()) == sorted(shown.tiltak["name"].to_list())

    arenas = pl.read_csv(io.BytesIO(client.get(f"/apne-data/{STANGE}/arenaer.csv").content))
    assert arenas.height == arenas_frame(demo_engine, plan_id).height > 0
    assert set(arenas["leder"].fill_null("")) == {""}  # roles are not released

    values = pl.read_csv(io.BytesIO(client.get(f"/apne-data/{STANGE}/indikatorverdier.csv").content),
                         schema_overrides={"periode": pl.String})
    assert values.height == shown.indicator_values.height > 0
    examples = shown.indicator_values["is_example"].sum()
    assert 0 < values.filter(pl.col("eksempeldata"))["merknad"].eq("eksempeldata").sum() == examples
    assert values.filter(~pl.col("eksempeldata") & pl.col("verdi").is_not_null())["kilde"].null_count() == 0
    assert "81.8" in client.get(f"/apne-data/{STANGE}/indikatorverdier.csv").text  # decimal point, machine-readable

    doc = client.get(f"/apne-data/{STANGE}/plan.json").json()
    assert doc["lisens"]["url"] == "https://data.norge.no/nlod/no/2.0" and "NLOD" in doc["lisens"]["navn"]
    assert doc["plan"]["demodata"] is True and "eksempeldata" in doc["merknad"]
    assert doc["plan"]["adresse"] == f"{BASE}/apne-data/{STANGE}/"
    assert len(doc["tiltak"]) == screen_tiltak and len(doc["indikatorverdier"]) == values.height
    assert set(doc["kolonner"]) == {"tiltak", "arenaer", "indikatorverdier"}
    assert pl.DataFrame(doc["tiltak"]).height == screen_tiltak


def test_nothing_is_served_unless_released(demo_url, demo_engine):
    client = _client(demo_url)
    for path in (f"/apne-data/{STANGE}/tiltak.csv", f"/apne-data/{STANGE}/dcat.jsonld", f"/apne-data/{STANGE}/",
                 "/apne-data/bamble/plan.json", "/apne-data/finnes-ikke/tiltak.csv"):
        r = client.get(path)
        assert r.status_code == 404 and "Fant ingen offentlige data" in r.text, path
    _release(demo_engine, "bamble", parts=())
    assert client.get("/apne-data/bamble/tiltak.csv").status_code == 200
    for part in ("arenaer.csv", "indikatorverdier.json", "../tiltak.csv", "tiltak.xlsx"):
        assert client.get(f"/apne-data/bamble/{part}").status_code == 404, part
    assert "arenaer" not in client.get("/apne-data/bamble/plan.json").json()
    catalog = client.get("/apne-data/katalog.jsonld").json()
    assert [d["@id"] for d in catalog["dcat:dataset"]] == [f"{BASE}/apne-data/bamble/"]


def test_dcat_description_has_the_mandatory_properties_and_passes_the_shapes(demo_url, demo_engine):
    rdflib = pytest.importorskip("rdflib")
    _release(demo_engine, STANGE)
    client = _client(demo_url, publisher_orgnr="Stange=964950113", open_data_contact="postmottak@example.no")
    r = client.get(f"/apne-data/{STANGE}/dcat.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    g = rdflib.Graph().parse(data=r.text, format="json-ld")
    DCAT, DCT, FOAF = (rdflib.Namespace(n) for n in ("http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/",
                                                     "http://xmlns.com/foaf/0.1/"))
    RDF = rdflib.RDF
    catalogs = list(g.subjects(RDF.type, DCAT.Catalog))
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    assert len(catalogs) == 1 and len(datasets) == 1
    for node, props in ((catalogs[0], (DCT.title, DCT.description, DCT.publisher, DCT.identifier)),
                        (datasets[0], (DCT.title, DCT.description, DCT.publisher, DCT.identifier, DCAT.theme))):
        for p in props:
            assert g.value(node, p) is not None, (node, p)
    publisher = g.value(datasets[0], DCT.publisher)
    assert str(publisher).endswith("/organizations/964950113") and str(g.value(publisher, DCT.identifier)) == \
        "964950113" and "Stange kommune" in str(g.value(publisher, FOAF.name))
    distributions = list(g.objects(datasets[0], DCAT.distribution))
    urls = {str(g.value(d, DCAT.accessURL)) for d in distributions}
    assert f"{BASE}/apne-data/{STANGE}/tiltak.csv" in urls and len(urls) == 7  # plan.json + 3 tables × 2
    for d in distributions:
        assert str(g.value(d, DCT.license)).endswith("/licence/NLOD_2_0")
        path = str(g.value(d, DCAT.accessURL))[len(BASE):]
        assert client.get(path).status_code == 200, path  # every distribution the description lists is there

    pyshacl = pytest.importorskip("pyshacl")
    conforms, _, report = pyshacl.validate(g, shacl_graph=rdflib.Graph().parse(SHAPES, format="turtle"),
                                           inference="none")
    assert conforms, report


def test_without_an_orgnr_the_publisher_is_named_but_not_numbered(demo_url, demo_engine):
    _release(demo_engine, "bamble", parts=())
    doc = _client(demo_url, publisher_orgnr="Stange=964950113").get("/apne-data/bamble/dcat.jsonld").json()
    publisher = doc["dcat:dataset"][0]["dct:publisher"]
    assert publisher["foaf:name"]["@value"] == "Bamble kommune" and "dct:identifier" not in publisher
    assert json.dumps(doc, ensure_ascii=False).count("964950113") == 0


def test_internal_fields_never_reach_the_files(demo_url, demo_engine):
    from sqlalchemy import update

    from data_access.db.engine import session_scope
    from data_access.db.models import Arena, Tiltak

    plan_id = _release(demo_engine, STANGE)
    with session_scope(demo_engine) as s:
        s.execute(update(Tiltak).where(Tiltak.plan_id == plan_id).values(
            status_note="INTERN-NOTAT", next_step="INTERN-STEG", updated_by="INTERN-BRUKER"))
        s.execute(update(Arena).where(Arena.plan_id == plan_id).values(leader="INTERN-LEDER"))
    client = _client(demo_url)
    names = ["plan.json", "dcat.jsonld", ""] + [f"{t}.{e}" for t in COLUMNS for e in ("csv", "json")]
    for name in names:
        body = client.get(f"/apne-data/{STANGE}/{name}").text
        assert "INTERN-" not in body, name
    assert "INTERN-" not in client.get("/apne-data/katalog.jsonld").text
