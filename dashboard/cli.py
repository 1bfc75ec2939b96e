"""The ``laget`` command: run the app, upgrade the schema, load the demo, manage users, make the report."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from config.settings import load_settings
from data_access.db.engine import get_engine, upgrade
from data_access.domain.errors import DatabaseFault, LagetError
from data_access.domain.permissions import ROLES

APP = Path(__file__).resolve().parent / "app.py"
# Streamlit reads .streamlit/config.toml from the working folder only; this copy travels with the package, so the
# theme (WCAG contrast), the toolbar and the server settings hold wherever `laget run` is started from.
STREAMLIT_CONFIG = Path(__file__).resolve().parent / "streamlit_config.toml"


def streamlit_flags(extra: list[str], env: dict[str, str] | None = None) -> list[str]:
    """The packaged Streamlit settings as ``--section.option=value`` flags, except those the operator sets
    with a flag of their own or a ``STREAMLIT_*`` variable (the deployment's values win)."""
    import tomllib

    from streamlit.config_option import to_snake_case

    env = os.environ if env is None else env
    given = {a.split("=", 1)[0] for a in extra if a.startswith("--")}
    flags = []
    for section, options in tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8")).items():
        for name, value in options.items():
            key = f"{section}.{name}"
            if f"--{key}" in given or f"STREAMLIT_{to_snake_case(key.replace('.', '_')).upper()}" in env:
                continue
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{key}={text}")
    return flags


def _engine():
    engine = get_engine(load_settings().database_url)
    upgrade(engine)
    return engine


def _password(args: argparse.Namespace) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            raise ValueError(f"Miljøvariabelen {args.password_env} er tom.")
        return value
    first = getpass.getpass("Passord: ")
    if first != getpass.getpass("Gjenta passord: "):
        raise ValueError("Passordene er ikke like.")
    return first


def _refresh(args: argparse.Namespace) -> int:
    """Fetch every indicator with a source; one line per indicator; exit 1 when any failed."""
    from data_access.domain.users import SYSTEM
    from data_access.writes.sources import client_from_settings, refresh

    engine = _engine()
    client = client_from_settings(load_settings(), engine)
    try:
        outcomes = refresh(engine, SYSTEM, client, plan_key=args.plan, indicator_id=args.indicator)
    finally:
        client.close()
    for o in outcomes:
        print(f"{'OK  ' if o.ok else 'FEIL'} {o.name}: {o.message}", file=sys.stdout if o.ok else sys.stderr)
    if not outcomes:
        print("Ingen indikatorer med kilde (SSB/FHI) å hente.")
    failed = sum(not o.ok for o in outcomes)
    if failed:
        print(f"{failed} av {len(outcomes)} indikatorer feilet; ingenting er lagret for dem.", file=sys.stderr)
    return 1 if failed else 0


def _reminders(dry_run: bool) -> int:
    from datetime import date

    from data_access.writes.reminders import ReminderError, send_reminders

    try:
        result = send_reminders(_engine(), load_settings(), date.today(), dry_run=dry_run)
    except ReminderError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 3
    verb = "ville blitt sendt" if dry_run else "sendt"
    for email in result.sent:
        print(f"{'Ville sendt' if dry_run else 'Sendt'}: {email}")
    for email, reason in result.refused:
        print(f"Avvist av e-posttjeneren: {email} ({reason})", file=sys.stderr)
    print(f"Påminnelser {verb}: {len(result.sent)}. Allerede sendt i dag: {len(result.skipped)}."
          + (f" Avvist: {len(result.refused)}." if result.refused else ""))
    for what in result.unreachable:
        print(f"Uten kontaktperson: {what}", file=sys.stderr)
    if result.refused:
        print(f"{len(result.refused)} påminnelser ble avvist og er ikke sendt; rett adressene (Per tjeneste / "
              "Tiltak) og kjør på nytt, så prøves bare de igjen.", file=sys.stderr)
        return 3
    return 0


def _jobs(args: argparse.Namespace) -> int:
    """``laget jobs``: exit 1 when a job that ran here failed (a skipped job is not a failure)."""
    import dataclasses
    import threading

    from dashboard.jobs import loop, report, run_due, run_job

    settings = load_settings()
    if args.jobs_command == "loop":  # like every other command here: the schema upgraded, never the demo loaded
        loop(lambda: dataclasses.replace(load_settings(), load_demo=False), threading.Event())
        return 0
    engine = _engine()
    outcomes = [run_job(engine, settings, args.job, args.slot)] if args.jobs_command == "run" \
        else run_due(engine, settings)
    for outcome in outcomes:
        print(report(outcome), file=sys.stdout if outcome.ok else sys.stderr)
    if not outcomes:
        print("Ingen jobber er forfalt ennå i dag.")
    return 0 if all(o.ok for o in outcomes) else 1


def _rows(counts: dict[str, int]) -> str:
    total = f"{sum(counts.values()):,}".replace(",", " ")
    return f"{total} rader i {len(counts)} tabeller"


def _report(args: argparse.Namespace) -> None:
    from data_access.formats.report_files import render_report
    from data_access.reads.report import build_report, make_period, parse_report_date

    fmt = args.format or Path(args.output).suffix.lower().lstrip(".")
    if fmt not in {"pdf", "docx"}:
        raise ValueError("Velg --format pdf eller docx (eller gi filen endelsen .pdf eller .docx).")
    if args.year and (args.date_from or args.date_to):
        raise ValueError("Bruk enten --year eller --from/--to, ikke begge.")
    start = parse_report_date(args.date_from, "Fra-datoen") if args.date_from else None
    end = parse_report_date(args.date_to, "Til-datoen") if args.date_to else None
    period = make_period(args.year, start, end)
    data = render_report(build_report(_engine(), period=period, plan_key=args.plan), fmt)
    Path(args.output).write_bytes(data)
    print(f"Rapporten er skrevet til {args.output} ({len(data) // 1024} kB).")


def _plan_id(engine, key: str) -> int:
    from data_access.reads.plans import plans_frame

    plans = plans_frame(engine)
    found = plans.filter(plans["key"] == key)
    if found.is_empty():
        raise ValueError(f"Fant ingen plan med nøkkelen «{key}». Finnes: {', '.join(plans['key'].to_list())}.")
    return int(found["id"][0])


def _plan_import(args: argparse.Namespace) -> int:
    """``laget plan import``: preview on stdout; refused files list every fault on stderr and exit 1, and so does
    an import that met rows someone else saved after the preview (nothing is written either way)."""
    import polars as pl

    from data_access.domain.users import SYSTEM
    from data_access.writes.plan_import import ImportConflict, ImportRefused, NewPlan, apply_import, preview

    if bool(args.into) == bool(args.key or args.kommune):
        raise ValueError("Oppgi enten --into KEY (eksisterende plan) eller --key og --kommune (ny plan).")
    if not args.into and not (args.key and args.kommune):
        raise ValueError("En ny plan trenger både --key og --kommune.")
    data = Path(args.file).read_bytes()
    engine = _engine()
    plan_id = _plan_id(engine, args.into) if args.into else None
    labels = dict(zip(("universell", "selektiv", "indikativ"), (args.levels or "").split(";"), strict=False))
    seen = preview(engine, data, plan_id=plan_id, level_labels=labels)
    plan, changes = seen.plan, seen.changes
    for note in plan.notes:
        print(f"Merk: {note}")
    if not plan.ok:
        for error in plan.errors:
            print(f"Feil: {error.text()}", file=sys.stderr)
        print(f"Filen ble ikke importert: {len(plan.errors)} feil må rettes først. Ingenting er endret.",
              file=sys.stderr)
        return 1
    with pl.Config(tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True, tbl_rows=100,
                   tbl_width_chars=160, fmt_str_lengths=60):
        print(plan.counts(seen.level_labels))
        print(changes.summary())
        if changes.new_services:
            print("Nye tjenester: " + ", ".join(changes.new_services))
        print(plan.frequencies())
    if args.dry_run:
        print("Prøvekjøring: ingenting er importert.")
        return 0
    new_plan = None if args.into else NewPlan(
        kommune=args.kommune, key=args.key, start_year=args.from_year, end_year=args.to_year,
        name=args.name or f"Plan for forebygging av omsorgssvikt og atferdsvansker – {args.kommune}",
        level_labels={k: v for k, v in labels.items() if v.strip()})
    try:
        result = apply_import(engine, SYSTEM, seen, new_plan=new_plan)
    except (ImportRefused, ImportConflict) as exc:
        for error in exc.row_errors:
            print(f"Feil: {error.text()}", file=sys.stderr)
        if isinstance(exc, ImportConflict):
            print("Ingenting er importert. Kjør kommandoen på nytt for å se endringene.", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="laget", description="Laget: oppfølging av forebyggingsplanen.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start appen (streamlit run dashboard/app.py); andre flagg går til streamlit")
    db = sub.add_parser("db", help="databasen").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="oppgrader skjemaet til nyeste versjon")
    demo = sub.add_parser("demo", help="demodata").add_subparsers(dest="demo_command", required=True)
    load = demo.add_parser("load", help="last demoplanene og demobrukerne inn i en tom database eller en "
                                        "demodatabase (trygt å kjøre flere ganger)")
    load.add_argument("--plans-only", action="store_true",
                      help="bare demoplanene, aldri demobrukerne; databasen forblir en ekte database")
    user = sub.add_parser("user", help="brukere").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="legg til en bruker")
    add.add_argument("username")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--email", default="")
    add.add_argument("--password-env", help="les passordet fra denne miljøvariabelen i stedet for å spørre")
    passwd = user.add_parser("passwd", help="sett nytt passord (avslutter alle øktene til brukeren)")
    passwd.add_argument("username")
    passwd.add_argument("--password-env")
    user.add_parser("list", help="vis brukerne: brukernavn, navn, rolle, aktiv og innloggingsmåte")
    unlock = user.add_parser("unlock", help="opphev sperren etter for mange mislykkede innlogginger")
    unlock.add_argument("username")
    logout = user.add_parser("logout", help="avslutt alle øktene til en bruker (logges ut i alle nettlesere)")
    logout.add_argument("username")
    auth = sub.add_parser("auth", help="innlogging").add_subparsers(dest="auth_command", required=True)
    local = auth.add_parser("local-login", help="slå innlogging med brukernavn og passord på igjen (av slås den i "
                                                "Administrasjon, innlogget med OpenID Connect)")
    local.add_argument("state", choices=["on"])
    ind = sub.add_parser("indicators", help="indikatorer").add_subparsers(dest="indicators_command", required=True)
    refresh = ind.add_parser("refresh", help="hent nye tall fra SSB og FHI for indikatorer med kilde "
                                             "(avslutter med kode 1 hvis noen feilet; egnet for cron)")
    refresh.add_argument("--plan", help="bare indikatorene i planen med denne nøkkelen")
    refresh.add_argument("--indicator", type=int, help="bare indikatoren med denne id-en")
    rem = sub.add_parser("reminders", help="send påminnelser om forsinkede tiltak og oppfølgingspunkter "
                                           "(for daglig cron; hver kontakt får høyst én e-post per dag)")
    rem.add_argument("--dry-run", action="store_true", help="skriv e-postene ut i stedet for å sende dem")
    jobs = sub.add_parser("jobs", help="planlagte jobber: påminnelser, indikatorhenting og sikkerhetskopi, hver "
                                       "bare én gang per dag uansett hvor mange replikaer som kjører dem"
                          ).add_subparsers(dest="jobs_command", required=True)
    job_run = jobs.add_parser("run", help="kjør én jobb for i dag, hvis ingen annen prosess har gjort det")
    job_run.add_argument("job", choices=["reminders", "refresh", "backup"])
    job_run.add_argument("--slot", help="dagen jobben gjelder (åååå-mm-dd; standard: i dag)")
    jobs.add_parser("run-due", help="kjør jobbene som er forfalt i dag og ikke kjørt (for cron/systemd-timer)")
    jobs.add_parser("loop", help="se etter forfalte jobber hvert minutt til prosessen stoppes")
    backup = sub.add_parser("backup", help="skriv hele databasen til én fil (gzip-komprimert JSON)")
    backup.add_argument("file", type=Path)
    restore = sub.add_parser("restore", help="les en sikkerhetskopi inn i en ny, tom database (SQLite eller "
                                             "PostgreSQL)")
    restore.add_argument("file", type=Path)
    report = sub.add_parser("report", help="statusrapport for et år eller en periode, som PDF eller Word")
    report.add_argument("--plan", required=True, help="planens nøkkel, f.eks. stange-2023-2026")
    report.add_argument("--year", type=int, help="kalenderåret rapporten gjelder")
    report.add_argument("--from", dest="date_from", help="fra-dato (dd.mm.åååå eller åååå-mm-dd)")
    report.add_argument("--to", dest="date_to", help="til-dato (dd.mm.åååå eller åååå-mm-dd)")
    report.add_argument("--format", choices=["pdf", "docx"], help="pdf eller docx (ellers etter filnavnet)")
    report.add_argument("-o", "--output", required=True, help="filen rapporten skrives til")
    export = sub.add_parser("export", help="last ned en plan som Excel-arbeidsbok")
    export.add_argument("--plan", required=True, help="planens nøkkel, f.eks. stange-2023-2026")
    export.add_argument("-o", "--output", required=True, help="filen som skal skrives (.xlsx)")
    export.add_argument("--year", type=int, help="året arket Møter gjelder (standard: i år)")
    plan = sub.add_parser("plan", help="planer").add_subparsers(dest="plan_command", required=True)
    imp = plan.add_parser("import", help="importer en plan fra Excel (samme format som eksporten og malen)")
    imp.add_argument("file", help="arbeidsboken (.xlsx)")
    imp.add_argument("--key", help="nøkkel for den nye planen, f.eks. hamar-2025-2028")
    imp.add_argument("--kommune", help="kommunen den nye planen gjelder")
    imp.add_argument("--name", help="navnet på den nye planen")
    imp.add_argument("--from-year", type=int)
    imp.add_argument("--to-year", type=int)
    imp.add_argument("--levels", help="planens egne navn på nivåene, grønt;gult;rødt (standard: "
                                      "Universell;Selektiv;Indikativ)")
    imp.add_argument("--into", metavar="KEY", help="importer inn i denne eksisterende planen i stedet")
    imp.add_argument("--dry-run", action="store_true", help="vis bare hva som ville blitt importert")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"ukjente argumenter: {' '.join(extra)}")

    try:
        if args.command == "run":
            import streamlit.web.cli as stcli

            from dashboard.frontend_nb import install as serve_bokmal
            from dashboard.open_data_routes import install as serve_open_data
            from dashboard.preload import preload

            serve_bokmal()  # Streamlit's own front-end words in bokmål (a patched copy of its static folder)
            serve_open_data()  # /apne-data/… beside the app (README: Åpne data)
            preload()
            sys.argv = ["streamlit", "run", str(APP), *streamlit_flags(extra), *extra]
            if load_settings().jobs:
                from dashboard.context import current_settings  # with .streamlit/secrets.toml, as the pages
                from dashboard.jobs import start_in_background

                start_in_background(current_settings)
            return stcli.main()
        if args.command == "jobs":
            return _jobs(args)
        if args.command == "db":
            _engine()
            print("Databasen er oppdatert.")
        elif args.command == "demo":
            from data_access.db.demo import load_demo

            loaded = load_demo(_engine(), plans_only=args.plans_only)
            print("Lastet: " + ", ".join(loaded) if loaded else "Demodataene var allerede lastet.")
        elif args.command == "export":
            from data_access.formats.excel_export import plan_workbook

            engine = _engine()
            Path(args.output).write_bytes(plan_workbook(engine, _plan_id(engine, args.plan), args.year))
            print(f"Planen «{args.plan}» er skrevet til {args.output}.")
        elif args.command == "plan":
            return _plan_import(args)
        elif args.command == "report":
            _report(args)
        elif args.command == "indicators":
            return _refresh(args)
        elif args.command == "backup":
            from data_access.db.backup import backup_to_file
            from data_access.domain.users import SYSTEM

            # never _engine(): a backup must not migrate the database it copies
            counts = backup_to_file(get_engine(load_settings().database_url), SYSTEM, args.file)
            print(f"Sikkerhetskopi skrevet til {args.file}: {_rows(counts)}.")
        elif args.command == "restore":
            from data_access.db.backup import restore_from_file
            from data_access.domain.users import SYSTEM

            if not args.file.is_file():
                raise ValueError(f"Finner ikke filen {args.file}.")
            engine = get_engine(load_settings().database_url)
            counts = restore_from_file(engine, SYSTEM, args.file)
            print(f"Gjenopprettet fra {args.file}: {_rows(counts)}.")
        elif args.command == "user":
            _user_command(args)
        elif args.command == "auth":
            from data_access.writes.sessions import force_local_login

            force_local_login(_engine())
            print("Innlogging med brukernavn og passord er slått på.")
        elif args.command == "reminders":
            return _reminders(args.dry_run)
    except DatabaseFault as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 2
    except (ValueError, PermissionError, LagetError, OSError) as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    return 0


def _user_command(args: argparse.Namespace) -> None:
    from data_access.domain.sessions import sessions_text
    from data_access.domain.users import SYSTEM
    from data_access.reads.sessions import failed_logins_frame
    from data_access.reads.users import users_frame
    from data_access.writes.sessions import end_sessions, unlock
    from data_access.writes.users import add_user, set_password

    engine = _engine()
    if args.user_command == "add":
        add_user(engine, SYSTEM, username=args.username, name=args.name, role=args.role,
                 email=args.email, password=_password(args))
        print(f"Brukeren «{args.username}» er lagt til.")
    elif args.user_command == "passwd":
        set_password(engine, SYSTEM, args.username, _password(args))
        print(f"Passordet til «{args.username}» er endret.")
    elif args.user_command == "unlock":
        unlock(engine, SYSTEM, args.username)
        print(f"Sperren for «{args.username}» er opphevet.")
    elif args.user_command == "logout":
        print(f"{sessions_text(end_sessions(engine, SYSTEM, args.username))} til «{args.username}» er avsluttet.")
    else:
        print(format_users(users_frame(engine), failed_logins_frame(engine)))


def format_users(users, failed=None) -> str:
    """One line per user, in columns: brukernavn, navn, rolle, aktiv, innlogging, mislykkede innlogginger
    siste døgn; then a line per username (existing or not) that failed ``FAILED_NOTICE`` times or more."""
    from data_access.domain.sessions import FAILED_NOTICE, failed_text

    counts = dict(zip(failed["username"].to_list(), failed["failures"].to_list(), strict=True)) if failed is not None \
        else {}
    head = ("Brukernavn", "Navn", "Rolle", "Aktiv", "Innlogging", "Mislykket siste døgn")
    rows = [head] + [(u["username"], u["name"], u["role"], "ja" if u["active"] else "nei", u["sign_in"],
                      str(counts.get(u["username"], 0))) for u in users.iter_rows(named=True)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    for name, count in counts.items():
        if count >= FAILED_NOTICE:
            lines.append(f"Merk: «{name}» har {failed_text(count)} siste døgn.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
