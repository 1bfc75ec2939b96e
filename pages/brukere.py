"""Administrasjon: the administrator manages users (roles, passwords, locks, sign-in) and plans."""

import polars as pl
import streamlit as st

from dashboard.context import page_context
from dashboard.oidc import providers
from dashboard.plan_import_ui import import_section
from dashboard.public_comments_ui import release_section
from dashboard.tables import grid
from dashboard.ui import attempt, plain
from data_access.domain import formatting as fmt
from data_access.domain.permissions import ROLES
from data_access.domain.sessions import FAILED_NOTICE, failed_text, sessions_text
from data_access.reads.plans import plans_frame
from data_access.reads.sessions import local_login_enabled, login_watch
from data_access.reads.users import users_frame
from data_access.writes.plans import create_plan
from data_access.writes.sessions import end_sessions, set_local_login, unlock
from data_access.writes.users import add_user, update_user

ctx = page_context()
st.title("Administrasjon")
st.header("Brukere")
users = ctx.read(users_frame)
locks, failed = login_watch(ctx.engine)  # not in the change log, so read fresh, in one statement
for row in failed.filter(pl.col("failures") >= FAILED_NOTICE).iter_rows(named=True):
    known = row["username"] in users["username"].to_list()
    st.warning(plain(f"«{row['username']}»: {failed_text(row['failures'])} siste døgn, fra "
                     f"{row['addresses']} adresse{'r' if row['addresses'] != 1 else ''}"
                     + ("" if known else " (brukernavnet finnes ikke)") + "."), icon=":material/gpp_maybe:")
grid(users.join(failed.select("username", "failures"), on="username", how="left").select(
    "username", "name", "email", pl.col("role").replace(ROLES), "active", "sign_in",
    pl.col("failures").fill_null(0)).rename(
    {"username": "Brukernavn", "name": "Navn", "email": "E-post", "role": "Rolle", "active": "Aktiv",
     "sign_in": "Innlogging", "failures": "Mislykkede innlogginger siste døgn"}), caption="Brukere")

def _cleared_after(form: str, write):
    """Run ``write``; only when it succeeds does the form start empty (new widget keys). A refused write
    keeps what was typed, so the user corrects one field instead of typing everything again."""
    def run():
        result = write()
        st.session_state[f"_{form}_gen"] = st.session_state.get(f"_{form}_gen", 0) + 1
        return result
    return run


gen = st.session_state.get("_add_user_gen", 0)
with st.form("add_user"):
    st.header("Ny bruker")
    c1, c2 = st.columns(2)
    username = c1.text_input("Brukernavn", key=f"new_username_{gen}")
    name = c2.text_input("Navn", key=f"new_name_{gen}")
    role = c1.selectbox("Rolle", list(ROLES), format_func=ROLES.get, key=f"new_role_{gen}")
    password = c2.text_input("Passord (minst 8 tegn)", type="password", key=f"new_password_{gen}")
    if st.form_submit_button("Legg til"):
        attempt(_cleared_after("add_user", lambda: add_user(ctx.engine, ctx.actor, username=username, name=name,
                                                            role=role, password=password)),
                f"Brukeren «{username}» er lagt til.")

st.header("Endre rolle eller passord")
who = st.selectbox("Bruker", users["username"].to_list(), key="admin_user")
current = users.filter(users["username"] == who).row(0, named=True)
with st.form(f"change_user_{who}"):  # keyed by user: the boxes start at that user's role and state
    c1, c2, c3 = st.columns(3)
    new_role = c1.selectbox("Rolle", list(ROLES), index=list(ROLES).index(current["role"]), format_func=ROLES.get)
    active = c2.checkbox("Aktiv", value=current["active"])
    local = current["auth_method"] == "lokal"
    new_password = c3.text_input("Nytt passord (tomt = uendret)", type="password", disabled=not local,
                                 help=None if local else "Brukeren logger inn med OpenID Connect.")
    st.caption("Endringer avslutter alle øktene til brukeren, så de må logge inn på nytt."
               + ("" if local else " Rollen til en OpenID Connect-bruker settes på nytt fra tokenet ved neste "
                                   "innlogging."))
    if st.form_submit_button("Lagre"):
        attempt(lambda: update_user(ctx.engine, ctx.actor, who, role=new_role, active=active,
                                    password=new_password or None),
                lambda changed: f"«{who}» er oppdatert." if changed else "Ingen endringer.")
if st.button(f"Avslutt alle øktene til «{who}»", key="end_sessions",
             help="Brukeren logges ut i alle nettlesere (f.eks. etter en mistet PC) og må logge inn på nytt."):
    attempt(lambda: end_sessions(ctx.engine, ctx.actor, who),
            lambda ended: f"{sessions_text(ended)} til «{who}» er avsluttet." if ended
            else f"«{who}» hadde ingen åpne økter.")

if not locks.is_empty():
    st.header("Sperret innlogging")
    st.caption("Et brukernavn sperres bare fra adressen som prøvde feil passord for mange ganger; fra andre "
               "adresser kan brukeren logge inn som vanlig.")
    grid(locks.select(pl.col("username").alias("Brukernavn"), pl.col("client_address").alias("Fra adresse"),
                      pl.col("failures").alias("Mislykkede forsøk"), pl.col("locked_until").alias("Sperret til")),
         caption="Sperret innlogging",
         column_config={"Sperret til": st.column_config.DatetimeColumn(format="DD.MM.YYYY HH:mm")})
    labels = {r["key"]: f"{r['username']} fra {r['client_address']}" for r in locks.iter_rows(named=True)}
    key = st.selectbox("Opphev sperren for", list(labels), format_func=labels.get)
    if st.button("Opphev sperren"):
        attempt(lambda: unlock(ctx.engine, ctx.actor, key), f"Sperren for {labels[key]} er opphevet.")

st.header("Innlogging")
local_on = ctx.read(local_login_enabled)
if providers():
    st.write("Innlogging med brukernavn og passord er " + ("på." if local_on else "slått av."))
    if st.button("Slå av innlogging med passord" if local_on else "Slå på innlogging med passord",
                 help="Slå av når innloggingen med OpenID Connect virker. Du må selv være innlogget med "
                      "OpenID Connect for å slå den av."):
        attempt(lambda: set_local_login(ctx.engine, ctx.actor, not local_on, ctx.sign_in_method),
                "Innlogging med passord er slått " + ("av." if local_on else "på."))
else:
    st.caption("Bare innlogging med brukernavn og passord er satt opp. OpenID Connect (f.eks. Microsoft Entra ID) "
               "settes opp i .streamlit/secrets.toml, se README.")

st.divider()
st.header("Planer")
grid(ctx.read(plans_frame).select(
    pl.col("kommune").alias("Kommune"), pl.col("name").alias("Plan"),
    pl.col("start_year").cast(pl.String).fill_null(fmt.MISSING).alias("Fra"),
    pl.col("end_year").cast(pl.String).fill_null(fmt.MISSING).alias("Til"),
    pl.col("uses_protective_factors").alias("Beskyttelsesfaktorer"),
    pl.col("is_demo").alias("Demo")), caption="Planer")
pgen = st.session_state.get("_new_plan_gen", 0)
with st.form("new_plan"):
    st.markdown("**Ny plan** – for en kommune som vil følge opp sin egen plan")
    c1, c2 = st.columns(2)
    plan_name = c1.text_input("Navn på planen", placeholder="Plan for forebygging av omsorgssvikt og …",
                              key=f"plan_name_{pgen}")
    kommune = c2.text_input("Kommune", key=f"plan_kommune_{pgen}")
    c3, c4 = st.columns(2)
    start_year = c3.number_input("Fra år", value=None, min_value=2000, max_value=2100, step=1, key=f"plan_from_{pgen}")
    end_year = c4.number_input("Til år", value=None, min_value=2000, max_value=2100, step=1, key=f"plan_to_{pgen}")
    l1, l2, l3 = st.columns(3)
    labels = {"universell": l1.text_input("Navn på grønt nivå", value="Universell", key=f"plan_l1_{pgen}"),
              "selektiv": l2.text_input("Navn på gult nivå", value="Selektiv", key=f"plan_l2_{pgen}"),
              "indikativ": l3.text_input("Navn på rødt nivå", value="Indikativ", key=f"plan_l3_{pgen}")}
    factors = st.text_area("Beskyttelsesfaktorer (én per linje, tomt hvis planen ikke bruker dem)",
                           key=f"plan_factors_{pgen}")
    if st.form_submit_button("Opprett plan"):
        attempt(_cleared_after("new_plan", lambda: create_plan(
                    ctx.engine, ctx.actor, name=plan_name, kommune=kommune,
                    start_year=int(start_year) if start_year else None,
                    end_year=int(end_year) if end_year else None, level_labels=labels,
                    protective_factors=factors.splitlines())),
                f"Planen for {kommune.strip()} er opprettet. Velg den i menyen til venstre.")

st.divider()
import_section(ctx)

st.divider()
release_section(ctx)
