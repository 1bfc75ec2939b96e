"""PostgreSQL stops while people use Laget: pages show a Norwegian message instead of a traceback, the form
the user was filling in keeps its text, and everything works again once the server is back — by itself.

Uses a private throw-away PostgreSQL cluster; the shared server is never stopped."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from dashboard.login_state import SESSION_KEY
from data_access.db.demo import load_demo
from data_access.db.engine import make_engine, upgrade
from tests.app.conftest import APP, session_token, texts
from tests.private_postgres import private_postgres

DOWN = "Databasen er ikke tilgjengelig"


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(str(Path("..") / "pages" / f"{page}.py"))
    return at.run()


def test_postgres_down_on_page_change_and_save_then_back(monkeypatch):
    with private_postgres() as cluster:
        admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE laget"))
        admin.dispose()
        url = cluster.url("laget")
        engine = make_engine(url)
        upgrade(engine)
        load_demo(engine)
        engine.dispose()
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("LAGET_LOGIN_DELAY", "0")
        monkeypatch.delenv("LAGET_COOKIE_KEY", raising=False)

        at = AppTest.from_file(str(APP), default_timeout=60)
        at.session_state[SESSION_KEY] = session_token(url, "redaktor")
        at.run()
        _page(at, "tiltak")
        assert not at.exception and "Tiltak i detalj" in texts(at)
        form = next(e for e in at.expander if e.label == "Nytt tiltak")
        form.text_input[0].input("Skrevet mens databasen var nede")

        cluster.stop()
        next(b for b in at.button if b.label == "Legg til tiltak").click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert any(e.value.startswith(DOWN) and "Ingenting ble lagret" in e.value for e in at.error)
        assert [w.value for w in at.warning if "Databasen svarer ikke" in w.value], "the page shows what was last read"
        assert len(at.warning) == 1, "one notice, not one per read"
        form = next(e for e in at.expander if e.label == "Nytt tiltak")
        assert form.text_input[0].value == "Skrevet mens databasen var nede", "the unsaved text is still there"

        cluster.start()
        next(b for b in at.button if b.label == "Legg til tiltak").click().run()  # the same form, saved now
        assert not at.exception and not at.error and not at.warning
        with make_engine(url).connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM tiltak WHERE name = 'Skrevet mens databasen var nede'"))\
                .scalar() == 1

        cluster.stop()
        _page(at, "oversikt")  # changing to a page not read before, while the server is down
        assert not at.exception, [e.message for e in at.exception]
        assert any(e.value.startswith(DOWN) for e in at.error)
        assert "Traceback" not in texts(at)

        cluster.start()
        next(b for b in at.button if b.label == "Prøv igjen").click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert not at.error and "Neste møter" in texts(at), "recovered by itself"
