"""The ``laget`` command: run the app, upgrade the schema, load the demo, manage users."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from config.settings import load_settings
from data_access.db import DatabaseUnavailable, get_engine, upgrade
from data_access.errors import LagetError
from data_access.permissions import ROLES

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


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
    from data_access.source_refresh import client_from_settings, refresh
    from data_access.users import SYSTEM

    client = client_from_settings(load_settings())
    try:
        outcomes = refresh(_engine(), SYSTEM, client, plan_key=args.plan, indicator_id=args.indicator)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="laget", description="Laget: oppfølging av forebyggingsplanen.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start appen (streamlit run dashboard/app.py); andre flagg går til streamlit")
    db = sub.add_parser("db", help="databasen").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="oppgrader skjemaet til nyeste versjon")
    demo = sub.add_parser("demo", help="demodata").add_subparsers(dest="demo_command", required=True)
    demo.add_parser("load", help="last demoplanene og demobrukerne (trygt å kjøre flere ganger)")
    user = sub.add_parser("user", help="brukere").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="legg til en bruker")
    add.add_argument("username")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--email", default="")
    add.add_argument("--password-env", help="les passordet fra denne miljøvariabelen i stedet for å spørre")
    passwd = user.add_parser("passwd", help="sett nytt passord")
    passwd.add_argument("username")
    passwd.add_argument("--password-env")
    ind = sub.add_parser("indicators", help="indikatorer").add_subparsers(dest="indicators_command", required=True)
    refresh = ind.add_parser("refresh", help="hent nye tall fra SSB og FHI for indikatorer med kilde "
                                             "(avslutter med kode 1 hvis noen feilet; egnet for cron)")
    refresh.add_argument("--plan", help="bare indikatorene i planen med denne nøkkelen")
    refresh.add_argument("--indicator", type=int, help="bare indikatoren med denne id-en")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "run":
        parser.error(f"ukjente argumenter: {' '.join(extra)}")

    try:
        if args.command == "run":
            import streamlit.web.cli as stcli

            sys.argv = ["streamlit", "run", str(APP), *extra]
            return stcli.main()
        if args.command == "db":
            _engine()
            print("Databasen er oppdatert.")
        elif args.command == "demo":
            from data_access.demo import load_demo

            loaded = load_demo(_engine())
            print("Lastet: " + ", ".join(loaded) if loaded else "Demodataene var allerede lastet.")
        elif args.command == "indicators":
            return _refresh(args)
        elif args.command == "user":
            from data_access.users import SYSTEM, add_user, set_password

            engine = _engine()
            if args.user_command == "add":
                add_user(engine, SYSTEM, username=args.username, name=args.name, role=args.role,
                         email=args.email, password=_password(args))
                print(f"Brukeren «{args.username}» er lagt til.")
            else:
                set_password(engine, SYSTEM, args.username, _password(args))
                print(f"Passordet til «{args.username}» er endret.")
    except DatabaseUnavailable as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 2
    except (ValueError, PermissionError, LagetError) as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
