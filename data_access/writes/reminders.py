"""Daily reminders: each contact gets one e-mail listing their forsinket tiltak and actions, with links.

Who is reminded of what:
- a tiltak whose evaluation date has passed (and is not avsluttet): its own contact if it has one, else the
  contact of each responsible service;
- an open action whose deadline has passed: the contact of its responsible service, else the contact of the
  tiltak it concerns (an action with only a person's name has no address and is listed as unreachable).

``laget reminders`` is meant for a daily cron. A reminder is marked sent (table ``sent_reminders``, keyed by
e-mail and date) only after the SMTP server accepted it, so a failed run can simply be repeated, and a second
run the same day sends nothing twice.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from urllib.parse import urlencode

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from config.settings import Settings
from data_access.db.engine import session_scope
from data_access.db.models import SentReminder
from data_access.domain.actions import overdue_actions, responsible
from data_access.domain.errors import LagetError
from data_access.domain.validation import format_date
from data_access.reads.actions import actions_frame
from data_access.reads.contacts import service_contacts, tiltak_contacts
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import overdue, tiltak_frame

SMTP_TIMEOUT = 20  # seconds; a hanging server must not hang the cron job


class ReminderError(LagetError):
    """Sending failed (server unreachable, login refused); the message is Norwegian."""


@dataclass(frozen=True)
class Item:
    kind: str  # tiltak | action
    title: str
    due: date
    detail: str
    url: str


@dataclass
class Reminder:
    email: str
    name: str
    items: list[Item] = field(default_factory=list)


def link(base_url: str, page: str, **query: object) -> str:
    return f"{base_url.rstrip('/')}/{page}" + (f"?{urlencode(query)}" if query else "")


def collect(engine: Engine, today: date, base_url: str) -> tuple[list[Reminder], list[str]]:
    """Reminders per contact e-mail over all plans, and the forsinket items nobody can be written to."""
    by_email: dict[str, Reminder] = {}
    unreachable: list[str] = []
    services = service_contacts(engine)

    def add(contact: tuple[str, str], item: Item) -> None:
        name, email = contact
        reminder = by_email.setdefault(email.lower(), Reminder(email, name))
        if item not in reminder.items:
            reminder.items.append(item)

    for plan in plans_frame(engine).iter_rows(named=True):
        own = tiltak_contacts(engine, plan["id"])
        for t in overdue(tiltak_frame(engine, plan["id"]), today).iter_rows(named=True):
            item = Item("tiltak", t["name"], t["next_evaluation"],
                        f"{plan['kommune']}: evalueringsdato {format_date(t['next_evaluation'])}",
                        link(base_url, "tiltak", plan=plan["key"], tiltak=t["id"]))
            contacts = [own[t["id"]]] if t["id"] in own else [services[s] for s in t["services"] if s in services]
            for c in contacts:
                add(c, item)
            if not contacts:
                unreachable.append(f"Tiltak «{t['name']}» ({plan['kommune']})")
        for a in overdue_actions(actions_frame(engine, plan["id"], open_only=True), today).iter_rows(named=True):
            item = Item("action", a["text"], a["deadline"],
                        f"{plan['kommune']}: frist {format_date(a['deadline'])}, ansvarlig "
                        f"{responsible(a['service'], a['responsible_person'])}",
                        link(base_url, "tjenester", plan=plan["key"], tjeneste=a["service"])
                        if a["service"] else link(base_url, "oversikt", plan=plan["key"]))
            contact = services.get(a["service"]) or own.get(a["tiltak_id"])
            if contact:
                add(contact, item)
            else:
                unreachable.append(f"Oppfølgingspunkt «{a['text']}» ({plan['kommune']})")
    for r in by_email.values():
        r.items.sort(key=lambda i: (i.kind != "tiltak", i.due, i.title))
    return sorted(by_email.values(), key=lambda r: r.email.lower()), unreachable


def compose(reminder: Reminder, sender: str, today: date) -> EmailMessage:
    """One plain-text UTF-8 e-mail listing everything that is forsinket for this contact."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = reminder.email
    n = len(reminder.items)
    msg["Subject"] = f"Laget: {n} forsinket{'e' if n != 1 else ''} {'punkter' if n != 1 else 'punkt'} " \
                     f"({format_date(today)})"
    lines = [f"Hei {reminder.name},", "",
             "Dette er en påminnelse fra Laget, oppfølgingen av planen for forebygging av omsorgssvikt og "
             "atferdsvansker. Du er kontaktperson for det som står under, og datoen er passert:", ""]
    tiltak = [i for i in reminder.items if i.kind == "tiltak"]
    actions = [i for i in reminder.items if i.kind == "action"]
    for title, part in (("Tiltak som skulle vært evaluert", tiltak), ("Oppfølgingspunkter med passert frist",
                                                                      actions)):
        if part:
            lines += [f"{title}:"] + [f"- {i.title} ({i.detail})\n  {i.url}" for i in part] + [""]
    lines += ["Oppdater status i Laget, eller ta det opp i neste møte i implementeringsgruppa.", "",
              "Hilsen Laget (automatisk e-post, ikke svar på denne)"]
    msg.set_content("\n".join(lines), charset="utf-8")
    return msg


def already_sent(engine: Engine, today: date) -> set[str]:
    with session_scope(engine) as s:
        return {e.lower() for e in s.scalars(select(SentReminder.email).where(SentReminder.sent_on == today))}


def _mark_sent(engine: Engine, reminder: Reminder, today: date) -> None:
    try:
        with session_scope(engine) as s:
            s.add(SentReminder(email=reminder.email.lower(), sent_on=today, sent_at=datetime.now(),
                               items=len(reminder.items)))
    except IntegrityError:  # a parallel run marked it first; it was sent either way
        pass


def _connect(settings: Settings) -> smtplib.SMTP:
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if not settings.smtp_host or not settings.smtp_from:
        raise ReminderError("E-post er ikke satt opp: sett LAGET_SMTP_HOST og LAGET_SMTP_FROM.")
    try:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        return smtp
    except smtplib.SMTPAuthenticationError as exc:
        raise ReminderError(f"E-posttjeneren {where} godtok ikke brukernavn og passord "
                            "(LAGET_SMTP_USER/LAGET_SMTP_PASSWORD). Ingen påminnelser er sendt.") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise ReminderError(f"E-posttjeneren {where} støtter ikke STARTTLS. Sett LAGET_SMTP_STARTTLS=0 bare "
                            "hvis tjeneren er på et lukket nett. Ingen påminnelser er sendt.") from exc
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise ReminderError(f"Får ikke kontakt med e-posttjeneren {where} ({type(exc).__name__}). Sjekk "
                            "LAGET_SMTP_HOST og LAGET_SMTP_PORT. Ingen påminnelser er sendt.") from exc


@dataclass
class RunResult:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already reminded today
    unreachable: list[str] = field(default_factory=list)


def send_reminders(engine: Engine, settings: Settings, today: date, *, dry_run: bool = False,
                   out: Callable[[str], None] = print) -> RunResult:
    """Send (or with ``dry_run`` print) today's reminders; each contact at most once a day."""
    reminders, unreachable = collect(engine, today, settings.base_url)
    result = RunResult(unreachable=unreachable)
    done = already_sent(engine, today)
    due = [r for r in reminders if r.email.lower() not in done]
    result.skipped = [r.email for r in reminders if r.email.lower() in done]
    sender = settings.smtp_from or "laget@localhost"
    if dry_run:
        for r in due:
            out(compose(r, sender, today).as_string())
            result.sent.append(r.email)
        return result
    if not due:
        return result
    smtp = _connect(settings)
    try:
        for r in due:
            try:
                smtp.send_message(compose(r, sender, today))
            except (OSError, smtplib.SMTPException) as exc:
                raise ReminderError(f"E-posttjeneren avviste påminnelsen til {r.email} ({type(exc).__name__}). "
                                    f"{len(result.sent)} påminnelser ble sendt før feilen.") from exc
            _mark_sent(engine, r, today)
            result.sent.append(r.email)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    return result
