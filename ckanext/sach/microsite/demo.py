"""Demo content of the microsite: ``ckan sach demo-microsite`` (idempotent).

Runs ``ckan sach seed`` first (dependencias and temas). Run ``ckan sach demo``
before it to link the cards, the publication plan and the results to the demo
datasets; links to datasets that do not exist are left out.

The texts are examples for a demo, written from the public facts in
DESIGN.md; officers replace them from the forms of each content type.
"""
from __future__ import annotations

import io
from typing import Any

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.types import Context

TRANSPARENCIA = "coordinacion-general-de-transparencia"

TEXTS = [
    dict(name="texto-que-es-gobierno-abierto", section="gobierno_abierto", position=1,
         title="¿Qué es Gobierno Abierto?",
         notes=("Gobierno Abierto es una forma de gobernar con la ciudadanía: **transparencia**, "
                "**participación** y **colaboración**. En San Andrés Cholula lo impulsa la Comisión "
                "Intersecretarial para el Fomento de Prácticas de Gobierno Abierto, con la Coordinación "
                "General de Transparencia al frente de este micrositio."),
         title_en="What is Open Government?",
         notes_en=("Open Government is a way of governing with citizens: **transparency**, "
                   "**participation** and **collaboration**. In San Andrés Cholula it is driven by the "
                   "Comisión Intersecretarial para el Fomento de Prácticas de Gobierno Abierto, with the "
                   "Coordinación General de Transparencia in charge of this microsite.")),
    dict(name="texto-principios-datos-abiertos", section="datos_abiertos", position=1,
         title="Principios",
         notes=("Seguimos los seis principios de la Carta Internacional de Datos Abiertos:\n\n"
                "1. Abiertos por defecto.\n2. Oportunos y exhaustivos.\n3. Accesibles y utilizables.\n"
                "4. Comparables e interoperables.\n5. Para mejorar la gobernanza y la participación "
                "ciudadana.\n6. Para el desarrollo incluyente y la innovación."),
         title_en="Principles",
         notes_en=("We follow the six principles of the International Open Data Charter:\n\n"
                   "1. Open by default.\n2. Timely and comprehensive.\n3. Accessible and usable.\n"
                   "4. Comparable and interoperable.\n5. For improved governance and citizen "
                   "engagement.\n6. For inclusive development and innovation.")),
    dict(name="texto-estrategia-datos-abiertos", section="datos_abiertos", position=2,
         title="Estrategia de datos abiertos",
         notes=("Publicamos con los metadatos de la Guía de Implementación de la Política de Datos "
                "Abiertos (basada en DCAT): cada conjunto tiene diccionario de datos, frecuencia de "
                "actualización, cobertura geográfica con claves del INEGI y un punto de contacto. "
                "Preferimos formatos abiertos (CSV, JSON, GeoJSON) en UTF-8 y fechas ISO 8601. "
                "Antes de publicar, la unidad de transparencia revisa y anonimiza los datos personales.")),
    dict(name="texto-campana-ine", section="ayuntamiento_abierto", position=1,
         title="La campaña con el INE",
         notes=("Con la 10 Junta Distrital Ejecutiva del INE en Puebla (cabecera en San Pedro Cholula) "
                "visitamos secundarias y bachilleratos para explicar cómo funciona el Ayuntamiento y "
                "cómo participar. La campaña culmina en la Semana de Ayuntamiento Abierto.")),
    dict(name="texto-como-respondemos", section="participacion", position=1,
         title="Cómo respondemos",
         notes=("Cada solicitud llega a la dependencia correspondiente. Publicamos aquí su estado "
                "(recibida, en atención, respondida o no procede) y la respuesta. Nunca publicamos tu "
                "nombre ni tu correo."),
         title_en="How we answer",
         notes_en=("Each request goes to the department concerned. We publish its status here "
                   "(received, being handled, answered or declined) and the answer. We never publish "
                   "your name or your e-mail.")),
]

CARDS: list[dict[str, Any]] = [
    dict(name="ficha-pago-predial", org="tesoreria-municipal", title="Cómo pagar el impuesto predial",
         topic="finanzas-publicas", audience=["ciudadania", "personas_mayores"], info_date="2025-01-10",
         notes=("**Qué es:** el impuesto anual sobre tu casa o terreno.\n\n**Dónde:** en las cajas de la "
                "Tesorería Municipal. Consulta en el catálogo cuánto se recauda y en qué se gasta."),
         related_datasets=["ingresos-municipales-2024", "presupuesto-de-egresos-2024"]),
    dict(name="ficha-temporada-lluvias", org="direccion-de-proteccion-civil",
         title="Qué hacer en la temporada de lluvias", topic="proteccion-civil",
         audience=["ciudadania", "estudiantes"], info_date="2025-05-15",
         notes="Recomendaciones de Protección Civil y los incidentes atendidos en años anteriores.",
         related_datasets=["incidentes-proteccion-civil-2024"]),
    dict(name="ficha-apoyos-dif", org="sistema-municipal-dif", title="Apoyos del Sistema Municipal DIF",
         topic="desarrollo-social", audience=["ciudadania", "personas_mayores"], info_date="2025-02-20",
         notes="Qué apoyos entrega el DIF, para quién son y cuántos se entregaron (datos anonimizados).",
         related_datasets=["apoyos-dif-2024"]),
    dict(name="ficha-abrir-un-negocio", org="secretaria-de-desarrollo-economico-y-sector-agropecuario",
         title="Abrir un negocio: licencia de funcionamiento", topic="desarrollo-economico",
         audience=["emprendedores"], info_date="2025-03-03",
         notes="Pasos para obtener la licencia de funcionamiento y cuántas se otorgan por colonia.",
         related_datasets=["licencias-de-funcionamiento-2024", "unidades-economicas-2024"]),
    dict(name="ficha-pedir-informacion", org=TRANSPARENCIA, title="Cómo pedir información pública",
         topic="transparencia", audience=["ciudadania", "periodistas", "osc"], info_date="2025-04-01",
         notes=("Puedes pedir datos en la sección Participación de este micrositio o presentar una "
                "solicitud formal en la Plataforma Nacional de Transparencia."),
         related_datasets=["solicitudes-de-informacion-2024"],
         related_links=[{"label": "Plataforma Nacional de Transparencia",
                         "url": "https://www.plataformadetransparencia.org.mx/"}]),
]

PLAN = [
    ("plan-presupuesto-egresos", "tesoreria-municipal", "Presupuesto de egresos", "2025-02-28", "publicado",
     "", "presupuesto-de-egresos-2024"),
    ("plan-ingresos", "tesoreria-municipal", "Ingresos municipales", "2025-03-31", "publicado", "",
     "ingresos-municipales-2024"),
    ("plan-deuda-publica", "tesoreria-municipal", "Deuda pública", "2025-09-30", "en_preparacion", "", ""),
    ("plan-incidentes-pc", "direccion-de-proteccion-civil", "Incidentes atendidos", "2025-03-31", "publicado",
     "", "incidentes-proteccion-civil-2024"),
    ("plan-atlas-riesgos", "direccion-de-proteccion-civil", "Atlas de riesgos (capas geográficas)", "2025-11-30",
     "en_preparacion", "", ""),
    ("plan-apoyos-dif", "sistema-municipal-dif", "Apoyos entregados", "2025-04-30", "publicado", "",
     "apoyos-dif-2024"),
    ("plan-expedientes-dif", "sistema-municipal-dif", "Expedientes de atención a menores", "2025-06-30",
     "no_publicable", "Contienen datos personales sensibles de niñas, niños y adolescentes; se publican sólo "
     "cifras agregadas en «Apoyos entregados».", ""),
    ("plan-solicitudes-informacion", TRANSPARENCIA, "Solicitudes de acceso a la información",
     "2025-01-31", "publicado", "", "solicitudes-de-informacion-2024"),
    ("plan-obligaciones-transparencia", TRANSPARENCIA, "Índice de obligaciones de transparencia",
     "2025-10-31", "en_preparacion", "", ""),
    ("plan-eventos-culturales", "secretaria-de-arte-cultura-y-turismo", "Agenda de eventos culturales",
     "2025-05-31", "publicado", "", "eventos-culturales-2024"),
]

ACTIVITIES = [
    ("taller-secundaria-tecnica", "campana", "Taller: ¿qué hace tu Ayuntamiento?", "Escuela Secundaria Técnica",
     "secundaria", "2025-02-18", "Funciones del Ayuntamiento y del cabildo", 0),
    ("platica-bachillerato-oficial", "campana", "Plática: participación ciudadana y elecciones",
     "Bachillerato General Oficial", "bachillerato", "2025-03-05", "Participación ciudadana con el INE", 0),
    ("taller-datos-abiertos-secundaria", "campana", "Taller: datos abiertos de mi municipio",
     "Escuela Secundaria General", "secundaria", "2025-03-26", "Datos abiertos y transparencia", 0),
    ("semana-inauguracion", "semana", "Inauguración de la Semana de Ayuntamiento Abierto", "Palacio Municipal",
     "varios", "2025-05-19", "Gobierno abierto", 0),
    ("semana-cabildo-juvenil", "semana", "Cabildo juvenil", "Palacio Municipal", "varios", "2025-05-21",
     "Propuestas de las y los estudiantes al cabildo", 0),
    ("semana-dataton", "semana", "Datatón escolar con datos del municipio", "Bachillerato General Oficial",
     "bachillerato", "2025-05-23", "Datos abiertos", 0),
]

MATERIAL_CSV = "escuela,nivel,grupo,participantes\n".encode("utf-8")
MATERIAL_TXT = (
    "Guía del taller «¿Qué hace tu Ayuntamiento?»\n\n"
    "1. ¿Qué es el Ayuntamiento y qué es el cabildo?\n"
    "2. ¿Cómo se decide el presupuesto?\n"
    "3. ¿Dónde consultar datos abiertos del municipio?\n"
    "4. ¿Cómo pedir información pública?\n"
).encode("utf-8")


def _context() -> Context:
    from ckanext.sach import seed

    return seed.site_context()


def _exists(name: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("package_show")(_context(), {"id": name})
    except tk.ObjectNotFound:
        return None


def _org_id(name: str) -> str:
    return tk.get_action("organization_show")(_context(), {"id": name})["id"]


def _existing_datasets(names: list[str]) -> str:
    found = []
    for name in names:
        pkg = _exists(name) if name else None
        if pkg and pkg.get("type") == "dataset" and pkg.get("state") == "active":
            found.append(name)
    return " ".join(found)


def _create(data: dict[str, Any], created: list[str], existing: list[str]) -> dict[str, Any] | None:
    if _exists(data["name"]):
        existing.append(data["name"])
        return None
    pkg = tk.get_action("package_create")(_context(), data)
    created.append(data["name"])
    return pkg


def run() -> dict[str, list[str]]:
    """Create the demo texts, cards, publication plan, school activities and
    two participation requests. Returns the names created and already present."""
    from ckanext.sach import seed
    from ckanext.sach.microsite.model import Request

    seed.run()
    created: list[str] = []
    existing: list[str] = []
    transparencia = _org_id(TRANSPARENCIA)
    for text in TEXTS:
        _create(dict(text, type="texto_micrositio", owner_org=transparencia), created, existing)
    for card in CARDS:
        data = {k: v for k, v in card.items() if k not in ("org", "related_datasets")}
        data.update(type="informacion_util", owner_org=_org_id(card["org"]),
                    related_datasets=_existing_datasets(card.get("related_datasets", [])))
        _create(data, created, existing)
    for name, org, title, target, status, reason, dataset in PLAN:
        published = _existing_datasets([dataset]) if dataset else ""
        if status == "publicado" and not published:
            status = "en_preparacion"
        _create({
            "type": "plan_publicacion", "name": name, "title": title, "owner_org": _org_id(org),
            "target_date": target, "plan_status": status, "reason": reason,
            "published_dataset": published,
        }, created, existing)
    results = _existing_datasets(["solicitudes-de-informacion-2024", "sesiones-de-cabildo-2024"])
    for i, (name, kind, title, school, level, date, topic, _) in enumerate(ACTIVITIES):
        pkg = _create({
            "type": "actividad_escolar", "name": name, "title": title, "owner_org": transparencia,
            "activity_kind": kind, "school": school, "school_level": level, "activity_date": date,
            "activity_topic": topic, "participants": 30 + 15 * i,
            "result_datasets": results if kind == "semana" else "",
        }, created, existing)
        if pkg and i == 0:
            for filename, fmt, content, label in (
                ("guia-del-taller.txt", "TXT", MATERIAL_TXT, "Guía del taller"),
                ("lista-de-asistencia.csv", "CSV", MATERIAL_CSV, "Plantilla de lista de asistencia"),
            ):
                tk.get_action("resource_create")(_context(), {
                    "package_id": pkg["id"], "name": label, "format": fmt, "url": filename,
                    "upload": FileStorage(stream=io.BytesIO(content), filename=filename,
                                          content_type="text/csv" if fmt == "CSV" else "text/plain"),
                })
    if Request.get("demo-solicitud-1") is None:
        from ckan import model

        model.Session.add_all([
            Request(id="demo-solicitud-1", kind="dataset", title="Horarios de recolección de basura por colonia",
                    body="Me gustaría consultar los horarios y rutas de recolección en CSV.",
                    requester_name="Ejemplo", requester_email="ejemplo@example.com", status="answered",
                    answer="Está en el plan de publicación de la Secretaría del Ayuntamiento para este año."),
            Request(id="demo-solicitud-2", kind="dataset", title="Mercados y tianguis",
                    body="Solicito la ubicación y los días de los tianguis del municipio.",
                    requester_name="Ejemplo", requester_email="ejemplo@example.com", status="new"),
        ])
        model.Session.commit()
        created.append("solicitudes de ejemplo")
    return {"created": created, "existing": existing}
