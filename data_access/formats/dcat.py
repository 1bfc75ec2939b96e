"""A DCAT-AP-NO 2 description (JSON-LD) of released plans, so a kommune can list them on data.norge.no.

Mandatory in DCAT-AP-NO 2 and written here: for the catalogue dct:title, dct:description, dct:identifier and
dct:publisher; for each dataset dct:title, dct:description, dct:identifier, dct:publisher (foaf:Agent with
foaf:name) and dcat:theme (from the EU data-theme vocabulary); for each distribution dcat:accessURL. Recommended
ones too: the NLOD 2.0 licence, formats and language from the EU vocabularies, contact point, keywords, access
rights. Concepts from controlled vocabularies carry ``skos:inScheme`` so a validator needs no other file.

The publisher's organisasjonsnummer is a setting (``LAGET_PUBLISHER_ORGNR``), never guessed: without it the
publisher is named but has no identifier.
"""

from __future__ import annotations

from data_access.domain.plans import kommune_title
from data_access.domain.public import ReleasedPlan
from data_access.formats.open_data import TITLES, file_names, plan_url

EU = "http://publications.europa.eu/resource/authority/"
ORG_CATALOG = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}
KEYWORDS = ["forebygging", "barnevern", "omsorgssvikt", "atferdsvansker", "tiltak", "oppvekst"]
MEDIA = {"csv": ("CSV", "text/csv"), "json": ("JSON", "application/json")}


def _nb(text: str) -> dict:
    return {"@language": "nb", "@value": text}


def _concept(scheme: str, code: str, label: str, *types: str) -> dict:
    return {"@id": f"{EU}{scheme}/{code}", "@type": ["skos:Concept", *types], "skos:inScheme": {"@id": f"{EU}{scheme}"},
            "skos:prefLabel": _nb(label)}


def parse_orgnr(setting: str, kommune: str) -> str | None:
    """``"964950113"`` for every plan, or ``"Stange=964950113, Bamble=…"`` per kommune; nine digits or None."""
    value = None
    for item in (setting or "").split(","):
        name, sep, number = item.partition("=")
        if not sep and name.strip():
            value = value or name.strip()
        elif sep and name.strip().casefold() == kommune.strip().casefold():
            value = number.strip()
    return value if value and value.isdigit() and len(value) == 9 else None


def publisher(kommune: str, orgnr: str | None) -> dict:
    agent: dict = {"@type": "foaf:Agent", "foaf:name": _nb(kommune_title(kommune))}
    if orgnr:
        agent["@id"] = f"{ORG_CATALOG}{orgnr}"
        agent["dct:identifier"] = orgnr
    return agent


def _distribution(plan: ReleasedPlan, name: str, base_url: str) -> dict:
    stem, _, ext = name.rpartition(".")
    fmt, media = MEDIA[ext]
    url = plan_url(base_url, plan.key) + name
    what = "Hele planen med lisens og datakatalog" if stem == "plan" else TITLES[stem]
    return {
        "@id": url, "@type": "dcat:Distribution", "dct:title": _nb(f"{what} ({fmt})"),
        "dct:description": _nb(f"{what} fra {plan.name}, {fmt}, UTF-8."),
        "dcat:accessURL": {"@id": url}, "dcat:downloadURL": {"@id": url},
        "dct:format": {"@id": f"{EU}file-type/{fmt}", "@type": "dct:MediaTypeOrExtent",
                       "skos:inScheme": {"@id": f"{EU}file-type"}},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}", "@type": "dct:MediaType"},
        "dct:license": {"@id": f"{EU}licence/NLOD_2_0", "@type": "dct:LicenseDocument",
                        "skos:inScheme": {"@id": f"{EU}licence"},
                        "rdfs:seeAlso": {"@id": "https://data.norge.no/nlod/no/2.0"}},
    }


def dataset(plan: ReleasedPlan, base_url: str, orgnr: str | None, contact_email: str = "") -> dict:
    url = plan_url(base_url, plan.key)
    demo = " Demodata bygd på kommunens plandokument; tall merket «eksempeldata» er ikke offisielle." \
        if plan.is_demo else ""
    contact: dict = {"@type": "vcard:Organization", "vcard:fn": kommune_title(plan.kommune),
                     "vcard:hasURL": {"@id": base_url.rstrip("/") + "/"}}
    if contact_email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{contact_email}"}
    node = {
        "@id": url, "@type": "dcat:Dataset", "dct:identifier": url,
        "dct:title": _nb(f"{plan.name} – {kommune_title(plan.kommune)}"),
        "dct:description": _nb(
            f"Tiltakene i {plan.kommune} kommunes plan for forebygging av omsorgssvikt og atferdsvansker "
            "(barnevernsloven § 15-1) etter nivå (universell, selektiv, indikativ) med status og ansvarlige "
            f"tjenester, og det kommunen ellers har frigitt (møtearenaer, indikatorer med kilde).{demo}"),
        "dct:publisher": publisher(plan.kommune, orgnr),
        "dcat:contactPoint": contact,
        "dcat:theme": [_concept("data-theme", "SOCI", "Befolkning og samfunn"),
                       _concept("data-theme", "GOVE", "Forvaltning og offentlig sektor")],
        "dcat:keyword": [_nb(k) for k in KEYWORDS],
        "dct:language": _concept("language", "NOB", "Norsk bokmål", "dct:LinguisticSystem"),
        "dct:accessRights": _concept("access-right", "PUBLIC", "Offentlig", "dct:RightsStatement"),
        "dcat:distribution": [_distribution(plan, name, base_url) for name in file_names(plan)],
    }
    if plan.updated_at is not None:
        node["dct:modified"] = {"@type": "xsd:dateTime", "@value": plan.updated_at.replace(microsecond=0).isoformat()}
    return node


def catalog(plans: list[ReleasedPlan], base_url: str, orgnr_setting: str, contact_email: str = "", *,
            catalog_url: str) -> dict:
    """A dcat:Catalog holding one dataset per released plan (JSON-LD, ready for ``json.dumps``)."""
    kommuner = sorted({p.kommune for p in plans})
    if len(kommuner) == 1:
        owner = publisher(kommuner[0], parse_orgnr(orgnr_setting, kommuner[0]))
    else:  # several kommuner share one Laget (or none is released yet): named, without one identifier
        owner = {"@type": "foaf:Agent", "foaf:name": _nb(", ".join(kommune_title(k) for k in kommuner) or "Laget")}
    return {
        "@context": CONTEXT,
        "@id": catalog_url, "@type": "dcat:Catalog", "dct:identifier": catalog_url,
        "dct:title": _nb(f"Åpne data fra forebyggingsplaner – {', '.join(kommuner) or 'ingen planer ennå'}"),
        "dct:description": _nb("Forebyggingsplaner (barnevernsloven § 15-1) som kommunen har gjort offentlige i "
                               "Laget, som CSV og JSON under NLOD 2.0."),
        "dct:publisher": owner,
        "dct:language": _concept("language", "NOB", "Norsk bokmål", "dct:LinguisticSystem"),
        "dcat:dataset": [dataset(p, base_url, parse_orgnr(orgnr_setting, p.kommune), contact_email) for p in plans],
    }
