"""The `sach_dcat_ap` profile: what a DCAT-AP validator or aggregator reads from a dataset."""
from __future__ import annotations

from typing import Any

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF, SKOS

from ckan.tests.helpers import call_action

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import DCAT, DCT, FOAF, VCARD
from ckanext.dcat.profiles.base import DCATAP
from ckanext.dcat.utils import dataset_uri

from ckanext.sach.dcat import serialize
from ckanext.sach.dcat.profile import SachDCATAPProfile
from ckanext.sach.dcat.terms import SACH

AUTH = "http://publications.europa.eu/resource/authority/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
XSD_NNI = URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
IANA = "https://www.iana.org/assignments/media-types/"

pytestmark = pytest.mark.usefixtures("with_plugins")


def _graph(dataset: dict[str, Any], profiles: list[str]):
    serializer = RDFSerializer(profiles=profiles)
    ref = serializer.graph_from_dataset(dataset)
    return serializer.g, ref


@pytest.fixture
def budget(catalogue: dict[str, Any]) -> dict[str, Any]:
    return call_action("package_show", id="presupuesto-2024")


def test_profile_is_registered_and_inherits_stock_dcat_ap_3() -> None:
    from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile

    loaded = RDFSerializer(profiles=["euro_dcat_ap_3", "sach_dcat_ap"])._profiles
    assert loaded[1] is SachDCATAPProfile
    assert issubclass(SachDCATAPProfile, EuropeanDCATAP3Profile)


def test_site_profiles_configured_after_stock(ckan_config: Any) -> None:
    assert ckan_config["ckanext.dcat.rdf.profiles"].split() == ["euro_dcat_ap_3", "sach_dcat_ap"]
    # the site's endpoints skip the redundant stock pass: sach_dcat_ap already runs it
    assert serialize.effective_profiles() == ["sach_dcat_ap"]


def test_chain_after_stock_equals_profile_alone(budget: dict[str, Any]) -> None:
    chained, _ = _graph(budget, ["euro_dcat_ap_3", "sach_dcat_ap"])
    alone, _ = _graph(budget, ["sach_dcat_ap"])
    assert isomorphic(to_isomorphic(chained), to_isomorphic(alone))
    # and nothing of the stock output is doubled (one contact point, one temporal)
    ref = URIRef(dataset_uri(budget))
    assert len(list(chained.objects(ref, DCAT.contactPoint))) == 1
    assert len(list(chained.objects(ref, DCT.temporal))) == 1


def test_authority_uris_not_literals(budget: dict[str, Any]) -> None:
    g, ref = _graph(budget, ["sach_dcat_ap"])
    langs = set(g.objects(ref, DCT.language))
    assert langs == {URIRef(AUTH + "language/SPA"), URIRef(AUTH + "language/NAH")}
    assert Literal("es") not in langs
    for lang in langs:
        assert (lang, SKOS.inScheme, URIRef(AUTH + "language")) in g
        assert (lang, RDF.type, DCT.LinguisticSystem) in g
    assert list(g.objects(ref, DCT.accrualPeriodicity)) == [URIRef(AUTH + "frequency/ANNUAL")]
    assert (URIRef(AUTH + "frequency/ANNUAL"), RDF.type, DCT.Frequency) in g

    media = {str(o) for d in g.objects(ref, DCAT.distribution) for o in g.objects(d, DCAT.mediaType)}
    formats = {str(o) for d in g.objects(ref, DCAT.distribution) for o in g.objects(d, DCT["format"])}
    assert media == {IANA + "text/csv", IANA + "application/json"}
    assert formats == {AUTH + "file-type/CSV", AUTH + "file-type/JSON"}
    for d in g.objects(ref, DCAT.distribution):
        for o in list(g.objects(d, DCAT.mediaType)) + list(g.objects(d, DCT["format"])):
            assert isinstance(o, URIRef)


def test_publisher_municipality_creator_dependencia(budget: dict[str, Any]) -> None:
    g, ref = _graph(budget, ["sach_dcat_ap"])
    [publisher] = list(g.objects(ref, DCT.publisher))
    [creator] = list(g.objects(ref, DCT.creator))
    assert (publisher, RDF.type, FOAF.Organization) in g
    assert (publisher, FOAF.name, Literal("Ayuntamiento de San Andrés Cholula")) in g
    assert (creator, RDF.type, FOAF.Organization) in g
    assert (creator, FOAF.name, Literal("Tesorería Municipal")) in g
    assert (creator, FOAF.homepage, URIRef("https://sach.gob.mx/tesoreria")) in g
    [contact] = list(g.objects(ref, DCAT.contactPoint))
    assert (contact, VCARD.hasEmail, URIRef("mailto:tesoreria@sach.gob.mx")) in g


def test_spatial_temporal_licence_themes_legislation(budget: dict[str, Any]) -> None:
    g, ref = _graph(budget, ["sach_dcat_ap"])
    places = list(g.objects(ref, DCT.spatial))
    assert len(places) == 2
    municipality = [p for p in places if (p, DCT.identifier, Literal("21119")) in g]
    assert municipality and (municipality[0], RDF.type, DCT.Location) in g
    assert (municipality[0], SKOS.prefLabel, Literal("Municipio de San Andrés Cholula")) in g

    [period] = list(g.objects(ref, DCT.temporal))
    assert (period, DCAT.startDate, Literal("2024-01-01", datatype=XSD_DATE)) in g

    for dist in g.objects(ref, DCAT.distribution):
        [lic] = list(g.objects(dist, DCT.license))
        assert lic == URIRef("https://datos.gob.mx/libreusomx/")
    assert (URIRef("https://datos.gob.mx/libreusomx/"), RDF.type, DCT.LicenseDocument) in g
    assert (URIRef("https://datos.gob.mx/libreusomx/"), DCT.type,
            URIRef("http://purl.org/adms/licencetype/Attribution")) in g

    themes = {str(t) for t in g.objects(ref, DCAT.theme)}
    assert AUTH + "data-theme/ECON" in themes or AUTH + "data-theme/GOVE" in themes
    assert any(t.endswith("/group/finanzas-publicas") for t in themes)

    laws = list(g.objects(ref, DCATAP.applicableLegislation))
    assert {str(g.value(law, DCT.identifier)) for law in laws} == {"lgtaip-2015:70-XXI", "lgtaip-2015:71-I-b"}

    assert URIRef("https://sach.gob.mx/datos/diccionario-presupuesto.csv") in set(g.objects(ref, DCT.conformsTo))
    assert (ref, SACH.personalData, SACH["personal-data/anonymised"]) in g


def test_byte_size_is_non_negative_integer(budget: dict[str, Any]) -> None:
    g, ref = _graph(budget, ["sach_dcat_ap"])
    sizes = {o for d in g.objects(ref, DCAT.distribution) for o in g.objects(d, DCAT.byteSize)}
    assert Literal(20480, datatype=XSD_NNI) in sizes


def test_catalog_record_describes_the_municipality(catalogue: dict[str, Any]) -> None:
    serializer = serialize.Serializer()
    g, ref = serializer.catalog_graph({})
    assert (ref, RDF.type, DCAT.Catalog) in g
    assert g.value(ref, DCT.title) is not None and g.value(ref, DCT.description) is not None
    assert (ref, DCT.language, URIRef(AUTH + "language/SPA")) in g
    [publisher] = list(g.objects(ref, DCT.publisher))
    assert (publisher, RDF.type, FOAF.Organization) in g
    assert g.value(ref, FOAF.homepage) is not None
    assert (ref, DCT.license, URIRef("https://datos.gob.mx/libreusomx/")) in g
    [place] = list(g.objects(ref, DCT.spatial))
    assert (place, DCT.identifier, Literal("21119")) in g
    [service] = list(g.objects(ref, DCAT.service))
    assert (service, RDF.type, DCAT.DataService) in g
    assert str(g.value(service, DCAT.endpointURL)).endswith("/api/3/action")


@pytest.mark.ckan_config("ckanext.sach.dcat.api_service", "false")
def test_api_service_can_be_switched_off(catalogue: dict[str, Any]) -> None:
    g, ref = serialize.Serializer().catalog_graph({})
    assert list(g.objects(ref, DCAT.service)) == []
