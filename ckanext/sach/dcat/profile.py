"""RDF profile ``sach_dcat_ap``: the municipal delta on top of ckanext-dcat's DCAT-AP 3.

The class inherits :class:`EuropeanDCATAP3Profile` and calls it for everything it
already maps (title, description, keywords, dates, contact point, temporal
coverage, landing page, documentation, distributions, byte size, …). Before the
call the dataset dict is *prepared* (a shallow copy gets the publisher, creator,
spatial URIs, IANA/EU format URIs, the licence per distribution, the themes);
after it the profile adds what DCAT-AP validators ask for and stock does not
emit: authority-table URIs typed and placed in their concept schemes, the
licence document, applicable legislation, quality and personal-data notes.

Configured after the stock profile (``euro_dcat_ap_3 sach_dcat_ap``) it replaces
the stock output for each dataset instead of duplicating it; configured alone it
produces the same graph. The site's own endpoints drop the redundant stock pass
(see :func:`ckanext.sach.dcat.serialize.effective_profiles`).
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ckanext.dcat.profiles import DCAT, DCT, FOAF, RDF, SKOS, VCARD
from ckanext.dcat.profiles.base import DCATAP, RDFS, CleanedURIRef, URIRefOrLiteral
from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile
from ckanext.dcat.utils import catalog_uri, dataset_uri, resource_uri

from ckanext.sach.dcat import catalogue, orgs, terms
from ckanext.sach.dcat.terms import DQV, ELI, OA, SACH
from ckanext.sach.explore import api

__all__ = ["SachDCATAPProfile", "datastore_service", "describe"]


_VOCAB: Any = None


def _vocab():
    global _VOCAB
    if _VOCAB is None:
        from ckanext.sach import vocab

        _VOCAB = vocab
    return _VOCAB


# --- the node factories of ckanext-dcat's base profile, with the same results, faster.
# Stock quotes each of these characters with one ``str.replace`` and one
# ``urllib.parse.quote`` call per character for every URI it writes (≈20 calls per
# URI); one ``str.translate`` does the same substitution (the replacements contain
# only ``%`` and hex digits, never a character of the set, so the order of the
# replacements does not matter). tests/dcat/test_fast_nodes.py checks equality.
_CAREFUL_QUOTE = str.maketrans({c: quote(c) for c in " !\"$'()*,;<>[]{|}\\^`"})


def cleaned_uri(value: Any) -> URIRef:
    """Same as ``CleanedURIRef(value)``."""
    if isinstance(value, str):
        value = value.strip().translate(_CAREFUL_QUOTE)
    return URIRef(value)


def uri_or_literal(value: Any, lang: str | None = None) -> Node:
    """Same as ``URIRefOrLiteral(value, lang)``."""
    try:
        stripped = value.strip()
        if isinstance(value, str) and (stripped.startswith("http://") or stripped.startswith("https://")):
            node = cleaned_uri(value)
            node.n3()  # rdflib refuses some IRIs only when writing them: stock falls back then
            return node
        return Literal(value, lang=lang)
    except Exception:
        return Literal(value, lang=lang)


_FAST_TYPES = {URIRefOrLiteral: uri_or_literal, CleanedURIRef: cleaned_uri, URIRef: cleaned_uri}
#: a date and time without zone: what ``metadata_modified`` and the schema's dates hold
_NAIVE_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?")


def _labels(item: dict[str, Any] | None) -> dict[str, str]:
    label = (item or {}).get("label") or {}
    if isinstance(label, str):
        return {"es": label}
    return {lang: text for lang, text in label.items() if text}


def describe(g: Any, descriptor: tuple) -> None:
    """Add to ``g`` the description of a shared node (see ``SachDCATAPProfile._shared``).

    Descriptors are tuples of strings, so they can be cached next to a dataset's
    serialisation and described again in any process.
    """
    kind = descriptor[0]
    if kind == "concept":
        _, uri, scheme, labels, cls = descriptor
        node = URIRef(uri)
        g.add((node, RDF.type, SKOS.Concept))
        if cls:
            g.add((node, RDF.type, URIRef(cls)))
        g.add((node, SKOS.inScheme, URIRef(scheme)))
        for lang, text in labels:
            g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
    elif kind == "agent":
        # ckanext-dcat's own agent mapping, on a placeholder subject, plus the site's typing
        profile = SachDCATAPProfile(g)
        holder = BNode()
        profile._add_agents(holder, {"agent": [dict(descriptor[1])]}, "agent", DCT.publisher)
        for agent in list(g.objects(holder, DCT.publisher)):
            g.remove((holder, DCT.publisher, agent))
            profile._organization(agent)
    elif kind == "a":
        g.add((URIRef(descriptor[1]), RDF.type, URIRef(descriptor[2])))
    elif kind == "scheme":
        _, uri, titles = descriptor
        g.add((URIRef(uri), RDF.type, SKOS.ConceptScheme))
        for lang, text in titles:
            g.add((URIRef(uri), DCT.title, Literal(text, lang=lang)))
    elif kind == "language":
        code = descriptor[1]
        uri = URIRef(terms.language_uri(code))
        g.add((uri, RDF.type, DCT.LinguisticSystem))
        labels = _labels(_vocab().get("languages", code)) or {"en": code}
        describe(g, ("concept", str(uri), terms.AUTH + "language", tuple(sorted(labels.items())), ""))
    elif kind == "legislation":
        value = descriptor[1]
        item = _vocab().get("obligations", value) or {}
        uri = URIRef(terms.legislation_uri(value))
        g.add((uri, RDF.type, ELI.LegalResource))
        g.add((uri, DCT.identifier, Literal(value)))
        for lang, text in _labels(item).items():
            g.add((uri, DCT.title, Literal(text, lang=lang)))
        if item.get("version"):
            g.add((uri, ELI.is_part_of, URIRef(terms.legislation_uri(str(item["version"])))))
        if item.get("provisional"):
            g.add((uri, SACH.provisional, Literal(True)))
    else:
        raise ValueError(f"unknown shared node: {descriptor!r}")


def datastore_service(dataset: dict[str, Any], resource: dict[str, Any], licence: str | None) -> dict[str, Any]:
    """The DataStore API of a loaded resource as ckanext-dcat's ``access_services`` entry: a
    ``dcat:DataService`` (the Data API section of the resource page) serving the dataset."""
    name = resource.get("name") or resource["id"]
    service = {
        "uri": resource_uri(resource) + "#api-de-datos",
        "title": f"API de datos de «{name}»",
        "description": ("Consulta, filtro y descarga de las filas de este recurso con datastore_search "
                        "(CKAN DataStore) y sus descargas en CSV, JSON y XLSX."),
        "endpoint_url": [api.endpoint()],
        "endpoint_description": api.DATASTORE_API_DOCS,
        "serves_dataset": [dataset_uri(dataset)],
    }
    if licence:
        service["license"] = licence
    contact = next((c for c in dataset.get("contact") or [] if isinstance(c, dict) and c.get("email")), None)
    if contact:
        service["contact"] = {"name": contact.get("name") or contact["email"], "email": contact["email"]}
    # the municipality, described once with the dataset's own dct:publisher
    service["publisher"] = {"uri": catalogue.municipality_agent()["uri"]}
    return service


class SachDCATAPProfile(EuropeanDCATAP3Profile):
    """DCAT-AP 3.0.1 for the catalogue of San Andrés Cholula."""

    # ------------------------------------------------------------------ output
    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        if (dataset_ref, RDF.type, DCAT.Dataset) in self.g:
            # euro_dcat_ap_3 ran before us in the profile chain: replace its output.
            self._remove_tree(dataset_ref)
        prepared = self._prepare(dataset_dict)
        super().graph_from_dataset(prepared, dataset_ref)
        self._dataset_delta(dataset_dict, prepared, dataset_ref, self._shared_agents)

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: URIRef) -> None:
        settings = catalogue.settings()
        given = dict(catalog_dict or {})
        if (catalog_ref, RDF.type, DCAT.Catalog) in self.g:
            for p, o in list(self.g.predicate_objects(catalog_ref)):
                if p != DCAT.dataset:
                    self.g.remove((catalog_ref, p, o))
        self._catalog_modified = given.get("modified")
        prepared = {
            "title": given.get("title") or settings["title"],
            "description": given.get("description") or settings["description"],
            "homepage": given.get("homepage") or settings["homepage"],
            "language": terms.language_uri(settings["languages"][0]) if settings["languages"] else "",
        }
        super().graph_from_catalog(prepared, catalog_ref)
        self._catalog_delta(settings, catalog_ref)

    def _last_catalog_modification(self) -> str | None:
        modified = getattr(self, "_catalog_modified", None)
        if modified:
            return modified
        return super()._last_catalog_modification()

    # ------------------------------------------------- faster stock helpers
    # Same contract and output as the base profile's helpers (checked by
    # tests/dcat/test_fast_nodes.py against the originals); ckanext-dcat's own code
    # keeps deciding what to write.
    def _add_triple_from_dict(self, _dict, subject, predicate, key, fallbacks=None, list_value=False,
                              date_value=False, _type=Literal, _datatype=None, _class=None,
                              value_modifier=None):
        if _datatype is None:
            _type = _FAST_TYPES.get(_type, _type)
        return super()._add_triple_from_dict(
            _dict, subject, predicate, key, fallbacks=fallbacks, list_value=list_value,
            date_value=date_value, _type=_type, _datatype=_datatype, _class=_class,
            value_modifier=value_modifier)

    def _add_list_triple(self, subject, predicate, value, _type=Literal, _datatype=None, _class=None):
        if _datatype is None:
            _type = _FAST_TYPES.get(_type, _type)
        return super()._add_list_triple(subject, predicate, value, _type, _datatype, _class)

    def _add_date_triple(self, subject, predicate, value, _type=Literal):
        # dateutil's parser is the slowest step of the stock profile; an ISO date-time
        # without zone means the same to Python's own parser.
        if _type is Literal and isinstance(value, str) and _NAIVE_DATETIME.fullmatch(value):
            try:
                parsed = datetime.datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                self.g.add((subject, predicate, Literal(parsed.isoformat(), datatype=XSD.dateTime)))
                return
        super()._add_date_triple(subject, predicate, value, _type)

    # ------------------------------------------------------------- preparation
    def _prepare(self, dataset_dict: dict[str, Any]) -> dict[str, Any]:
        d = dict(dataset_dict)
        vocab = _vocab()

        d["publisher"] = [catalogue.municipality_agent()]
        org = orgs.lookup((d.get("organization") or {}).get("id") or d.get("owner_org"))
        d["creator"] = [orgs.agent(org)] if org else []

        d["frequency"] = None
        d["language"] = None

        places = []
        for item in d.get("spatial_coverage") or []:
            if not isinstance(item, dict) or not item.get("place"):
                continue
            entry = vocab.get("places", item["place"])
            places.append({
                "uri": terms.place_uri(item["place"]),
                "text": item.get("text") or (_labels(entry).get("es") if entry else item["place"]),
            })
        d["spatial_coverage"] = places

        themes = []
        sector = vocab.get("sectors", d["sector"]) if d.get("sector") else None
        themes.extend(terms.eu_theme_uris(sector))
        if d.get("sector"):
            themes.append(terms.sector_uri(d["sector"]))
        for group in d.get("groups") or []:
            themes.append(terms.theme_uri(group["name"]))
        d["theme"] = themes

        conforms = [d["data_dictionary_url"]] if d.get("data_dictionary_url") else []
        for res in d.get("resources") or []:
            if res.get("resource_role") == "data_dictionary" and res.get("url"):
                conforms.append(res["url"])
        d["conforms_to"] = conforms

        licence_uri = terms.licence_uri(d)
        resources = []
        for res in d.get("resources") or []:
            r = dict(res)
            r.setdefault("package_id", d.get("id"))
            # format and media type are written by the delta, as authority-table URIs
            r["format"] = r["mimetype"] = None
            if r.get("url"):
                r["access_url"] = r["url"]
                r["download_url"] = r["url"]
            if licence_uri and not r.get("license"):
                r["license"] = licence_uri
            for key in ("language", "documentation", "conforms_to", "access_services"):
                r.pop(key, None)
            if api.is_loaded(r) and d.get("id") and r.get("id"):
                r["access_services"] = [datastore_service(d, r, licence_uri)]
            resources.append(r)
        d["resources"] = resources

        self._shared_agents: set[str] = set()
        if getattr(self.g.store, "shared", None) is not None:
            # The municipality and the dependencias are the agents of every dataset: stock
            # describes each once per process (see describe()); here it only links them.
            for key in ("publisher", "creator"):
                agents = d.get(key) or []
                if agents and all(a.get("uri") for a in agents):
                    for agent in agents:
                        self._shared(("agent", tuple(sorted((k, v) for k, v in agent.items() if v))))
                    d[key] = [{"uri": a["uri"]} for a in agents]
                    self._shared_agents.add(key)
        return d

    # ------------------------------------------------------------------- delta
    def _dataset_delta(self, original: dict[str, Any], d: dict[str, Any], ref: URIRef,
                       shared_agents: set[str] | frozenset[str] = frozenset()) -> None:
        g = self.g
        vocab = _vocab()

        if original.get("name"):
            g.add((ref, SACH.name, Literal(original["name"])))
        if not original.get("issued"):
            # stock falls back to metadata_created: a publication date nobody gave
            g.remove((ref, DCT.issued, None))
        for predicate, key in ((DCT.publisher, "publisher"), (DCT.creator, "creator")):
            if key not in shared_agents:
                for agent in g.objects(ref, predicate):
                    self._organization(agent)

        if original.get("frequency"):
            item = vocab.get("frequencies", original["frequency"])
            if item and item.get("eu_uri"):
                uri = URIRef(item["eu_uri"])
                g.add((ref, DCT.accrualPeriodicity, uri))
                self._concept(uri, terms.AUTH + "frequency", _labels(item), DCT.Frequency)

        for code in original.get("language") or []:
            uri = URIRef(terms.language_uri(code))
            g.add((ref, DCT.language, uri))
            self._language(code)

        self._themes(original, ref)

        for location in g.objects(ref, DCT.spatial):
            place = terms.place_from_uri(str(location))
            entry = vocab.get("places", place) if place else None
            if entry and entry.get("inegi_key"):
                g.add((location, DCT.identifier, Literal(str(entry["inegi_key"]))))
            if entry and entry.get("kind"):
                g.add((location, DCT.type, SACH[f"place-kind/{entry['kind']}"]))

        access = URIRef(terms.AUTH + "access-right/PUBLIC")
        g.add((ref, DCT.accessRights, access))
        self._concept(access, terms.AUTH + "access-right", {"en": "public", "es": "público"}, DCT.RightsStatement)

        for value in original.get("transparency_obligations") or []:
            self._legislation(ref, value)

        for uri in g.objects(ref, DCT.conformsTo):
            if original.get("data_dictionary_url") and str(uri) == original["data_dictionary_url"]:
                g.add((uri, DCT.title, Literal("Diccionario de datos", lang="es")))
                g.add((uri, DCT.type, SACH.DataDictionary))

        if original.get("personal_data"):
            g.add((ref, SACH.personalData, SACH[f"personal-data/{original['personal_data']}"]))
        if original.get("personal_data_legal_basis"):
            g.add((ref, SACH.personalDataLegalBasis, Literal(original["personal_data_legal_basis"], lang="es")))
        if original.get("quality_notes"):
            note = BNode()
            g.add((ref, DQV.hasQualityAnnotation, note))
            g.add((note, RDF.type, DQV.QualityAnnotation))
            g.add((note, OA.motivatedBy, DQV.qualityAssessment))
            g.add((note, OA.bodyValue, Literal(original["quality_notes"], lang="es")))

        originals: dict[str, dict[str, Any]] = {}
        for res in original.get("resources") or []:
            if res.get("uri") and res["uri"] != "None":  # stock's resource_uri() uses it
                originals[str(cleaned_uri(res["uri"]))] = res
            elif res.get("id"):
                originals[res["id"]] = res
        for dist in list(g.objects(ref, DCAT.distribution)):
            res = originals.get(str(dist)) or originals.get(str(dist).rsplit("/", 1)[-1]) or {}
            # Every format reaches the RDF: the EU file type where one exists, the IANA
            # media type where one is known (stock harvesters turn it back into a label);
            # DCAT-AP's vocabulary shapes allow nothing else in dct:format, so a format
            # with neither is kept as given in sach:format.
            fmt = terms.format_entry(res.get("format"))
            if fmt:
                node = uri_or_literal(terms.AUTH_FILE_TYPE + fmt["eu"])
                g.add((dist, DCT["format"], node))
                if isinstance(node, URIRef):
                    self._concept(node, terms.AUTH + "file-type", {"en": fmt["eu"]}, DCT.MediaTypeOrExtent)
            media = terms.media_type(res.get("mimetype"), res.get("format"))
            if media:
                node = uri_or_literal(terms.IANA + media)
                g.add((dist, DCAT.mediaType, node))
                if isinstance(node, URIRef):
                    self._shared(("a", str(node), str(DCT.MediaType)))
            if not fmt and res.get("format") and str(res["format"]).strip():
                g.add((dist, SACH["format"], Literal(str(res["format"]).strip())))
            if not res.get("issued"):  # stock falls back to the resource's creation
                g.remove((dist, DCT.issued, None))
            for lic in list(g.objects(dist, DCT.license)):
                self._licence(lic, original)
            for service in list(g.objects(dist, DCAT.accessService)):
                for lic in list(g.objects(service, DCT.license)):
                    self._licence(lic, original)
            availability = URIRef(terms.AUTH + "planned-availability/STABLE")
            g.add((dist, DCATAP.availability, availability))
            self._concept(availability, terms.AUTH + "planned-availability", {"en": "stable", "es": "estable"})
            role = res.get("resource_role")
            if role:
                g.add((dist, DCT.type, SACH[f"resource-role/{role}"]))

    def _catalog_delta(self, settings: dict[str, Any], ref: URIRef) -> None:
        g = self.g
        for home in g.objects(ref, FOAF.homepage):
            g.add((home, RDF.type, FOAF.Document))
        for code in settings["languages"]:
            uri = URIRef(terms.language_uri(code))
            g.add((ref, DCT.language, uri))
            self._language(code)

        agent = self._add_agent_to_graph(ref, DCT.publisher, catalogue.municipality_agent())
        self._organization(agent)

        licence = URIRef(settings["licence_url"])
        g.add((ref, DCT.license, licence))
        self._licence(licence, {"license_title": settings["licence_title"]})

        place = catalogue.municipality_place()
        location = URIRef(terms.place_uri(place["value"]))
        g.add((ref, DCT.spatial, location))
        g.add((location, RDF.type, DCT.Location))
        g.add((location, SKOS.prefLabel, Literal(place["label"])))
        g.add((location, DCT.identifier, Literal(place["inegi_key"])))

        if settings.get("issued"):
            self._add_date_triple(ref, DCT.issued, settings["issued"])

        for scheme, title in (
            (URIRef(terms.AUTH + "data-theme"), {"en": "Data theme", "es": "Temas de datos (UE)"}),
            (URIRef(terms.theme_scheme_uri()), {"es": "Temas", "en": "Themes"}),
            (URIRef(terms.sector_scheme_uri()), {"es": "Sectores", "en": "Sectors"}),
        ):
            g.add((ref, DCAT.themeTaxonomy, scheme))
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            for lang, text in title.items():
                g.add((scheme, DCT.title, Literal(text, lang=lang)))

        service = catalogue.api_service()
        if service:
            sref = URIRef(service["uri"])
            g.add((ref, DCAT.service, sref))
            g.add((sref, RDF.type, DCAT.DataService))
            g.add((sref, DCT.title, Literal(service["title"], lang="es")))
            g.add((sref, DCAT.endpointURL, URIRef(service["endpoint_url"])))
            g.add((sref, DCAT.endpointDescription, URIRef(service["endpoint_description"])))
            standard = URIRef(service["conforms_to"])
            g.add((sref, DCT.conformsTo, standard))
            g.add((standard, RDF.type, DCT.Standard))
            pub = self._add_agent_to_graph(sref, DCT.publisher, catalogue.municipality_agent())
            self._organization(pub)
            contact = BNode()
            g.add((sref, DCAT.contactPoint, contact))
            g.add((contact, RDF.type, VCARD.Kind))
            g.add((contact, VCARD.fn, Literal(settings["contact_name"])))
            g.add((contact, VCARD.hasEmail, URIRef("mailto:" + settings["contact_email"])))
            licence_ref = URIRef(settings["licence_url"])
            g.add((sref, DCT.license, licence_ref))

    # ----------------------------------------------------------------- helpers
    def _shared(self, descriptor: tuple) -> None:
        """Describe a node that many datasets share (a concept, a language, a law, an agent).

        Into the graph, normally. A graph built by the site's DCAT endpoints instead
        collects the descriptors (``DatasetStore.shared``): each description is then
        built once per process and written once per document
        (:mod:`ckanext.sach.dcat.serialize`), not once per dataset.
        """
        sink = getattr(self.g.store, "shared", None)
        if sink is None:
            describe(self.g, descriptor)
        else:
            sink.add(descriptor)

    def _concept(self, uri: Node, scheme: str, labels: dict[str, str], cls: URIRef | None = None) -> None:
        self._shared(("concept", str(uri), str(scheme), tuple(sorted(labels.items())), str(cls or "")))

    def _language(self, code: str) -> None:
        self._shared(("language", code))

    def _organization(self, agent: Node) -> None:
        g = self.g
        g.add((agent, RDF.type, FOAF.Organization))
        for kind in list(g.objects(agent, DCT.type)):
            if isinstance(kind, URIRef) and str(kind).startswith(terms.PUBLISHER_TYPE):
                self._concept(kind, terms.PUBLISHER_TYPE + "1.0", {"en": str(kind).rsplit("/", 1)[-1]})
                self._shared(("scheme", terms.PUBLISHER_TYPE + "1.0", (("en", "Publisher Type"),)))
        # foaf:mbox is a literal in stock agents; DCAT-AP wants the mailto: IRI
        for mbox in list(g.objects(agent, FOAF.mbox)):
            if isinstance(mbox, Literal):
                g.remove((agent, FOAF.mbox, mbox))
                g.add((agent, FOAF.mbox, URIRef(self._add_mailto(str(mbox)))))

    def _licence(self, lic: Node, dataset_dict: dict[str, Any]) -> None:
        g = self.g
        g.remove((lic, DCT.type, URIRef(terms.LICENCE_TYPE + "UnknownIPR")))
        g.add((lic, RDF.type, DCT.LicenseDocument))
        if dataset_dict.get("license_title"):
            g.add((lic, DCT.title, Literal(dataset_dict["license_title"])))
        kind = URIRef(terms.LICENCE_TYPE + "Attribution")
        g.add((lic, DCT.type, kind))
        self._concept(kind, terms.LICENCE_TYPE + "1.0", {"en": "Attribution"})

    def _themes(self, original: dict[str, Any], ref: URIRef) -> None:
        vocab = _vocab()
        sector = vocab.get("sectors", original["sector"]) if original.get("sector") else None
        for theme in terms.eu_theme_uris(sector):
            uri = URIRef(theme)
            self._concept(uri, terms.AUTH + "data-theme", {"en": theme.rsplit("/", 1)[-1]})
        if original.get("sector"):
            uri = URIRef(terms.sector_uri(original["sector"]))
            self._concept(uri, terms.sector_scheme_uri(), _labels(sector) or {"es": original["sector"]})
        for group in original.get("groups") or []:
            uri = URIRef(terms.theme_uri(group["name"]))
            self._concept(uri, terms.theme_scheme_uri(), {"es": group.get("title") or group["name"]})

    def _legislation(self, ref: URIRef, value: str) -> None:
        self.g.add((ref, DCATAP.applicableLegislation, URIRef(terms.legislation_uri(value))))
        self._shared(("legislation", value))

    def _remove_tree(self, ref: Node) -> None:
        """Remove ``ref``'s triples and those of its blank nodes, distributions and agents."""
        g = self.g
        todo = [ref]
        seen: set[Node] = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for p, o in list(g.predicate_objects(node)):
                if isinstance(o, BNode) or p in (DCAT.distribution, DCT.publisher, DCT.creator):
                    todo.append(o)
                g.remove((node, p, o))

    # ------------------------------------------------------------------- input
    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        g = self.g
        vocab = _vocab()
        base = catalog_uri().rstrip("/")
        extras = {e["key"]: e for e in dataset_dict.get("extras", [])}
        drop = {"frequency", "language", "theme", "conforms_to", "applicable_legislation",
                "access_rights", "uri", "homepage", "publisher_uri", "publisher_name",
                "publisher_email", "publisher_url", "publisher_type", "publisher_identifier",
                "creator_uri", "creator_name", "creator_email", "creator_url", "creator_type",
                "creator_identifier", "spatial_uri", "spatial_text"}

        for key in ("documentation",):
            if isinstance(dataset_dict.get(key), str):
                try:
                    dataset_dict[key] = json.loads(dataset_dict[key])
                except ValueError:
                    dataset_dict[key] = [dataset_dict[key]]

        name = self._object_value(dataset_ref, SACH.name)
        if name:
            dataset_dict["name"] = name

        freq = self._object(dataset_ref, DCT.accrualPeriodicity)
        if freq is not None:
            for item in vocab.items("frequencies"):
                if item.get("eu_uri") == str(freq):
                    dataset_dict["frequency"] = item["value"]

        languages = []
        for uri in g.objects(dataset_ref, DCT.language):
            for item in vocab.items("languages"):
                if item.get("eu_uri") == str(uri):
                    languages.append(item["value"])
        if languages:
            dataset_dict["language"] = sorted(languages)

        groups = []
        for uri in g.objects(dataset_ref, DCAT.theme):
            sector = terms.sector_from_uri(str(uri))
            theme = terms.theme_from_uri(str(uri))
            if sector:
                dataset_dict["sector"] = sector
            elif theme:
                groups.append({"name": theme})
        if groups:
            dataset_dict["groups"] = sorted(groups, key=lambda x: x["name"])

        places = []
        for location in g.objects(dataset_ref, DCT.spatial):
            place = terms.place_from_uri(str(location))
            if place:
                places.append({"place": place, "text": self._object_value(location, SKOS.prefLabel)})
        if places:
            dataset_dict["spatial_coverage"] = places

        obligations = [self._object_value(uri, DCT.identifier) or str(uri)
                       for uri in g.objects(dataset_ref, DCATAP.applicableLegislation)]
        if obligations:
            dataset_dict["transparency_obligations"] = sorted(obligations)

        for uri in g.objects(dataset_ref, DCT.conformsTo):
            if (uri, DCT.type, SACH.DataDictionary) in g:
                dataset_dict["data_dictionary_url"] = str(uri)

        for key, predicate in (("personal_data", SACH.personalData),
                               ("personal_data_legal_basis", SACH.personalDataLegalBasis)):
            value = self._object(dataset_ref, predicate)
            if value is not None:
                dataset_dict[key] = str(value).rsplit("/", 1)[-1] if isinstance(value, URIRef) else str(value)
        for note in g.objects(dataset_ref, DQV.hasQualityAnnotation):
            body = self._object_value(note, OA.bodyValue)
            if body:
                dataset_dict["quality_notes"] = body

        if dataset_dict.get("contact"):
            dataset_dict["contact"] = [
                {"name": c.get("name", ""), "email": c.get("email", "")} for c in dataset_dict["contact"]
            ]
        for creator in g.objects(dataset_ref, DCT.creator):
            prefix = base + "/organization/"
            if str(creator).startswith(prefix):
                dataset_dict["owner_org"] = str(creator)[len(prefix):]

        for value in ("issued", "modified"):
            if value in extras:
                dataset_dict[value] = extras[value]["value"]
                drop.add(value)
        if "identifier" in extras:
            dataset_dict["identifier"] = extras["identifier"]["value"]
            drop.add("identifier")

        dataset_dict["extras"] = [e for e in dataset_dict.get("extras", []) if e["key"] not in drop]

        for res in dataset_dict.get("resources", []):
            dist = URIRef(res.get("distribution_ref")) if res.get("distribution_ref") else None
            if dist is None:
                continue
            fmt = self._object(dist, DCT["format"])
            if isinstance(fmt, URIRef):
                res["format"] = terms.format_label(str(fmt).rsplit("/", 1)[-1]) or res.get("format")
            given = self._object(dist, SACH["format"])
            if given is not None and not isinstance(fmt, URIRef):
                res["format"] = str(given)
            media = self._object(dist, DCAT.mediaType)
            if isinstance(media, URIRef) and str(media).startswith(terms.IANA):
                res["mimetype"] = str(media)[len(terms.IANA):]
            for kind in g.objects(dist, DCT.type):
                if str(kind).startswith(str(SACH) + "resource-role/"):
                    res["resource_role"] = str(kind).rsplit("/", 1)[-1]
            rights = self._object(dist, DCT.rights)
            if rights is not None:
                res["rights"] = self._object_value(rights, RDFS.label) or str(rights)
        return dataset_dict
