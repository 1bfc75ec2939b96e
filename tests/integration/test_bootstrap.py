"""First start: migrate and seed an empty database; refuse unsafe settings with Norwegian messages."""

import pytest

from config.settings import load_settings
from dashboard.cli import main
from data_access.db.bootstrap import ConfigurationError, cookie_key, prepare_database
from data_access.db.demo import is_demo_database
from data_access.db.engine import DatabaseUnavailable, get_engine
from data_access.domain.users import SYSTEM
from data_access.reads.users import users_frame, verify
from data_access.writes.users import add_user


def test_first_start_creates_and_fills_sqlite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.database_url == f"sqlite:///{tmp_path}/data/laget.db"
    engine = prepare_database(settings)
    assert (tmp_path / "data" / "laget.db").exists()
    assert is_demo_database(engine)
    assert cookie_key(settings, engine)  # demo database: a demo key is fine
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_real_database_refuses_missing_or_default_cookie_key(empty_url):
    settings = load_settings(env={"DATABASE_URL": empty_url, "LAGET_LOAD_DEMO": "0"})
    engine = prepare_database(settings)
    add_user(engine, SYSTEM, username="kari", name="Kari", role="admin", password="hemmelig-1")
    with pytest.raises(ConfigurationError, match="LAGET_COOKIE_KEY"):
        cookie_key(settings, engine)
    default = load_settings(env={"DATABASE_URL": empty_url, "LAGET_COOKIE_KEY": "some_key"})
    with pytest.raises(ConfigurationError):
        cookie_key(default, engine)
    good = load_settings(env={"DATABASE_URL": empty_url, "LAGET_COOKIE_KEY": "x" * 40})
    assert cookie_key(good, engine) == "x" * 40


def test_unreachable_database_names_the_setting(capsys, monkeypatch):
    url = "postgresql+psycopg://laget:hemmelig@127.0.0.1:1/finnesikke"
    with pytest.raises(DatabaseUnavailable) as err:
        prepare_database(load_settings(env={"DATABASE_URL": url}))
    assert "DATABASE_URL" in str(err.value) and "hemmelig" not in str(err.value)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 2
    assert "Får ikke kontakt med databasen i innstillingen DATABASE_URL" in capsys.readouterr().err


def test_cli_adds_user_and_loads_demo(empty_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", empty_url)
    monkeypatch.setenv("NEW_PW", "hemmelig-1")
    assert main(["user", "add", "kari", "--name", "Kari", "--role", "redaktor", "--password-env", "NEW_PW"]) == 0
    assert main(["user", "add", "kari", "--name", "Kari", "--role", "redaktor", "--password-env", "NEW_PW"]) == 1
    assert "finnes allerede" in capsys.readouterr().err
    assert main(["demo", "load"]) == 1, "a real database never gets the demo users"
    assert "ikke en demodatabase" in capsys.readouterr().err
    assert main(["demo", "load", "--plans-only"]) == 0
    assert main(["demo", "load", "--plans-only"]) == 0
    assert "allerede" in capsys.readouterr().out
    engine = get_engine(empty_url)
    assert not is_demo_database(engine)
    assert verify(engine, "admin", "laget-demo") is None
    assert set(users_frame(engine)["username"]) == {"kari"}
    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Brukernavn", "Navn", "Rolle", "Aktiv", "Innlogging", "Mislykket", "siste", "døgn"]
    assert out[1].split()[:4] == ["kari", "Kari", "redaktor", "ja"] and "passord" in out[1]


def test_demo_load_into_an_empty_database_makes_a_demo(empty_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", empty_url)
    assert main(["demo", "load"]) == 0
    engine = get_engine(empty_url)
    assert is_demo_database(engine) and verify(engine, "admin", "laget-demo")
    assert main(["demo", "load"]) == 0, "a demo database can be topped up"


def test_plans_only_keeps_an_empty_database_real(empty_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_url)
    assert main(["demo", "load", "--plans-only"]) == 0
    engine = get_engine(empty_url)
    assert not is_demo_database(engine)
    assert users_frame(engine).is_empty()
    with pytest.raises(ConfigurationError):
        cookie_key(load_settings(env={"DATABASE_URL": empty_url}), engine)


def test_short_cookie_key_is_refused_outside_a_demo(empty_url, demo_url):
    settings = load_settings(env={"DATABASE_URL": empty_url, "LAGET_LOAD_DEMO": "0", "LAGET_COOKIE_KEY": "k"})
    engine = prepare_database(settings)
    with pytest.raises(ConfigurationError, match="for kort .1 tegn, minst 32"):
        cookie_key(settings, engine)
    almost = load_settings(env={"DATABASE_URL": empty_url, "LAGET_COOKIE_KEY": "x" * 31})
    with pytest.raises(ConfigurationError):
        cookie_key(almost, engine)
    demo = load_settings(env={"DATABASE_URL": demo_url, "LAGET_COOKIE_KEY": "k"})
    assert cookie_key(demo, get_engine(demo_url)) == "k"


def test_cli_run_passes_streamlit_flags(monkeypatch):
    import streamlit.web.cli as stcli

    seen = {}
    monkeypatch.setattr(stcli, "main", lambda: seen.setdefault("argv", list(__import__("sys").argv)) and 0)
    main(["run", "--server.port", "8600"])
    assert seen["argv"][1:2] == ["run"] and seen["argv"][-2:] == ["--server.port", "8600"]
    with pytest.raises(SystemExit):
        main(["db", "upgrade", "--server.port", "1"])
