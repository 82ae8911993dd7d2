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
import functools
import json
import re
from collections.abc import Callable
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


@functools.cache
def _vocab() -> Any:
    from ckanext.sach import vocab

    return vocab


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
    except Exception:  # noqa: BLE001 -- rdflib's URIRef.n3() raises a bare Exception; stock's URIRefOrLiteral catches the same
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
    describer = _DESCRIBERS.get(descriptor[0])
    if describer is None:
        raise ValueError(f"unknown shared node: {descriptor!r}")
    describer(g, descriptor)


def _describe_concept(g: Any, descriptor: tuple) -> None:
    _, uri, scheme, labels, cls = descriptor
    node = URIRef(uri)
    g.add((node, RDF.type, SKOS.Concept))
    if cls:
        g.add((node, RDF.type, URIRef(cls)))
    g.add((node, SKOS.inScheme, URIRef(scheme)))
    for lang, text in labels:
        g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))


def _describe_agent(g: Any, descriptor: tuple) -> None:
    SachDCATAPProfile(g).describe_agent(dict(descriptor[1]))


def _describe_type(g: Any, descriptor: tuple) -> None:
    g.add((URIRef(descriptor[1]), RDF.type, URIRef(descriptor[2])))


def _describe_scheme(g: Any, descriptor: tuple) -> None:
    _, uri, titles = descriptor
    g.add((URIRef(uri), RDF.type, SKOS.ConceptScheme))
    for lang, text in titles:
        g.add((URIRef(uri), DCT.title, Literal(text, lang=lang)))


def _describe_language(g: Any, descriptor: tuple) -> None:
    code = descriptor[1]
    uri = URIRef(terms.language_uri(code))
    g.add((uri, RDF.type, DCT.LinguisticSystem))
    labels = _labels(_vocab().get("languages", code)) or {"en": code}
    describe(g, ("concept", str(uri), terms.AUTH + "language", tuple(sorted(labels.items())), ""))


def _describe_legislation(g: Any, descriptor: tuple) -> None:
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


_DESCRIBERS: dict[str, Callable[[Any, tuple], None]] = {
    "concept": _describe_concept,
    "agent": _describe_agent,
    "a": _describe_type,
    "scheme": _describe_scheme,
    "language": _describe_language,
    "legislation": _describe_legislation,
}


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
    def _add_triple_from_dict(self, _dict: dict[str, Any], subject: Node, predicate: Node, key: str,
                              fallbacks: list[str] | None = None, list_value: bool = False,
                              date_value: bool = False, _type: Any = Literal, _datatype: Any = None,
                              _class: Any = None, value_modifier: Callable[[Any], Any] | None = None) -> None:
        if _datatype is None:
            _type = _FAST_TYPES.get(_type, _type)
        return super()._add_triple_from_dict(
            _dict, subject, predicate, key, fallbacks=fallbacks, list_value=list_value,
            date_value=date_value, _type=_type, _datatype=_datatype, _class=_class,
            value_modifier=value_modifier)

    def _add_list_triple(self, subject: Node, predicate: Node, value: Any, _type: Any = Literal,
                         _datatype: Any = None, _class: Any = None) -> None:
        if _datatype is None:
            _type = _FAST_TYPES.get(_type, _type)
        return super()._add_list_triple(subject, predicate, value, _type, _datatype, _class)

    def _add_date_triple(self, subject: Node, predicate: Node, value: Any, _type: Any = Literal) -> None:
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
    # The dataset dict handed to the stock profile: a shallow copy, each step fills one
    # field the way stock maps it (or empties one the delta writes itself).
    def _prepare(self, dataset_dict: dict[str, Any]) -> dict[str, Any]:
        d = dict(dataset_dict)
        self._prepare_agents(d)
        d["frequency"] = None
        d["language"] = None
        self._prepare_places(d)
        self._prepare_themes(d)
        self._prepare_conforms_to(d)
        self._prepare_resources(d)
        self._link_shared_agents(d)
        return d

    @staticmethod
    def _prepare_agents(d: dict[str, Any]) -> None:
        d["publisher"] = [catalogue.municipality_agent()]
        org = orgs.lookup((d.get("organization") or {}).get("id") or d.get("owner_org"))
        d["creator"] = [orgs.agent(org)] if org else []

    @staticmethod
    def _prepare_places(d: dict[str, Any]) -> None:
        vocab = _vocab()
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

    @staticmethod
    def _prepare_themes(d: dict[str, Any]) -> None:
        themes = []
        sector = _vocab().get("sectors", d["sector"]) if d.get("sector") else None
        themes.extend(terms.eu_theme_uris(sector))
        if d.get("sector"):
            themes.append(terms.sector_uri(d["sector"]))
        themes.extend(terms.theme_uri(group["name"]) for group in d.get("groups") or [])
        d["theme"] = themes

    @staticmethod
    def _prepare_conforms_to(d: dict[str, Any]) -> None:
        conforms = [d["data_dictionary_url"]] if d.get("data_dictionary_url") else []
        conforms.extend(res["url"] for res in d.get("resources") or []
                        if res.get("resource_role") == "data_dictionary" and res.get("url"))
        d["conforms_to"] = conforms

    @staticmethod
    def _prepare_resources(d: dict[str, Any]) -> None:
        licence_uri = terms.licence_uri(d)
        d["resources"] = [SachDCATAPProfile._prepare_resource(d, res, licence_uri)
                          for res in d.get("resources") or []]

    @staticmethod
    def _prepare_resource(d: dict[str, Any], res: dict[str, Any], licence_uri: str | None) -> dict[str, Any]:
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
        return r

    def _link_shared_agents(self, d: dict[str, Any]) -> None:
        self._shared_agents: set[str] = set()
        if getattr(self.g.store, "shared", None) is None:
            return
        # The municipality and the dependencias are the agents of every dataset: stock
        # describes each once per process (see describe()); here it only links them.
        for key in ("publisher", "creator"):
            agents = d.get(key) or []
            if agents and all(a.get("uri") for a in agents):
                for agent in agents:
                    self._shared(("agent", tuple(sorted((k, v) for k, v in agent.items() if v))))
                d[key] = [{"uri": a["uri"]} for a in agents]
                self._shared_agents.add(key)

    # ------------------------------------------------------------------- delta
    # What the stock output lacks, one field per step, in the order the graph was
    # always built (the original dict, not the prepared one, is the source).
    def _dataset_delta(self, original: dict[str, Any], d: dict[str, Any], ref: URIRef,
                       shared_agents: set[str] | frozenset[str] = frozenset()) -> None:
        self._graph_name(original, ref)
        self._graph_issued(original, ref)
        self._graph_agents(ref, shared_agents)
        self._graph_frequency(original, ref)
        self._graph_languages(original, ref)
        self._themes(original, ref)
        self._graph_places(ref)
        self._graph_access_rights(ref)
        for value in original.get("transparency_obligations") or []:
            self._legislation(ref, value)
        self._graph_data_dictionary(original, ref)
        self._graph_personal_data(original, ref)
        self._graph_quality_notes(original, ref)
        resources = self._resources_by_ref(original)
        for dist in list(self.g.objects(ref, DCAT.distribution)):
            res = resources.get(str(dist)) or resources.get(str(dist).rsplit("/", 1)[-1]) or {}
            self._distribution_delta(original, res, dist)

    def _graph_name(self, original: dict[str, Any], ref: URIRef) -> None:
        if original.get("name"):
            self.g.add((ref, SACH.name, Literal(original["name"])))

    def _graph_issued(self, original: dict[str, Any], ref: URIRef) -> None:
        if not original.get("issued"):
            # stock falls back to metadata_created: a publication date nobody gave
            self.g.remove((ref, DCT.issued, None))

    def _graph_agents(self, ref: URIRef, shared_agents: set[str] | frozenset[str]) -> None:
        for predicate, key in ((DCT.publisher, "publisher"), (DCT.creator, "creator")):
            if key not in shared_agents:
                for agent in self.g.objects(ref, predicate):
                    self._organization(agent)

    def _graph_frequency(self, original: dict[str, Any], ref: URIRef) -> None:
        if not original.get("frequency"):
            return
        item = _vocab().get("frequencies", original["frequency"])
        if item and item.get("eu_uri"):
            uri = URIRef(item["eu_uri"])
            self.g.add((ref, DCT.accrualPeriodicity, uri))
            self._concept(uri, terms.AUTH + "frequency", _labels(item), DCT.Frequency)

    def _graph_languages(self, original: dict[str, Any], ref: URIRef) -> None:
        for code in original.get("language") or []:
            self.g.add((ref, DCT.language, URIRef(terms.language_uri(code))))
            self._language(code)

    def _graph_places(self, ref: URIRef) -> None:
        g = self.g
        vocab = _vocab()
        for location in g.objects(ref, DCT.spatial):
            place = terms.place_from_uri(str(location))
            entry = (vocab.get("places", place) if place else None) or {}
            if entry.get("inegi_key"):
                g.add((location, DCT.identifier, Literal(str(entry["inegi_key"]))))
            if entry.get("kind"):
                g.add((location, DCT.type, SACH[f"place-kind/{entry['kind']}"]))

    def _graph_access_rights(self, ref: URIRef) -> None:
        access = URIRef(terms.AUTH + "access-right/PUBLIC")
        self.g.add((ref, DCT.accessRights, access))
        self._concept(access, terms.AUTH + "access-right", {"en": "public", "es": "público"}, DCT.RightsStatement)

    def _graph_data_dictionary(self, original: dict[str, Any], ref: URIRef) -> None:
        g = self.g
        for uri in g.objects(ref, DCT.conformsTo):
            if original.get("data_dictionary_url") and str(uri) == original["data_dictionary_url"]:
                g.add((uri, DCT.title, Literal("Diccionario de datos", lang="es")))
                g.add((uri, DCT.type, SACH.DataDictionary))

    def _graph_personal_data(self, original: dict[str, Any], ref: URIRef) -> None:
        if original.get("personal_data"):
            self.g.add((ref, SACH.personalData, SACH[f"personal-data/{original['personal_data']}"]))
        if original.get("personal_data_legal_basis"):
            self.g.add((ref, SACH.personalDataLegalBasis, Literal(original["personal_data_legal_basis"], lang="es")))

    def _graph_quality_notes(self, original: dict[str, Any], ref: URIRef) -> None:
        if not original.get("quality_notes"):
            return
        g = self.g
        note = BNode()
        g.add((ref, DQV.hasQualityAnnotation, note))
        g.add((note, RDF.type, DQV.QualityAnnotation))
        g.add((note, OA.motivatedBy, DQV.qualityAssessment))
        g.add((note, OA.bodyValue, Literal(original["quality_notes"], lang="es")))

    @staticmethod
    def _resources_by_ref(original: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The dataset's resources by the distribution URI stock gives them (or their id)."""
        resources: dict[str, dict[str, Any]] = {}
        for res in original.get("resources") or []:
            if res.get("uri") and res["uri"] != "None":  # stock's resource_uri() uses it
                resources[str(cleaned_uri(res["uri"]))] = res
            elif res.get("id"):
                resources[res["id"]] = res
        return resources

    # --------------------------------------------------------- distribution delta
    def _distribution_delta(self, original: dict[str, Any], res: dict[str, Any], dist: Node) -> None:
        fmt = self._graph_format(res, dist)
        self._graph_media_type(res, dist)
        self._graph_given_format(res, dist, fmt)
        if not res.get("issued"):  # stock falls back to the resource's creation
            self.g.remove((dist, DCT.issued, None))
        self._graph_distribution_licences(original, dist)
        self._graph_availability(dist)
        self._graph_resource_role(res, dist)

    def _graph_format(self, res: dict[str, Any], dist: Node) -> dict[str, str] | None:
        # Every format reaches the RDF: the EU file type where one exists, the IANA
        # media type where one is known (stock harvesters turn it back into a label);
        # DCAT-AP's vocabulary shapes allow nothing else in dct:format, so a format
        # with neither is kept as given in sach:format.
        fmt = terms.format_entry(res.get("format"))
        if fmt:
            node = uri_or_literal(terms.AUTH_FILE_TYPE + fmt["eu"])
            self.g.add((dist, DCT["format"], node))
            if isinstance(node, URIRef):
                self._concept(node, terms.AUTH + "file-type", {"en": fmt["eu"]}, DCT.MediaTypeOrExtent)
        return fmt

    def _graph_media_type(self, res: dict[str, Any], dist: Node) -> None:
        media = terms.media_type(res.get("mimetype"), res.get("format"))
        if media:
            node = uri_or_literal(terms.IANA + media)
            self.g.add((dist, DCAT.mediaType, node))
            if isinstance(node, URIRef):
                self._shared(("a", str(node), str(DCT.MediaType)))

    def _graph_given_format(self, res: dict[str, Any], dist: Node, fmt: dict[str, str] | None) -> None:
        if not fmt and res.get("format") and str(res["format"]).strip():
            self.g.add((dist, SACH["format"], Literal(str(res["format"]).strip())))

    def _graph_distribution_licences(self, original: dict[str, Any], dist: Node) -> None:
        g = self.g
        for lic in list(g.objects(dist, DCT.license)):
            self._licence(lic, original)
        for service in list(g.objects(dist, DCAT.accessService)):
            for lic in list(g.objects(service, DCT.license)):
                self._licence(lic, original)

    def _graph_availability(self, dist: Node) -> None:
        availability = URIRef(terms.AUTH + "planned-availability/STABLE")
        self.g.add((dist, DCATAP.availability, availability))
        self._concept(availability, terms.AUTH + "planned-availability", {"en": "stable", "es": "estable"})

    def _graph_resource_role(self, res: dict[str, Any], dist: Node) -> None:
        role = res.get("resource_role")
        if role:
            self.g.add((dist, DCT.type, SACH[f"resource-role/{role}"]))

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
    def describe_agent(self, agent: dict[str, Any]) -> None:
        """Describe a shared agent: ckanext-dcat's own agent mapping, on a placeholder
        subject that is then dropped, plus the site's typing (see :func:`describe`)."""
        holder = BNode()
        self._add_agents(holder, {"agent": [agent]}, "agent", DCT.publisher)
        for node in list(self.g.objects(holder, DCT.publisher)):
            self.g.remove((holder, DCT.publisher, node))
            self._organization(node)

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
    # Stock's parsing first, then one step per field of the municipal schema (each reads
    # the graph and fills or corrects one key), then the stock extras the schema holds as
    # fields or does not hold at all, then the distributions.
    _DROPPED_EXTRAS = frozenset({
        "frequency", "language", "theme", "conforms_to", "applicable_legislation", "access_rights", "uri",
        "homepage", "publisher_uri", "publisher_name", "publisher_email", "publisher_url", "publisher_type",
        "publisher_identifier", "creator_uri", "creator_name", "creator_email", "creator_url", "creator_type",
        "creator_identifier", "spatial_uri", "spatial_text",
    })
    #: stock extras that are fields of the municipal schema
    _FIELD_EXTRAS = ("issued", "modified", "identifier")

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        for step in (self._parse_documentation, self._parse_name, self._parse_frequency,
                     self._parse_languages, self._parse_themes, self._parse_places,
                     self._parse_legislation, self._parse_data_dictionary, self._parse_personal_data,
                     self._parse_quality_notes, self._parse_contact, self._parse_owner_org,
                     self._parse_extras):
            step(dataset_dict, dataset_ref)
        for res in dataset_dict.get("resources", []):
            if res.get("distribution_ref"):
                self._parse_distribution(res, URIRef(res["distribution_ref"]))
        return dataset_dict

    @staticmethod
    def _parse_documentation(dataset_dict: dict[str, Any], _ref: Node) -> None:
        value = dataset_dict.get("documentation")
        if isinstance(value, str):
            try:
                dataset_dict["documentation"] = json.loads(value)
            except ValueError:
                dataset_dict["documentation"] = [value]

    def _parse_name(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        name = self._object_value(ref, SACH.name)
        if name:
            dataset_dict["name"] = name

    def _parse_frequency(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        freq = self._object(ref, DCT.accrualPeriodicity)
        if freq is None:
            return
        for item in _vocab().items("frequencies"):
            if item.get("eu_uri") == str(freq):
                dataset_dict["frequency"] = item["value"]

    def _parse_languages(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        items = _vocab().items("languages")
        languages = [item["value"] for uri in self.g.objects(ref, DCT.language)
                     for item in items if item.get("eu_uri") == str(uri)]
        if languages:
            dataset_dict["language"] = sorted(languages)

    def _parse_themes(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        groups = []
        for uri in self.g.objects(ref, DCAT.theme):
            sector = terms.sector_from_uri(str(uri))
            theme = terms.theme_from_uri(str(uri))
            if sector:
                dataset_dict["sector"] = sector
            elif theme:
                groups.append({"name": theme})
        if groups:
            dataset_dict["groups"] = sorted(groups, key=lambda x: x["name"])

    def _parse_places(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        places = []
        for location in self.g.objects(ref, DCT.spatial):
            place = terms.place_from_uri(str(location))
            if place:
                places.append({"place": place, "text": self._object_value(location, SKOS.prefLabel)})
        if places:
            dataset_dict["spatial_coverage"] = places

    def _parse_legislation(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        obligations = [self._object_value(uri, DCT.identifier) or str(uri)
                       for uri in self.g.objects(ref, DCATAP.applicableLegislation)]
        if obligations:
            dataset_dict["transparency_obligations"] = sorted(obligations)

    def _parse_data_dictionary(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        for uri in self.g.objects(ref, DCT.conformsTo):
            if (uri, DCT.type, SACH.DataDictionary) in self.g:
                dataset_dict["data_dictionary_url"] = str(uri)

    def _parse_personal_data(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        for key, predicate in (("personal_data", SACH.personalData),
                               ("personal_data_legal_basis", SACH.personalDataLegalBasis)):
            value = self._object(ref, predicate)
            if value is not None:
                dataset_dict[key] = str(value).rsplit("/", 1)[-1] if isinstance(value, URIRef) else str(value)

    def _parse_quality_notes(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        for note in self.g.objects(ref, DQV.hasQualityAnnotation):
            body = self._object_value(note, OA.bodyValue)
            if body:
                dataset_dict["quality_notes"] = body

    @staticmethod
    def _parse_contact(dataset_dict: dict[str, Any], _ref: Node) -> None:
        if dataset_dict.get("contact"):
            dataset_dict["contact"] = [
                {"name": c.get("name", ""), "email": c.get("email", "")} for c in dataset_dict["contact"]
            ]

    def _parse_owner_org(self, dataset_dict: dict[str, Any], ref: Node) -> None:
        prefix = catalog_uri().rstrip("/") + "/organization/"
        for creator in self.g.objects(ref, DCT.creator):
            if str(creator).startswith(prefix):
                dataset_dict["owner_org"] = str(creator)[len(prefix):]

    def _parse_extras(self, dataset_dict: dict[str, Any], _ref: Node) -> None:
        extras = {e["key"]: e for e in dataset_dict.get("extras", [])}
        drop = set(self._DROPPED_EXTRAS)
        for key in self._FIELD_EXTRAS:
            if key in extras:
                dataset_dict[key] = extras[key]["value"]
                drop.add(key)
        dataset_dict["extras"] = [e for e in dataset_dict.get("extras", []) if e["key"] not in drop]

    # ------------------------------------------------------- distribution input
    def _parse_distribution(self, res: dict[str, Any], dist: URIRef) -> None:
        self._parse_format(res, dist)
        self._parse_media_type(res, dist)
        self._parse_resource_role(res, dist)
        self._parse_rights(res, dist)

    def _parse_format(self, res: dict[str, Any], dist: URIRef) -> None:
        fmt = self._object(dist, DCT["format"])
        if isinstance(fmt, URIRef):
            res["format"] = terms.format_label(str(fmt).rsplit("/", 1)[-1]) or res.get("format")
        given = self._object(dist, SACH["format"])
        if given is not None and not isinstance(fmt, URIRef):
            res["format"] = str(given)

    def _parse_media_type(self, res: dict[str, Any], dist: URIRef) -> None:
        media = self._object(dist, DCAT.mediaType)
        if isinstance(media, URIRef) and str(media).startswith(terms.IANA):
            res["mimetype"] = str(media)[len(terms.IANA):]

    def _parse_resource_role(self, res: dict[str, Any], dist: URIRef) -> None:
        for kind in self.g.objects(dist, DCT.type):
            if str(kind).startswith(str(SACH) + "resource-role/"):
                res["resource_role"] = str(kind).rsplit("/", 1)[-1]

    def _parse_rights(self, res: dict[str, Any], dist: URIRef) -> None:
        rights = self._object(dist, DCT.rights)
        if rights is not None:
            res["rights"] = self._object_value(rights, RDFS.label) or str(rights)
