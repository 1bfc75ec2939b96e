"""What the server-side session costs: the check every Streamlit run makes, and a password login.

Prints medians for SQLite (a fresh demo file) and, when LAGET_TEST_POSTGRES_URL is set, PostgreSQL (a fresh
database). The session table holds 10,000 ended sessions besides the live one, as after months of use.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.common import QueryCounter, fresh_demo_database, median_ms  # noqa: E402
from data_access.db.demo import load_demo  # noqa: E402
from data_access.db.engine import get_engine, session_scope, upgrade  # noqa: E402
from data_access.db.models import AuthSession, User  # noqa: E402
from data_access.domain.sessions import token_hash  # noqa: E402
from data_access.reads.sessions import Policy  # noqa: E402
from data_access.writes.sessions import check, login  # noqa: E402


def _fill(engine) -> None:
    now = datetime.now()
    with session_scope(engine) as s:
        user_id = s.scalar(select(User.id).where(User.username == "leder"))
        s.execute(insert(AuthSession), [
            {"token_hash": token_hash(uuid.uuid4().hex), "user_id": user_id, "method": "lokal",
             "created_at": now - timedelta(days=10), "last_seen": now - timedelta(days=10),
             "expires_at": now - timedelta(days=9), "revoked_at": now - timedelta(days=9),
             "revoke_reason": "utløpt", "client": "bench"} for _ in range(10_000)])


def _measure(label: str, engine) -> None:
    _fill(engine)
    token, _ = login(engine, "leder", "laget-demo", policy=Policy(delay_base=0))
    counter = QueryCounter(engine)
    before = counter.count
    check(engine, token)
    queries = counter.count - before
    print(f"{label}: session check per run {median_ms(lambda: check(engine, token), 200):.2f} ms "
          f"({queries} SQL statement(s)); password login "
          f"{median_ms(lambda: login(engine, 'leder', 'laget-demo', policy=Policy(delay_base=0)), 5):.0f} ms "
          "(bcrypt dominates)")


def main() -> None:
    _measure("SQLite", get_engine(fresh_demo_database()))
    pg = os.environ.get("LAGET_TEST_POSTGRES_URL")
    if pg:
        name = f"laget_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(pg).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = get_engine(make_url(pg).set(database=name).render_as_string(hide_password=False))
        try:
            upgrade(engine)
            load_demo(engine)
            _measure("PostgreSQL", engine)
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
