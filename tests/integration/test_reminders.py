"""`laget reminders` against a real SMTP server (aiosmtpd) started in the test, on both backends."""

import asyncio
import socket
import threading
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default

import polars as pl
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from config.settings import load_settings
from dashboard.cli import main
from data_access.db.engine import make_engine, session_scope
from data_access.db.models import SentReminder, Service
from data_access.domain.permissions import Actor
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import overdue, tiltak_frame
from data_access.writes.actions import add_action
from data_access.writes.contacts import set_contact
from data_access.writes.reminders import ReminderError, collect, send_reminders

KARI = Actor("redaktor", "redaktor", "Kari")
TODAY = date.today()


class Keep:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


@pytest.fixture
def smtp():
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(port: int, url: str = "sqlite://"):
    return load_settings({"DATABASE_URL": url, "LAGET_SMTP_HOST": "127.0.0.1", "LAGET_SMTP_PORT": str(port),
                          "LAGET_SMTP_FROM": "laget@stange.kommune.no", "LAGET_SMTP_STARTTLS": "0",
                          "LAGET_BASE_URL": "https://laget.stange.kommune.no/"})


def _setup(engine):
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    late = overdue(tiltak_frame(engine, plan_id), TODAY)
    ppt = late.filter(pl.col("services").list.contains("PPT"))
    assert ppt.height, "the demo has overdue PPT tiltak"
    set_contact(engine, KARI, service="PPT", name="Per Hansen", email="per.hansen@stange.kommune.no")
    own = late.filter(~pl.col("services").list.contains("PPT")).row(0, named=True)
    set_contact(engine, KARI, tiltak_id=own["id"], name="Eva Li", email="eva.li@stange.kommune.no")
    add_action(engine, KARI, plan_id, text="Avklare veien videre", service="PPT",
               deadline=TODAY - timedelta(days=3))
    add_action(engine, KARI, plan_id, text="Ikke forsinket ennå", service="PPT", deadline=TODAY + timedelta(days=3))
    return plan_id, ppt, own


def _sent_count(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(SentReminder))


def test_each_contact_gets_one_mail_with_links_and_never_twice_a_day(demo_engine, smtp):
    controller, handler = smtp
    plan_id, ppt, own = _setup(demo_engine)
    settings = _settings(controller.port)
    result = send_reminders(demo_engine, settings, TODAY)
    assert sorted(result.sent) == ["eva.li@stange.kommune.no", "per.hansen@stange.kommune.no"]
    assert len(handler.messages) == 2
    by_rcpt = {rcpt[0]: msg for rcpt, msg in handler.messages}
    per = by_rcpt["per.hansen@stange.kommune.no"]
    body = per.get_content()
    assert per["From"] == "laget@stange.kommune.no" and "forsinket" in per["Subject"]
    assert per.get_content_type() == "text/plain" and per.get_content_charset() == "utf-8"
    for name in ppt["name"]:
        assert name in body
    assert "Avklare veien videre" in body and "Ikke forsinket ennå" not in body
    assert f"https://laget.stange.kommune.no/tiltak?plan=stange-2023-2026&tiltak={ppt['id'][0]}" in body
    assert "https://laget.stange.kommune.no/tjenester?plan=stange-2023-2026&tjeneste=PPT" in body
    eva = by_rcpt["eva.li@stange.kommune.no"].get_content()
    assert own["name"] in eva and "Avklare" not in eva
    assert _sent_count(demo_engine) == 2
    again = send_reminders(demo_engine, settings, TODAY)  # the cron runs again the same day
    assert again.sent == [] and len(again.skipped) == 2 and len(handler.messages) == 2
    tomorrow = send_reminders(demo_engine, settings, TODAY + timedelta(days=1))
    assert len(tomorrow.sent) == 2 and len(handler.messages) == 4


def test_unreachable_server_fails_clearly_and_marks_nothing(demo_engine):
    _setup(demo_engine)
    with pytest.raises(ReminderError, match="Får ikke kontakt med e-posttjeneren 127.0.0.1") as raised:
        send_reminders(demo_engine, _settings(_free_port()), TODAY)
    assert "tjeneren avviste tilkoblingen" in str(raised.value) and "Error" not in str(raised.value)
    assert _sent_count(demo_engine) == 0


def test_cli_dry_run_prints_and_unreachable_gives_nonzero_exit(demo_engine, demo_url, monkeypatch, capsys, smtp):
    _setup(demo_engine)
    controller, handler = smtp
    for key, value in {"DATABASE_URL": demo_url, "LAGET_SMTP_HOST": "127.0.0.1", "LAGET_SMTP_STARTTLS": "0",
                       "LAGET_SMTP_FROM": "laget@stange.kommune.no", "LAGET_BASE_URL": "https://x.no"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("LAGET_SMTP_PORT", str(controller.port))
    assert main(["reminders", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "To: per.hansen@stange.kommune.no" in out and "ville blitt sendt: 2" in out
    assert handler.messages == [] and _sent_count(demo_engine) == 0
    monkeypatch.setenv("LAGET_SMTP_PORT", str(_free_port()))
    assert main(["reminders"]) == 3
    assert "Får ikke kontakt med e-posttjeneren" in capsys.readouterr().err
    assert _sent_count(demo_engine) == 0
    monkeypatch.setenv("LAGET_SMTP_PORT", str(controller.port))
    assert main(["reminders"]) == 0 and len(handler.messages) == 2


def test_collect_lists_items_without_contact(demo_engine):
    plan_id = plans_frame(demo_engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    reminders, unreachable = collect(demo_engine, TODAY, "https://x.no")
    assert reminders == []
    assert len(unreachable) >= overdue(tiltak_frame(demo_engine, plan_id), TODAY).height


class Refuse(Keep):
    """Keeps messages, but refuses the addresses in ``refused`` at RCPT TO with 550, as a real server does."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class Slow(Keep):
    """Accepts slowly, so two runs started together overlap for the whole run."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


def _server(handler):
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    return controller


def test_a_refused_address_does_not_stop_the_others_and_is_recorded(demo_engine, capsys):
    _setup(demo_engine)
    handler = Refuse({"eva.li@stange.kommune.no"})  # sorts before per.hansen: today the run stopped there
    controller = _server(handler)
    try:
        settings = _settings(controller.port)
        result = send_reminders(demo_engine, settings, TODAY)
        assert result.sent == ["per.hansen@stange.kommune.no"]
        assert [email for email, _ in result.refused] == ["eva.li@stange.kommune.no"]
        assert result.refused[0][1].startswith("550") and "Mailbox unavailable" in result.refused[0][1]
        assert [rcpt for rcpt, _ in handler.messages] == [["per.hansen@stange.kommune.no"]]
        with session_scope(demo_engine) as s:
            assert list(s.scalars(select(SentReminder.email))) == ["per.hansen@stange.kommune.no"]
        handler.refused.clear()  # the address was fixed: the next run sends only to her
        again = send_reminders(demo_engine, settings, TODAY)
        assert again.sent == ["eva.li@stange.kommune.no"] and again.refused == []
        assert sorted(r[0] for r, _ in handler.messages) == ["eva.li@stange.kommune.no",
                                                             "per.hansen@stange.kommune.no"]
    finally:
        controller.stop()


def test_cli_shows_each_recipient_and_the_servers_reason(demo_engine, demo_url, monkeypatch, capsys):
    _setup(demo_engine)
    controller = _server(Refuse({"eva.li@stange.kommune.no"}))
    try:
        for key, value in {"DATABASE_URL": demo_url, "LAGET_SMTP_HOST": "127.0.0.1", "LAGET_SMTP_STARTTLS": "0",
                           "LAGET_SMTP_FROM": "laget@stange.kommune.no", "LAGET_SMTP_PORT": str(controller.port),
                           "LAGET_BASE_URL": "https://x.no"}.items():
            monkeypatch.setenv(key, value)
        assert main(["reminders"]) == 3
        captured = capsys.readouterr()
        assert "Sendt: per.hansen@stange.kommune.no" in captured.out and "Avvist: 1." in captured.out
        assert "Avvist av e-posttjeneren: eva.li@stange.kommune.no (550 5.1.1 Mailbox unavailable)" in captured.err
        assert "Traceback" not in captured.err
    finally:
        controller.stop()


def _many_contacts(engine, n: int = 14) -> list[str]:
    """``n`` services, each with its own contact and an overdue action item."""
    plan_id = plans_frame(engine).filter(pl.col("key") == "stange-2023-2026")["id"][0]
    with session_scope(engine) as s:
        services = list(s.scalars(select(Service.name).order_by(Service.name)))[:n]
    assert len(services) == n, "the demo has enough services"
    emails = [f"kontakt{i:02}@stange.kommune.no" for i in range(n)]
    for service, email in zip(services, emails, strict=True):
        set_contact(engine, KARI, service=service, name=f"Kontakt {email[7:9]}", email=email)
        add_action(engine, KARI, plan_id, text=f"Følge opp {service}", service=service,
                   deadline=TODAY - timedelta(days=2))
    return emails


@pytest.mark.parametrize("runs", [2, 3])
def test_parallel_runs_send_each_contact_exactly_one_mail(demo_engine, demo_url, runs):
    emails = _many_contacts(demo_engine)
    handler = Slow()
    controller = _server(handler)
    settings = _settings(controller.port, demo_url)
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def run() -> None:
        engine = make_engine(demo_url)  # its own engine and connections, like another cron host
        try:
            barrier.wait()
            results.append(send_reminders(engine, settings, TODAY))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        controller.stop()
    assert errors == []
    received = sorted(r[0] for r, _ in handler.messages)
    assert received == sorted(emails), "each contact exactly one e-mail"
    assert sorted(e for r in results for e in r.sent) == sorted(emails)
    assert _sent_count(demo_engine) == len(emails)
