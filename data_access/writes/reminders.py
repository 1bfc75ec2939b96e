"""Daily reminders: each contact gets one e-mail listing their forsinket tiltak and actions, with links.

Who is reminded of what:
- a tiltak whose evaluation date has passed (and is not avsluttet): its own contact if it has one, else the
  contact of each responsible service;
- an open action whose deadline has passed: the contact of its responsible service, else the contact of the
  tiltak it concerns (an action with only a person's name has no address and is listed as unreachable).

``laget reminders`` is meant for a daily cron, possibly on two hosts or replicas at once. Each contact is
delivered to on its own: before sending, a run *claims* the (e-mail, day) row of ``sent_reminders`` in its own
committed transaction, and the table's unique constraint lets only one run have it (on SQLite and PostgreSQL
alike: the second INSERT waits for the first to commit and then fails), so two runs never both send. When the
server refuses the address (e.g. ``550``) or the message, the claim is given back and the refusal, with the
server's reason, is recorded in the run's result (and printed by the CLI); the other contacts are still sent to,
and a repeated run tries the refused ones again. Only a lost connection ends the run early. A run that dies
between claiming and sending leaves the claim: that contact is not reminded again that day (at most once).
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from urllib.parse import urlencode

from sqlalchemy import Engine, delete, select

from config.settings import Settings
from data_access.db.engine import reading
from data_access.db.models import SentReminder
from data_access.db.uow import UnitOfWork
from data_access.domain import network
from data_access.domain.actions import overdue_actions, responsible
from data_access.domain.errors import LagetError
from data_access.domain.permissions import Actor
from data_access.domain.validation import format_date
from data_access.reads.actions import actions_frame
from data_access.reads.contacts import service_contacts, tiltak_contacts
from data_access.reads.plans import plans_frame
from data_access.reads.tiltak import overdue, tiltak_frame

SMTP_TIMEOUT = 20  # seconds; a hanging server must not hang the cron job
SENDER = Actor("system", "admin", "Påminnelser")  # book-keeping of sent reminders, not user data


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
    with reading(engine) as s:
        return {e.lower() for e in s.scalars(select(SentReminder.email).where(SentReminder.sent_on == today))}


def _claim(engine: Engine, reminder: Reminder, today: date) -> bool:
    """Take the (e-mail, day) row before sending; False when another run has it. Committed at once, so a
    parallel run sees it (its own INSERT waits on ours, then fails on the unique constraint)."""
    with UnitOfWork(engine, SENDER, None, None) as uow:
        return uow.insert_new(SentReminder(email=reminder.email.lower(), sent_on=today, sent_at=uow.now,
                                           items=len(reminder.items)))


def _release(engine: Engine, reminder: Reminder, today: date) -> None:
    """Give the claim back after a refusal, so a later run (once the address is fixed) tries again."""
    with UnitOfWork(engine, SENDER, None, None) as uow:
        uow.s.execute(delete(SentReminder).where(SentReminder.email == reminder.email.lower(),
                                                 SentReminder.sent_on == today))


def _refusal(exc: smtplib.SMTPException) -> str | None:
    """The server's reason when it refused this one message (recipient or content), None for anything that
    ends the connection (then the run stops)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        reasons = [f"{code} {_text(msg)}".strip() for code, msg in exc.recipients.values()]
        return "; ".join(reasons) or "mottakeren ble avvist"
    if isinstance(exc, smtplib.SMTPDataError | smtplib.SMTPResponseException) \
            and not isinstance(exc, smtplib.SMTPSenderRefused):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}".strip()
    return None


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


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
        raise ReminderError(f"Får ikke kontakt med e-posttjeneren {where}: {network.problem(exc)}. Sjekk "
                            "LAGET_SMTP_HOST og LAGET_SMTP_PORT. Ingen påminnelser er sendt.") from exc


@dataclass
class RunResult:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already reminded today (by this or another run)
    unreachable: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (e-mail, the server's reason)


def send_reminders(engine: Engine, settings: Settings, today: date, *, dry_run: bool = False,
                   out: Callable[[str], None] = print) -> RunResult:
    """Send (or with ``dry_run`` print) today's reminders; each contact at most once a day, across runs."""
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
            if not _claim(engine, r, today):
                result.skipped.append(r.email)  # a parallel run has it
                continue
            try:
                smtp.send_message(compose(r, sender, today))
            except (OSError, smtplib.SMTPException) as exc:
                _release(engine, r, today)
                reason = _refusal(exc) if isinstance(exc, smtplib.SMTPException) else None
                if reason is None:
                    raise ReminderError(
                        f"Forbindelsen til e-posttjeneren brøt under påminnelsen til {r.email} "
                        f"({network.problem(exc)}). {len(result.sent)} påminnelser ble sendt før feilen; kjør "
                        "på nytt for resten.") from exc
                result.refused.append((r.email, reason))
                continue
            result.sent.append(r.email)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    return result
