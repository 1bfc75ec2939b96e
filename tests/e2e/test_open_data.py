"""``laget run`` serves /apne-data/ beside the app from the real Streamlit server (fails if an upgrade of
Streamlit stops the routes from being added), with no login, and 404 for a plan that is not released."""

import io
import urllib.error
import urllib.request

import polars as pl

from data_access.db.engine import make_engine
from data_access.domain.permissions import Actor
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import tiltak_frame
from data_access.writes.public import set_release
from tests.e2e.conftest import free_port, laget_run


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:  # not listening yet
        return 0, b""


def test_laget_run_serves_released_open_data(templates, tmp_path):
    db_url = templates.sqlite_copy("demo", tmp_path / "open.db")
    engine = make_engine(db_url)
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    set_release(engine, Actor("admin", "admin"), plan_id, is_public=True, parts=set(), seen_version=0)
    count = tiltak_frame(engine, plan_id).height
    engine.dispose()
    with laget_run(db_url, tmp_path, free_port(), tmp_path / "run.log") as running:
        url = running.url
        status, body = _get(f"{url}/apne-data/stange-2023-2026/tiltak.csv")
        assert status == 200, body
        assert pl.read_csv(io.BytesIO(body)).height == count
        status, body = _get(f"{url}/apne-data/stange-2023-2026/dcat.jsonld")
        assert status == 200 and b"dcat:Dataset" in body
        assert _get(f"{url}/apne-data/bamble/tiltak.csv")[0] == 404
        assert _get(f"{url}/apne-data/katalog.jsonld")[0] == 200
        assert _get(f"{url}/_stcore/health")[0] == 200  # Streamlit's own routes are still there


def test_the_first_request_to_a_brand_new_database_is_answered(tmp_path):
    """Before, /apne-data/ on a new SQLite file answered 503 (no tables) until someone had opened a page."""
    db_url = f"sqlite:///{tmp_path / 'new.db'}"
    with laget_run(db_url, tmp_path, free_port(), tmp_path / "run.log", {"LAGET_LOAD_DEMO": "1"}) as running:
        status, body = _get(f"{running.url}/apne-data/katalog.jsonld")
        assert status == 200, body
        assert b"dcat:Catalog" in body
        assert _get(f"{running.url}/apne-data/stange-2023-2026/tiltak.csv")[0] == 404  # the demo is not released
    assert "Traceback" not in (tmp_path / "run.log").read_text()
