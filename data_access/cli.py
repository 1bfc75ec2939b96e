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


def _plan_id(engine, key: str) -> int:
    from data_access.plans import plans_frame

    plans = plans_frame(engine)
    found = plans.filter(plans["key"] == key)
    if found.is_empty():
        raise ValueError(f"Fant ingen plan med nøkkelen «{key}». Finnes: {', '.join(plans['key'].to_list())}.")
    return int(found["id"][0])


def _plan_import(args: argparse.Namespace) -> int:
    """``laget plan import``: preview on stdout; refused files list every fault on stderr and exit 1."""
    import polars as pl

    from data_access.plan_import_writes import ImportRefused, NewPlan, apply_import, preview
    from data_access.users import SYSTEM

    if bool(args.into) == bool(args.key or args.kommune):
        raise ValueError("Oppgi enten --into KEY (eksisterende plan) eller --key og --kommune (ny plan).")
    if not args.into and not (args.key and args.kommune):
        raise ValueError("En ny plan trenger både --key og --kommune.")
    data = Path(args.file).read_bytes()
    engine = _engine()
    plan_id = _plan_id(engine, args.into) if args.into else None
    labels = dict(zip(("universell", "selektiv", "indikativ"), (args.levels or "").split(";"), strict=False))
    plan, changes = preview(engine, data, plan_id=plan_id, level_labels=labels)
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
        print(plan.counts())
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
        result = apply_import(engine, SYSTEM, data, plan_id=plan_id, new_plan=new_plan)
    except ImportRefused as exc:
        for error in exc.errors:
            print(f"Feil: {error.text()}", file=sys.stderr)
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

            sys.argv = ["streamlit", "run", str(APP), *extra]
            return stcli.main()
        if args.command == "db":
            _engine()
            print("Databasen er oppdatert.")
        elif args.command == "demo":
            from data_access.demo import load_demo

            loaded = load_demo(_engine())
            print("Lastet: " + ", ".join(loaded) if loaded else "Demodataene var allerede lastet.")
        elif args.command == "export":
            from data_access.excel_export import plan_workbook

            engine = _engine()
            Path(args.output).write_bytes(plan_workbook(engine, _plan_id(engine, args.plan), args.year))
            print(f"Planen «{args.plan}» er skrevet til {args.output}.")
        elif args.command == "plan":
            return _plan_import(args)
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
    except (ValueError, PermissionError, OSError, LagetError) as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
