"""factory_boy factories of this site's records, built on CKAN's own (``ckan.tests.factories``).

The root ``conftest.py`` registers them with pytest-factoryboy as the fixtures ``sach_dataset``,
``sach_resource``, ``sach_dependencia`` and ``sach_user`` (CKAN's plugin already owns ``dataset``,
``organization``, ``user``…). In helpers or module-scoped fixtures call the classes directly.

- ``SachDatasetFactory``: a complete, valid dataset of the scheming schema (``ckanext/sach/schemas/
  dataset.yaml``) created through ``package_create`` as a sysadmin (not the site user: CKAN hides
  its activities); its dependencia is made on demand. ``complete=True`` fills every optional field
  too (three resources, one of them the data dictionary).
- ``dataset_of(org, **fields)``: ``SachDatasetFactory`` of an existing dependencia.
- ``dataset_payload(**fields)``: the same fields as a plain dict, nothing created (forms, HTTP,
  bad-input tests).
- ``SachResourceFactory``, ``SachDependenciaFactory``, ``SachUserFactory`` (password ``PASSWORD``, to sign in).

A field given as ``None`` is left out of the payload (the schema then sees it missing).
"""
from __future__ import annotations

import copy
from typing import Any

import factory

from ckan.tests import factories as ckan_factories

from tests.helpers import PASSWORD, sysadmin_context

__all__ = [
    "SachDatasetFactory",
    "SachDependenciaFactory",
    "SachResourceFactory",
    "SachUserFactory",
    "dataset_of",
    "dataset_payload",
]


def _fresh(value: Any) -> factory.LazyFunction:
    """A default that is a new deep copy for every record (tests may change what they get)."""
    return factory.LazyFunction(lambda: copy.deepcopy(value))


class _AsSysadmin:
    """Create through the action as a sysadmin unless ``user`` (a name or a user dict) is given;
    fields passed as ``None`` are left out."""

    @classmethod
    def _api_prepare_args(cls, data_dict: dict[str, Any]) -> dict[str, Any]:
        data_dict = {key: value for key, value in data_dict.items() if value is not None}
        if "context" not in data_dict:
            user = data_dict.pop("user", None)
            if user is None:
                data_dict["context"] = sysadmin_context()
            else:
                data_dict["context"] = {"user": user if isinstance(user, str) else user["name"]}
        return data_dict


class SachDependenciaFactory(_AsSysadmin, ckan_factories.Organization):
    """A dependencia of the Ayuntamiento (a CKAN organization of the site's scheming schema)."""

    name = factory.Sequence(lambda n: f"dependencia-{n}")
    title = factory.Sequence(lambda n: f"Dependencia municipal {n}")
    description = "Dependencia del Ayuntamiento de San Andrés Cholula."
    org_type = "dependencia"
    image_url = ""  # CKAN's factory points at third-party image hosts


class SachUserFactory(ckan_factories.User):
    """A registered user who can sign in through the form with ``PASSWORD``."""

    name = factory.Sequence(lambda n: f"persona-{n}")
    fullname = factory.Sequence(lambda n: f"Persona de prueba {n}")
    email = factory.Sequence(lambda n: f"persona-{n}@sach.gob.mx")
    password = PASSWORD
    image_url = ""
    about = ""


RESOURCE: dict[str, Any] = {
    "url": "https://sach.gob.mx/datos/presupuesto-2024.csv", "name": "Presupuesto 2024", "format": "CSV",
}

# Values of the optional fields that ``complete=True`` adds (DCAT exports every one of them).
COMPLETE: dict[str, Any] = {
    "identifier": "sach-presupuesto-2024",
    "spatial_coverage": [{"place": "21119"}, {"place": "santa-maria-tonantzintla"}],
    "language": ["es", "nah"],
    "documentation": ["https://sach.gob.mx/transparencia/guia-presupuesto.pdf"],
    "personal_data": "anonymised",
    "personal_data_legal_basis": "Art. 116 LGTAIP: datos anonimizados por la Unidad de Transparencia.",
    "quality_notes": "Cifras conciliadas con la cuenta pública.",
    "resources": [
        {"url": "https://sach.gob.mx/datos/presupuesto-2024.csv", "name": "Presupuesto 2024",
         "description": "Por capítulo", "format": "CSV", "size": 20480, "rights": "© Ayuntamiento"},
        {"url": "https://sach.gob.mx/datos/presupuesto-2024.json", "name": "Presupuesto 2024 (JSON)",
         "format": "JSON", "size": 40960},
        {"url": "https://sach.gob.mx/datos/diccionario-presupuesto.csv", "name": "Diccionario de datos",
         "format": "CSV", "resource_role": "data_dictionary"},
    ],
}


class SachDatasetFactory(_AsSysadmin, ckan_factories.Dataset):
    """A public dataset that passes every check of the schema (``complete=True``: every field)."""

    class Params:
        complete = factory.Trait(**{key: _fresh(value) for key, value in COMPLETE.items()})

    name = factory.Sequence(lambda n: f"conjunto-{n}")
    title = factory.Sequence(lambda n: f"Conjunto de datos {n}")
    notes = "Presupuesto de egresos aprobado del municipio, por capítulo de gasto."
    owner_org = factory.LazyFunction(lambda: SachDependenciaFactory()["id"])
    tag_string = "presupuesto,egresos"
    sector = "finanzas-y-contrataciones"
    frequency = "R/P1Y"
    issued = "2024-01-15"
    modified = "2024-06-30"
    contact = _fresh([{"name": "Tesorería Municipal", "email": "tesoreria@sach.gob.mx"}])
    spatial_coverage = _fresh([{"place": "21119"}])
    temporal_coverage = _fresh([{"start": "2024-01-01", "end": "2024-12-31"}])
    language = _fresh(["es"])
    transparency_obligations = _fresh(["lgtaip-2015:70-XXI", "lgtaip-2015:71-I-b"])
    url = "https://sach.gob.mx/transparencia"
    data_dictionary_url = "https://sach.gob.mx/datos/diccionario-presupuesto.csv"
    personal_data = "no"
    resources = _fresh([RESOURCE])


class SachResourceFactory(_AsSysadmin, ckan_factories.Resource):
    """A linked CSV resource of a new dataset (or of ``package_id``)."""

    name = factory.Sequence(lambda n: f"Datos {n}")
    description = ""
    url = factory.Sequence(lambda n: f"https://sach.gob.mx/datos/datos-{n}.csv")
    format = "CSV"
    package_id = factory.LazyFunction(lambda: SachDatasetFactory()["id"])


def dataset_of(org: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``SachDatasetFactory`` of the dependencia ``org`` (a dict with its ``id``), created."""
    return SachDatasetFactory(owner_org=org["id"], **fields)


def dataset_payload(**fields: Any) -> dict[str, Any]:
    """The fields of a valid dataset (``SachDatasetFactory``'s) with ``fields`` applied, as a new dict;
    no ``owner_org`` unless given; fields given as ``None`` are left out."""
    fields.setdefault("owner_org", None)
    built: dict[str, Any] = factory.build(dict, FACTORY_CLASS=SachDatasetFactory, **fields)
    return {key: value for key, value in built.items() if value is not None}

