"""The ORM schema. Alembic migrations in ``data_access/migrations`` create exactly these tables.

One database holds several plans (kommuner can have more than one, e.g. Stange 2023–2026 and Bamble),
so almost everything hangs off ``Plan``. Nothing here may describe an individual child: the tool works
on the system level, and every free-text write goes through ``validation.check_free_text``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from data_access.domain.validation import name_key


class Base(DeclarativeBase):
    pass


class UniqueName:
    """A ``name`` unique in its scope whatever its case and spacing: the schema holds ``name_key`` unique.

    Two imports (or two people) adding the same tiltak at once could otherwise both succeed, and names that the
    import matches as one could be stored twice. ``name_key`` follows ``name`` through the ORM (the validator) and
    through ``UnitOfWork.compare_and_set`` (``derived_values``); nothing else writes names.
    """

    name_key: Mapped[str] = mapped_column(String(600))

    @validates("name")
    def _keep_name_key(self, _field: str, value: str) -> str:
        self.name_key = name_key(value)
        return value


def derived_values(model: type, values: dict) -> dict:
    """``values`` with the columns that follow from them, for writes that set columns directly (an UPDATE)."""
    if "name" in values and issubclass(model, UniqueName):
        return {**values, "name_key": name_key(values["name"])}
    return values


tiltak_services = Table(
    "tiltak_services",
    Base.metadata,
    Column("tiltak_id", ForeignKey("tiltak.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="RESTRICT"), primary_key=True),
)


class AppMeta(Base):
    """Key/value facts about the database itself, e.g. whether it holds demo data."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Plan(Base):
    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kommune: Mapped[str] = mapped_column(String(100))
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    uses_protective_factors: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Official region codes for fetching figures, current first, earlier after (Stange: ["3413", "0417"]).
    region_codes: Mapped[dict | None] = mapped_column(JSON)

    levels: Mapped[list[Level]] = relationship(back_populates="plan", order_by="Level.sort_order")


class Level(Base):
    """A prevention level of one plan; ``slug`` is fixed, ``label`` is the plan's own word."""

    __tablename__ = "levels"
    __table_args__ = (UniqueConstraint("plan_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(20))  # universell | selektiv | indikativ
    label: Mapped[str] = mapped_column(String(60))
    color: Mapped[str] = mapped_column(String(20))  # grønn | gul | rød, shown with text, never alone
    sort_order: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="levels")


class Status(Base):
    """The small status vocabulary every tiltak is normalised onto."""

    __tablename__ = "statuses"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(30), unique=True)
    label: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)


class ServiceArea(Base):
    """Kommunalområde, e.g. Oppvekst or Helse, that services are grouped by."""

    __tablename__ = "service_areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Service(UniqueName, Base):
    """A tjeneste such as Helsestasjon, PPT or NAV; one per name in the whole database (services are shared)."""

    __tablename__ = "services"
    __table_args__ = (Index("uq_services_name_key", "name_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("service_areas.id", ondelete="SET NULL"))


class ProtectiveFactor(Base):
    __tablename__ = "protective_factors"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Tiltak(UniqueName, Base):
    __tablename__ = "tiltak"
    __table_args__ = (Index("uq_tiltak_name_key", "plan_id", "name_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    level_id: Mapped[int] = mapped_column(ForeignKey("levels.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id"))
    status_note: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    next_evaluation: Mapped[date | None] = mapped_column(Date)
    # True for demo dates the plan does not give; cleared when someone sets the date
    next_evaluation_is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    protective_factor_id: Mapped[int | None] = mapped_column(
        ForeignKey("protective_factors.id", ondelete="SET NULL")
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Optimistic concurrency: every write must name the version it read.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(60))

    services: Mapped[list[Service]] = relationship(secondary=tiltak_services, order_by="Service.name")


class Arena(UniqueName, Base):
    """A møtearena of the cross-service cooperation, on kommune-, tjeneste- or individnivå."""

    __tablename__ = "arenas"
    __table_args__ = (Index("uq_arenas_name_key", "plan_id", "name_key", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))  # kommune | tjeneste | individ
    purpose: Mapped[str] = mapped_column(Text, default="")
    leader: Mapped[str] = mapped_column(String(200), default="")
    participants: Mapped[list[str]] = mapped_column(JSON, default=list)
    frequency_text: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[dict] = mapped_column(JSON, default=dict)
    is_new: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)  # compare-and-set in uow.UnitOfWork
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(60))
    # The implementation group's own arena: Møtemodus takes the group's planned meetings from it.
    is_group_arena: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Meeting(Base):
    """One planned or held meeting of an arena. ``planned_date`` keeps its identity across moves."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("arena_id", "planned_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    arena_id: Mapped[int] = mapped_column(ForeignKey("arenas.id", ondelete="CASCADE"), index=True)
    planned_date: Mapped[date] = mapped_column(Date)
    date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="planlagt")  # planlagt | avholdt | avlyst
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(60))


class GroupMeeting(Base):
    """A meeting of the implementation group (Møtemodus); changes made during it point here."""

    __tablename__ = "group_meetings"
    # At most one open meeting per plan, enforced by the database (a partial unique index on both backends).
    __table_args__ = (Index("uq_group_meetings_open", "plan_id", unique=True,
                            sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    minutes_md: Mapped[str] = mapped_column(Text, default="")
    minutes_json: Mapped[str] = mapped_column(Text, default="", server_default="")  # formats.minutes blocks


class Indicator(UniqueName, Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("plan_id", "key"), Index("uq_indicators_name_key", "plan_id", "name_key",
                                                                 unique=True))
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20))  # percent | count | per_1000
    better: Mapped[str] = mapped_column(String(10))  # lower | higher
    source: Mapped[str] = mapped_column(String(300), default="")
    target_value: Mapped[float | None] = mapped_column(Float)
    target_year: Mapped[int | None] = mapped_column(Integer)
    target_is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    level_id: Mapped[int | None] = mapped_column(ForeignKey("levels.id", ondelete="SET NULL"))
    tiltak_id: Mapped[int | None] = mapped_column(ForeignKey("tiltak.id", ondelete="SET NULL"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(60))


class IndicatorValue(Base):
    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "period", "geo"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(20))  # canonical label: 2021, 2019/20, 2016–2022
    geo: Mapped[str] = mapped_column(String(10))  # kommune | fylke | land
    geo_name: Mapped[str] = mapped_column(String(100), default="")
    value: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300), default="")
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(60))
    marker: Mapped[str | None] = mapped_column(String(5))  # missing-value marker kept from the source (.., :)
    region_code: Mapped[str | None] = mapped_column(String(10))  # the code the value was published under


class IndicatorSource(Base):
    """Where an indicator's figures are fetched from (SSB or FHI) and how the last fetch went."""

    __tablename__ = "indicator_sources"
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # ssb | fhi
    definition: Mapped[dict] = mapped_column(JSON)
    last_fetched_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    latest_source_period: Mapped[str | None] = mapped_column(String(20))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    email: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # leser | redaktor | planlegger | admin
    password_hash: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime | None] = mapped_column(DateTime)
    # How the user signs in: "lokal" (password here) or "oidc" (the kommune's identity provider).
    auth_method: Mapped[str] = mapped_column(String(10), default="lokal", server_default="lokal")
    # "<issuer>|<sub>" for OIDC users: the provider's stable id, never the e-mail (Microsoft's guidance).
    oidc_subject: Mapped[str | None] = mapped_column(String(300), unique=True)


class AuthSession(Base):
    """A server-side login session: the cookie carries only a random token whose hash is stored here."""

    __tablename__ = "auth_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(10))  # lokal | oidc
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoke_reason: Mapped[str | None] = mapped_column(String(40))
    client: Mapped[str] = mapped_column(String(300), default="")
    # The client's address alone: an address that signed in as the user lately is spared the username-wide wait.
    client_address: Mapped[str | None] = mapped_column(String(64))


class LoginFailure(Base):
    """Failed logins counted per key, shared by all sessions: "bruker:<name>" and "klient:<address>" slow down
    (a capped, growing wait), "par:<name>@<address>" also locks that username from that address only."""

    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class FailedLogin(Base):
    """One failed password login (audit trail, and the «mislykkede innlogginger siste døgn» an admin sees)."""

    __tablename__ = "failed_logins"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(60))  # as typed (cut to 60), whether or not such a user exists
    client_address: Mapped[str | None] = mapped_column(String(64))


class ChangeLog(Base):
    """Who changed which field, when, from what to what: the trace the group relies on."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(60))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(30))  # tiltak | arena | meeting | indicator | ...
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # create | update | archive | restore | undo | delete
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    group_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_meetings.id", ondelete="SET NULL"), index=True
    )
    undo_of_id: Mapped[int | None] = mapped_column(ForeignKey("change_log.id", ondelete="SET NULL"))


class ActionItem(Base):
    """Oppfølgingspunkt: who does what by when, opened in a group meeting, closed when done."""

    __tablename__ = "action_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="SET NULL"))
    responsible_person: Mapped[str] = mapped_column(String(150), default="")
    deadline: Mapped[date] = mapped_column(Date)
    tiltak_id: Mapped[int | None] = mapped_column(ForeignKey("tiltak.id", ondelete="SET NULL"), index=True)
    opened_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("group_meetings.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(60))
    closed_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("group_meetings.id", ondelete="SET NULL"))


class Contact(Base):
    """A staff contact person for a service or a tiltak (never anything about a child)."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), unique=True)
    tiltak_id: Mapped[int | None] = mapped_column(ForeignKey("tiltak.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    email: Mapped[str] = mapped_column(String(200))
    updated_by: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SentReminder(Base):
    """One reminder e-mail per contact and day, so a daily cron never sends the same reminder twice."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("email", "sent_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    items: Mapped[int] = mapped_column(Integer, default=0)


class JobRun(Base):
    """One row per scheduled job and slot (a day): the first replica to insert it runs the job, the others see
    the row and skip, so reminders, the refresh and the backup run once however many replicas there are."""

    __tablename__ = "job_runs"
    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    slot: Mapped[str] = mapped_column(String(40), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), default="kjører")  # kjører, ok, feilet
    message: Mapped[str] = mapped_column(Text, default="")


class RateBucket(Base):
    """The token bucket of one outside service (SSB, FHI), shared by every process: ``tokens`` as of ``updated``
    (seconds since the epoch; a wall clock, since replicas share no monotonic one)."""

    __tablename__ = "rate_buckets"
    service: Mapped[str] = mapped_column(String(20), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated: Mapped[float] = mapped_column(Float)
