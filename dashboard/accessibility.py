"""The accessibility statement (tilgjengelighetserklæring), in the order uutilsynet's uustatus.no uses.

Kept as data so the page and the login screen show the same text and tests can check it. The kommune publishes
its official statement on uustatus.no; this text is the basis for it and must be updated when Laget changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

UPDATED = "25.11.2026"
AXE_VERSION = "4.14.1"


@dataclass(frozen=True)
class Breach:
    criterion: str  # WCAG 2.1 success criterion, number and Norwegian name
    problem: str  # what the user meets
    why: str  # why it is not (fully) met, and what is offered instead or planned


BREACHES: list[Breach] = [
    Breach("1.3.1 Informasjon og relasjoner, 2.1.1 Tastatur, 4.1.2 Navn, rolle, verdi",
           "Tabellene med rutenett (også det redigerbare rutenettet for tiltak) er tegnet på et lerret og er "
           "vanskelige å lese med skjermleser og å bruke med tastatur alene.",
           "Rutenettet kommer fra rammeverket Streamlit. Under hvert rutenett står de samme radene som en vanlig "
           "tabell («Les tabellen …»), og status, statusnotat og neste steg for ett tiltak kan endres i et "
           "vanlig skjema («Velg tiltak» under «Tiltak i detalj», og «Endre ett tiltak med skjema» i møtemodus)."),
    Breach("1.1.1 Ikke-tekstlig innhold",
           "Figurene (pyramiden, indikatorgrafene, årshjulet og månedsvisningen) er bilder uten full tekstlig "
           "beskrivelse.",
           "Tallene i hver figur finnes som tabell rett under figuren eller i fanen «Liste». Figurene har korte "
           "tekstforklaringer, og farge brukes aldri alene: nivåene har også navn, form og plassering."),
    Breach("3.1.2 Språk på deler av innholdet",
           "Tallfelt i skjemaene viser desimalpunktum (12.50) mens du skriver.",
           "Streamlit lar oss ikke endre dette ennå. Tallene vises med desimalkomma overalt ellers. Rammeverkets "
           "egne faste tekster (filopplasting, verktøylinjen over tabellene, datofelt) er oversatt til bokmål."),
]

MET = [
    "Kontrast mellom tekst og bakgrunn er minst 4,5:1 (1.4.3), også for hjelpetekster og forklaringer.",
    "Hver side har én overskrift på nivå 1, og overskriftene følger hverandre i riktig rekkefølge (1.3.1, 2.4.6).",
    "Alle skjemafelt har synlige ledetekster (3.3.2), og feil forklares med tekst på norsk (3.3.1, 3.3.3).",
    "Tall, datoer og manglende verdier skrives på norsk måte (5,1; 1 000; dd.mm.åååå; «–» med årsak).",
    "Nivået i pyramiden kan også velges i listen «Vis nivå», med tastatur (2.1.1).",
    "Farge brukes aldri alene for å vise nivå eller status (1.4.1).",
    "Sidene er merket som norsk bokmål (3.1.1), og hver side har sin egen tittel (2.4.2).",
    "Lenken «Hopp til hovedinnholdet» hopper forbi menyen (2.4.1).",
    "Hver side har sin egen adresse med valgene i lenken, som kan deles og lastes inn på nytt (2.4.5).",
    "Siden kan brukes på mobil i stående format, 390 punkter bred (1.3.4, 1.4.10).",
]


def _render(intro: str, status: str, breaches: list[Breach], met: list[str], assessed_heading: str, assessed: str,
            contact: str) -> None:
    """One layout for both statements, in the order of Digdir's model: status, breaches, what is in place, how it
    was assessed, feedback, supervision and complaints."""
    st.write(intro)
    st.header("Samsvarsstatus")
    st.write(status)
    st.header("Brudd på kravene")
    for b in breaches:
        st.markdown(f"**{b.criterion}**")
        st.write(f"Hva du møter: {b.problem}")
        st.write(f"Hvorfor og hva du kan gjøre: {b.why}")
    st.header("Dette er på plass")
    st.markdown("\n".join(f"- {line}" for line in met))
    st.header(assessed_heading)
    st.write(assessed)
    st.header("Tilbakemelding og kontakt")
    st.write(contact)
    st.header("Tilsyn og klage")
    st.write("Tilsynet for universell utforming av IKT (uutilsynet.no) fører tilsyn med at kravene følges. "
             "Mener du at du er diskriminert fordi løsningen ikke er universelt utformet, kan du klage til "
             "Diskrimineringsnemnda (diskrimineringsnemnda.no).")
    st.caption(f"Sist oppdatert {UPDATED}. Kommunens offisielle erklæring publiseres på uustatus.no.")


def show_statement() -> None:
    """Render the statement (used by the page and below the login form)."""
    _render(
        "Laget er et verktøy for kommunens oppfølging av planen for forebygging av omsorgssvikt og "
        "atferdsvansker. Kommuner i offentlig sektor skal følge kravene til universell utforming av IKT, "
        "som er WCAG 2.1 nivå A og AA (forskrift om universell utforming av IKT-løsninger).",
        "Laget er **delvis i samsvar** med kravene. Bruddene står under, med hva vi tilbyr i stedet.",
        BREACHES, MET, "Slik er løsningen vurdert",
        f"Hver side er testet automatisk med axe-core {AXE_VERSION} for hver rolle (leser, redaktør, "
        "planlegger og administrator) ved hver endring, uten brudd av alvorlighetsgrad «moderat» eller "
        "høyere. Tastaturbruk, mobilvisning og tabellene er sjekket i nettleser. Løsningen er ikke testet av "
        "brukere med skjermleser ennå; det er planlagt før løsningen tas i bruk.",
        "Finner du noe som ikke virker for deg, si fra til kommunens administrator for Laget eller "
        "kommunens postmottak. Oppgi siden og hva du prøvde å gjøre. Du får svar innen 14 dager.")


PUBLIC_BREACHES: list[Breach] = [
    Breach("1.1.1 Ikke-tekstlig innhold",
           "Figurene (pyramiden og utviklingen i tall) er bilder uten full tekstlig beskrivelse.",
           "Tallene i hver figur står også som tabell rett under figuren («Les tallene …»). Farge brukes aldri "
           "alene: nivåene har også navn og plassering."),
    Breach("3.1.2 Språk på deler av innholdet",
           "Noen faste tekster fra rammeverket kan være på engelsk uten å være merket som engelsk.",
           "Streamlit lar oss ikke oversette disse tekstene ennå. Alt innholdet om planen er på norsk."),
]
PUBLIC_MET = [
    "Siden kan leses uten å logge inn, og på mobil i stående format, 390 punkter bred, uten å rulle sidelengs "
    "(1.3.4, 1.4.10).",
    "Kontrast mellom tekst og bakgrunn er minst 4,5:1 (1.4.3).",
    "Siden har én overskrift på nivå 1, og overskriftene følger hverandre i riktig rekkefølge (1.3.1, 2.4.6).",
    "Hvert tiltak kan åpnes og lukkes med tastatur (2.1.1), og skjemaet for kommentarer har synlige "
    "ledetekster og feilmeldinger på norsk (3.3.1, 3.3.2).",
    "Siden er merket som norsk bokmål (3.1.1), og teksten er skrevet i klarspråk.",
    "Tall og datoer skrives på norsk måte (5,1; 1 000; dd.mm.åååå).",
]


def show_public_statement() -> None:
    """The statement for the public page (``/offentlig-tilgjengelighet``), readable without login."""
    _render(
        "Denne siden viser kommunens plan for forebygging av omsorgssvikt og atferdsvansker hos barn og "
        "unge. Kommunen skal følge kravene til universell utforming av IKT, som er WCAG 2.1 nivå A og AA "
        "(forskrift om universell utforming av IKT-løsninger).",
        "Siden er **delvis i samsvar** med kravene. Bruddene står under, med hva vi tilbyr i stedet.",
        PUBLIC_BREACHES, PUBLIC_MET, "Slik er siden vurdert",
        f"Siden er testet automatisk med axe-core {AXE_VERSION} ved hver endring, uten brudd av "
        "alvorlighetsgrad «moderat» eller høyere, og i nettleser på en skjerm 390 punkter bred.",
        "Finner du noe som ikke virker for deg, si fra til kommunens postmottak. Oppgi siden og hva du "
        "prøvde å gjøre. Du får svar innen 14 dager.")
