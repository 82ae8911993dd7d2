"""`ckan sach demo`: a demo catalogue of example datasets for San Andrés Cholula.

Every dataset is generated here from a fixed random seed (same files on every run), is marked
"Datos de ejemplo" in its description, and gets real uploaded files (CSV, JSON, GeoJSON) plus a
data dictionary (CSV resource with role ``data_dictionary``). Figures are invented: aggregated,
never about a person. Public datasets: more than 40; a few private and draft ones are added so
that permission and leak tests have something to find.

Idempotent: a dataset that already exists is left alone (a half-loaded one from an interrupted
run — a draft that should not be — is purged and loaded again).
"""
from __future__ import annotations

import csv
import io
import json
import logging
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.sach import seed, vocab

log = logging.getLogger(__name__)

SEED = 21119
EXAMPLE_NOTICE = (
    "**Datos de ejemplo.** Generados por el proyecto de datos abiertos para demostrar el "
    "catálogo; no son cifras oficiales del Ayuntamiento de San Andrés Cholula."
)
# Approximate bounding box of the municipality (example geometry only).
BBOX = (-98.335, 18.99, -98.26, 19.07)

JUNTAS = [p for p in vocab.items("places") if p["kind"] == "junta_auxiliar"]
INSPECTORIAS = [p for p in vocab.items("places") if p["kind"] == "inspectoria"]
LOCALIDADES = ["Cabecera municipal"] + [p["label"]["es"] for p in JUNTAS + INSPECTORIAS]
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre"]

Column = tuple[str, str, str]  # name, type, description


@dataclass
class Spec:
    """One demo dataset."""

    name: str
    title: str
    org: str
    notes: str
    sector: str
    frequency: str
    columns: list[Column]
    rows: Callable[[random.Random], list[dict[str, Any]]]
    groups: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    obligations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=lambda: ["21119"])
    year: int = 2024
    extra_formats: list[str] = field(default_factory=list)  # "JSON", "GeoJSON"
    geo: bool = False
    private: bool = False
    state: str = "active"
    languages: list[str] = field(default_factory=lambda: ["es"])


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())


def _point(rng: random.Random) -> tuple[float, float]:
    return (round(rng.uniform(BBOX[0], BBOX[2]), 5), round(rng.uniform(BBOX[1], BBOX[3]), 5))


# ----------------------------------------------------------------------------- row generators


def _presupuesto(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    capitulos = [
        ("1000", "Servicios personales"), ("2000", "Materiales y suministros"),
        ("3000", "Servicios generales"), ("4000", "Transferencias, asignaciones, subsidios y otras ayudas"),
        ("5000", "Bienes muebles, inmuebles e intangibles"), ("6000", "Inversión pública"),
        ("9000", "Deuda pública"),
    ]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        out = []
        for clave, nombre in capitulos:
            aprobado = rng.randint(20, 400) * 1_000_000 * (1 + (year - 2022) * 0.04)
            modificado = aprobado * rng.uniform(0.95, 1.1)
            out.append({"ejercicio": year, "capitulo": clave, "concepto": nombre,
                        "aprobado": round(aprobado, 2), "modificado": round(modificado, 2),
                        "ejercido": round(modificado * rng.uniform(0.7, 1.0), 2)})
        return out

    return rows


def _ingresos(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    rubros = ["Impuesto predial", "Derechos por servicios", "Productos", "Aprovechamientos",
              "Participaciones federales", "Aportaciones federales"]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        return [{"ejercicio": year, "trimestre": t, "rubro": r,
                 "monto": round(rng.uniform(5, 120) * 1_000_000, 2)}
                for t in range(1, 5) for r in rubros]

    return rows


def _obras(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    tipos = ["Pavimentación", "Alumbrado público", "Red de agua potable", "Drenaje sanitario",
             "Rehabilitación de espacio público", "Guarniciones y banquetas"]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        out = []
        for i in range(1, rng.randint(14, 22)):
            lon, lat = _point(rng)
            localidad = rng.choice(LOCALIDADES)
            tipo = rng.choice(tipos)
            out.append({"folio": f"OP-{year}-{i:03d}", "tipo_obra": tipo,
                        "descripcion": f"{tipo} en {localidad}", "localidad": localidad,
                        "procedimiento": rng.choice(["Adjudicación directa", "Invitación restringida",
                                                     "Licitación pública"]),
                        "monto_contratado": round(rng.uniform(0.3, 12) * 1_000_000, 2),
                        "avance_fisico_pct": rng.choice([25, 50, 75, 100, 100]),
                        "fecha_inicio": f"{year}-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}",
                        "longitud": lon, "latitud": lat})
        return out

    return rows


def _incidentes(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    tipos = ["Incendio de pastizal", "Fuga de gas", "Inundación", "Árbol caído",
             "Enjambre de abejas", "Accidente vial", "Caída de barda"]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        out = []
        for i in range(1, rng.randint(40, 70)):
            lon, lat = _point(rng)
            mes = rng.randint(1, 12)
            out.append({"folio": f"PC-{year}-{i:04d}",
                        "fecha": f"{year}-{mes:02d}-{rng.randint(1, 28):02d}",
                        "tipo_incidente": rng.choice(tipos), "localidad": rng.choice(LOCALIDADES),
                        "personas_atendidas": rng.randint(0, 6),
                        "tiempo_respuesta_min": rng.randint(6, 45), "longitud": lon, "latitud": lat})
        return out

    return rows


def _apoyos(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    apoyos = ["Despensa", "Aparato funcional", "Consulta médica", "Terapia de rehabilitación",
              "Asesoría jurídica familiar", "Desayuno escolar"]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        return [{"ejercicio": year, "trimestre": t, "localidad": loc, "tipo_apoyo": a,
                 "apoyos_entregados": rng.randint(5, 400)}
                for t in range(1, 5) for loc in LOCALIDADES[:7] for a in apoyos[:3 + t % 3]]

    return rows


def _eventos(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    tipos = ["Concierto", "Exposición", "Taller", "Danza tradicional", "Festival gastronómico",
             "Presentación de libro", "Cine al aire libre"]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        out = []
        for i in range(1, rng.randint(25, 40)):
            mes = rng.randint(1, 12)
            out.append({"id_evento": f"EV-{year}-{i:03d}", "tipo": rng.choice(tipos),
                        "fecha": f"{year}-{mes:02d}-{rng.randint(1, 28):02d}",
                        "localidad": rng.choice(LOCALIDADES), "gratuito": rng.choice(["sí", "no"]),
                        "asistentes_estimados": rng.randint(30, 2500)})
        return out

    return rows


def _turismo(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    def rows(rng: random.Random) -> list[dict[str, Any]]:
        return [{"ejercicio": year, "mes": m, "visitantes_nacionales": rng.randint(8000, 40000),
                 "visitantes_extranjeros": rng.randint(500, 6000),
                 "ocupacion_hotelera_pct": round(rng.uniform(35, 85), 1)}
                for m in MESES]

    return rows


def _solicitudes(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    def rows(rng: random.Random) -> list[dict[str, Any]]:
        out = []
        for m, mes in enumerate(MESES, 1):
            recibidas = rng.randint(20, 90)
            out.append({"ejercicio": year, "mes": mes, "solicitudes_recibidas": recibidas,
                        "respondidas_en_plazo": int(recibidas * rng.uniform(0.8, 1.0)),
                        "recursos_de_revision": rng.randint(0, 5),
                        "medio_plataforma_nacional": int(recibidas * rng.uniform(0.5, 0.9))})
        return out

    return rows


def _cabildo(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    def rows(rng: random.Random) -> list[dict[str, Any]]:
        out = []
        for i in range(1, 25):
            mes = (i + 1) // 2
            votos = 15
            contra = rng.choice([0, 0, 0, 1, 2])
            out.append({"sesion": f"{year}-{i:02d}",
                        "tipo": rng.choice(["Ordinaria", "Ordinaria", "Extraordinaria"]),
                        "fecha": f"{year}-{mes:02d}-{rng.randint(1, 28):02d}",
                        "asistentes": rng.randint(12, votos), "acuerdos_aprobados": rng.randint(2, 9),
                        "votos_en_contra": contra})
        return out

    return rows


def _unidades(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    giros = ["Comercio al por menor", "Servicios de alimentos y bebidas", "Servicios profesionales",
             "Manufactura", "Servicios educativos", "Alojamiento temporal"]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        return [{"ejercicio": year, "localidad": loc, "giro": g, "unidades": rng.randint(3, 600)}
                for loc in LOCALIDADES for g in giros]

    return rows


def _licencias(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    def rows(rng: random.Random) -> list[dict[str, Any]]:
        return [{"ejercicio": year, "mes": mes, "licencias_nuevas": rng.randint(10, 80),
                 "refrendos": rng.randint(40, 300), "tiempo_promedio_dias": rng.randint(2, 15)}
                for mes in MESES]

    return rows


def _agro(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    cultivos = ["Maíz", "Frijol", "Hortalizas", "Flores", "Alfalfa"]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        return [{"ejercicio": year, "localidad": j["label"]["es"], "cultivo": c,
                 "superficie_ha": round(rng.uniform(2, 180), 1),
                 "produccion_t": round(rng.uniform(5, 900), 1)}
                for j in JUNTAS for c in cultivos]

    return rows


def _auditorias(year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    def rows(rng: random.Random) -> list[dict[str, Any]]:
        return [{"ejercicio": year, "numero": f"CM-{year}-{i:02d}",
                 "area_auditada": rng.choice([d["label"]["es"] for d in vocab.items("dependencias")[:9]]),
                 "tipo": rng.choice(["Financiera", "De obra pública", "De desempeño"]),
                 "observaciones": rng.randint(0, 12), "solventadas": rng.randint(0, 8)}
                for i in range(1, rng.randint(6, 12))]

    return rows


def _reportes(place: dict[str, Any], year: int) -> Callable[[random.Random], list[dict[str, Any]]]:
    servicios = ["Alumbrado", "Bacheo", "Recolección de basura", "Agua potable", "Poda"]

    def rows(rng: random.Random) -> list[dict[str, Any]]:
        return [{"ejercicio": year, "mes": mes, "localidad": place["label"]["es"], "servicio": s,
                 "reportes_recibidos": rng.randint(0, 60), "reportes_atendidos": rng.randint(0, 55)}
                for mes in MESES for s in servicios]

    return rows


def _sedes(rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for p in JUNTAS + INSPECTORIAS:
        lon, lat = _point(rng)
        out.append({"localidad": p["label"]["es"], "tipo": vocab.label("place_kinds", p["kind"], "es"),
                    "clave": p["value"], "longitud": lon, "latitud": lat})
    return out


def _proveedores(rng: random.Random) -> list[dict[str, Any]]:
    giros = ["Materiales de construcción", "Papelería", "Mantenimiento vehicular", "Alimentos",
             "Equipo de cómputo", "Servicios de limpieza"]
    return [{"numero_registro": f"PRV-{i:04d}", "razon_social": f"Proveedor de ejemplo {i:03d} S.A. de C.V.",
             "giro": rng.choice(giros), "estatus": rng.choice(["Vigente", "Vigente", "Suspendido"])}
            for i in range(1, 61)]


def _gacetas(rng: random.Random) -> list[dict[str, Any]]:
    return [{"numero": n, "fecha": f"2024-{n:02d}-15", "acuerdos_publicados": rng.randint(3, 15)}
            for n in range(1, 13)]


def _indicadores(rng: random.Random) -> list[dict[str, Any]]:
    nombres = [("Solicitudes de información respondidas en plazo", "%"),
               ("Incidentes atendidos en menos de 20 minutos", "%"),
               ("Obras concluidas en el ejercicio", "obras"),
               ("Luminarias en funcionamiento", "%"),
               ("Apoyos del DIF entregados", "apoyos")]
    return [{"ejercicio": 2024, "indicador": n, "unidad": u, "meta": rng.randint(60, 100),
             "resultado": rng.randint(50, 100)} for n, u in nombres]


# ----------------------------------------------------------------------------- catalogue

YEARS = (2022, 2023, 2024)
COLS_OBRA = [("folio", "texto", "Folio de la obra"), ("tipo_obra", "texto", "Tipo de obra"),
             ("descripcion", "texto", "Descripción breve"), ("localidad", "texto", "Localidad"),
             ("procedimiento", "texto", "Procedimiento de contratación"),
             ("monto_contratado", "número (MXN)", "Monto contratado en pesos"),
             ("avance_fisico_pct", "entero (%)", "Avance físico"),
             ("fecha_inicio", "fecha ISO 8601", "Fecha de inicio"),
             ("longitud", "número (grados WGS84)", "Longitud aproximada"),
             ("latitud", "número (grados WGS84)", "Latitud aproximada")]


def catalogue() -> list[Spec]:
    specs: list[Spec] = []
    for y in YEARS:
        specs += [
            Spec(f"presupuesto-de-egresos-{y}", f"Presupuesto de egresos {y}", "tesoreria-municipal",
                 f"Presupuesto de egresos del ejercicio {y} por capítulo del gasto: aprobado, modificado y ejercido.",
                 "finanzas-y-contrataciones", "R/P1Y",
                 [("ejercicio", "entero", "Año del ejercicio fiscal"), ("capitulo", "texto", "Clave del capítulo del gasto (CONAC)"),
                  ("concepto", "texto", "Nombre del capítulo"), ("aprobado", "número (MXN)", "Monto aprobado"),
                  ("modificado", "número (MXN)", "Monto modificado"), ("ejercido", "número (MXN)", "Monto ejercido")],
                 _presupuesto(y), ["finanzas-publicas"], ["presupuesto", "egresos", "gasto"],
                 ["lgtaip-2015:70-XXI", "lgtaip-2015:71-I-b", "lgtaip-2025:65-XXI"], year=y, extra_formats=["JSON"]),
            Spec(f"ingresos-municipales-{y}", f"Ingresos municipales {y}", "tesoreria-municipal",
                 f"Ingresos recaudados por trimestre y rubro en {y}.", "finanzas-y-contrataciones", "R/P3M",
                 [("ejercicio", "entero", "Año"), ("trimestre", "entero (1-4)", "Trimestre"),
                  ("rubro", "texto", "Rubro de ingreso"), ("monto", "número (MXN)", "Monto recaudado")],
                 _ingresos(y), ["finanzas-publicas"], ["ingresos", "recaudación", "predial"],
                 ["lgtaip-2015:70-XLIII"], year=y),
            Spec(f"obra-publica-{y}", f"Obra pública {y}", "secretaria-del-ayuntamiento",
                 f"Obras públicas contratadas en {y}: tipo, localidad, procedimiento, monto y avance.",
                 "infraestructura", "R/P3M", COLS_OBRA, _obras(y), ["obra-publica"],
                 ["obra pública", "contratos", "infraestructura"],
                 ["lgtaip-2015:70-XXVIII"], ["21119"] + [j["value"] for j in JUNTAS[:3]], year=y,
                 extra_formats=["GeoJSON"], geo=True),
            Spec(f"incidentes-proteccion-civil-{y}", f"Incidentes atendidos por Protección Civil {y}",
                 "direccion-de-proteccion-civil",
                 f"Incidentes atendidos por la Dirección de Protección Civil en {y}, con ubicación aproximada.",
                 "seguridad-y-justicia", "R/P1M",
                 [("folio", "texto", "Folio del reporte"), ("fecha", "fecha ISO 8601", "Fecha del incidente"),
                  ("tipo_incidente", "texto", "Tipo de incidente"), ("localidad", "texto", "Localidad"),
                  ("personas_atendidas", "entero", "Personas atendidas"),
                  ("tiempo_respuesta_min", "entero (minutos)", "Tiempo de respuesta"),
                  ("longitud", "número (grados WGS84)", "Longitud aproximada"),
                  ("latitud", "número (grados WGS84)", "Latitud aproximada")],
                 _incidentes(y), ["proteccion-civil"], ["protección civil", "emergencias", "incidentes"],
                 ["lgtaip-2015:70-XXX"], year=y, extra_formats=["GeoJSON"], geo=True),
            Spec(f"apoyos-dif-{y}", f"Apoyos entregados por el Sistema Municipal DIF {y}", "sistema-municipal-dif",
                 f"Número de apoyos entregados en {y} por trimestre, localidad y tipo de apoyo. "
                 "Cifras agregadas: no contiene datos de personas beneficiarias.",
                 "desarrollo-sostenible", "R/P3M",
                 [("ejercicio", "entero", "Año"), ("trimestre", "entero (1-4)", "Trimestre"),
                  ("localidad", "texto", "Localidad"), ("tipo_apoyo", "texto", "Tipo de apoyo"),
                  ("apoyos_entregados", "entero", "Apoyos entregados")],
                 _apoyos(y), ["desarrollo-social"], ["DIF", "apoyos", "asistencia social"],
                 ["lgtaip-2015:70-XV"], ["21119"] + [j["value"] for j in JUNTAS], year=y),
            Spec(f"eventos-culturales-{y}", f"Eventos culturales {y}", "secretaria-de-arte-cultura-y-turismo",
                 f"Eventos culturales organizados por el Ayuntamiento en {y}.", "cultura-y-turismo", "R/P1M",
                 [("id_evento", "texto", "Identificador"), ("tipo", "texto", "Tipo de evento"),
                  ("fecha", "fecha ISO 8601", "Fecha"), ("localidad", "texto", "Localidad"),
                  ("gratuito", "texto (sí/no)", "Entrada libre"), ("asistentes_estimados", "entero", "Asistentes estimados")],
                 _eventos(y), ["cultura-y-turismo"], ["cultura", "eventos"], ["lgtaip-2015:70-XLVIII"],
                 year=y, extra_formats=["JSON"], languages=["es", "nah"]),
            Spec(f"afluencia-turistica-{y}", f"Afluencia turística mensual {y}", "secretaria-de-arte-cultura-y-turismo",
                 f"Visitantes nacionales y extranjeros estimados y ocupación hotelera por mes en {y}.",
                 "cultura-y-turismo", "R/P1M",
                 [("ejercicio", "entero", "Año"), ("mes", "texto", "Mes"),
                  ("visitantes_nacionales", "entero", "Visitantes nacionales estimados"),
                  ("visitantes_extranjeros", "entero", "Visitantes extranjeros estimados"),
                  ("ocupacion_hotelera_pct", "número (%)", "Ocupación hotelera")],
                 _turismo(y), ["cultura-y-turismo"], ["turismo", "visitantes"], ["lgtaip-2015:70-XXX"],
                 ["21119", "santa-maria-tonantzintla", "san-francisco-acatepec"], year=y, languages=["es", "en"]),
            Spec(f"solicitudes-de-informacion-{y}", f"Solicitudes de acceso a la información {y}",
                 "coordinacion-general-de-transparencia",
                 f"Solicitudes de acceso a la información pública recibidas y atendidas por mes en {y}.",
                 "gobiernos-locales", "R/P1M",
                 [("ejercicio", "entero", "Año"), ("mes", "texto", "Mes"),
                  ("solicitudes_recibidas", "entero", "Solicitudes recibidas"),
                  ("respondidas_en_plazo", "entero", "Respondidas en el plazo legal"),
                  ("recursos_de_revision", "entero", "Recursos de revisión"),
                  ("medio_plataforma_nacional", "entero", "Recibidas por la Plataforma Nacional de Transparencia")],
                 _solicitudes(y), ["transparencia"], ["transparencia", "solicitudes", "acceso a la información"],
                 ["lgtaip-2015:70-XXX", "lgtaip-2015:70-XIII"], year=y),
            Spec(f"sesiones-de-cabildo-{y}", f"Sesiones de cabildo {y}", "secretaria-del-ayuntamiento",
                 f"Sesiones de cabildo de {y}: tipo, fecha, asistencia y acuerdos aprobados.",
                 "gobiernos-locales", "R/P1M",
                 [("sesion", "texto", "Número de sesión"), ("tipo", "texto", "Ordinaria o extraordinaria"),
                  ("fecha", "fecha ISO 8601", "Fecha"), ("asistentes", "entero", "Integrantes presentes"),
                  ("acuerdos_aprobados", "entero", "Acuerdos aprobados"), ("votos_en_contra", "entero", "Votos en contra registrados")],
                 _cabildo(y), ["transparencia"], ["cabildo", "sesiones", "acuerdos"],
                 ["lgtaip-2015:71-II-b"], year=y),
            Spec(f"auditorias-{y}", f"Auditorías de la Contraloría Municipal {y}", "contraloria-municipal",
                 f"Auditorías practicadas en {y}, con observaciones y su solventación.",
                 "finanzas-y-contrataciones", "R/P1Y",
                 [("ejercicio", "entero", "Año"), ("numero", "texto", "Número de auditoría"),
                  ("area_auditada", "texto", "Dependencia auditada"), ("tipo", "texto", "Tipo de auditoría"),
                  ("observaciones", "entero", "Observaciones"), ("solventadas", "entero", "Observaciones solventadas")],
                 _auditorias(y), ["finanzas-publicas", "transparencia"], ["auditoría", "contraloría"],
                 ["lgtaip-2015:70-XXIV"], year=y),
        ]
    for y in (2023, 2024):
        specs += [
            Spec(f"unidades-economicas-{y}", f"Unidades económicas por localidad {y}",
                 "secretaria-de-desarrollo-economico-y-sector-agropecuario",
                 f"Unidades económicas registradas en {y} por localidad y giro.", "economia", "R/P1Y",
                 [("ejercicio", "entero", "Año"), ("localidad", "texto", "Localidad"),
                  ("giro", "texto", "Giro"), ("unidades", "entero", "Unidades económicas")],
                 _unidades(y), ["desarrollo-economico"], ["economía", "negocios"], ["lgtaip-2015:70-XXX"],
                 ["21119"] + [j["value"] for j in JUNTAS] + [i["value"] for i in INSPECTORIAS], year=y),
            Spec(f"licencias-de-funcionamiento-{y}", f"Licencias de funcionamiento {y}",
                 "secretaria-de-desarrollo-economico-y-sector-agropecuario",
                 f"Licencias de funcionamiento nuevas y refrendos por mes en {y}.", "economia", "R/P1M",
                 [("ejercicio", "entero", "Año"), ("mes", "texto", "Mes"), ("licencias_nuevas", "entero", "Licencias nuevas"),
                  ("refrendos", "entero", "Refrendos"), ("tiempo_promedio_dias", "entero (días)", "Tiempo promedio de resolución")],
                 _licencias(y), ["desarrollo-economico"], ["licencias", "comercio"], ["lgtaip-2015:70-XXVII"], year=y),
            Spec(f"produccion-agropecuaria-{y}", f"Producción agropecuaria por junta auxiliar {y}",
                 "secretaria-de-desarrollo-economico-y-sector-agropecuario",
                 f"Superficie sembrada y producción estimada por cultivo y junta auxiliar en {y}.",
                 "economia", "R/P1Y",
                 [("ejercicio", "entero", "Año"), ("localidad", "texto", "Junta auxiliar"), ("cultivo", "texto", "Cultivo"),
                  ("superficie_ha", "número (ha)", "Superficie sembrada"), ("produccion_t", "número (t)", "Producción")],
                 _agro(y), ["desarrollo-economico", "juntas-auxiliares"], ["agricultura", "campo"], [],
                 [j["value"] for j in JUNTAS], year=y, extra_formats=["JSON"]),
        ]
    for j in JUNTAS:
        specs.append(Spec(
            f"reportes-de-servicios-{j['value']}-2024", f"Reportes de servicios públicos en {j['label']['es']} 2024",
            f"junta-auxiliar-{j['value']}",
            f"Reportes ciudadanos de servicios públicos recibidos y atendidos por mes en {j['label']['es']} en 2024.",
            "gobiernos-locales", "R/P1M",
            [("ejercicio", "entero", "Año"), ("mes", "texto", "Mes"), ("localidad", "texto", "Junta auxiliar"),
             ("servicio", "texto", "Servicio"), ("reportes_recibidos", "entero", "Reportes recibidos"),
             ("reportes_atendidos", "entero", "Reportes atendidos")],
            _reportes(j, 2024), ["juntas-auxiliares"], ["servicios públicos", "reportes", "junta auxiliar"],
            ["lgtaip-2015:70-XXX"], [j["value"]], year=2024))
    specs += [
        Spec("sedes-de-juntas-auxiliares-e-inspectorias", "Sedes de juntas auxiliares e inspectorías",
             "secretaria-del-ayuntamiento",
             "Juntas auxiliares e inspectorías del municipio con una ubicación de referencia aproximada.",
             "geoespacial", "irregular",
             [("localidad", "texto", "Nombre"), ("tipo", "texto", "Junta auxiliar o inspectoría"),
              ("clave", "texto", "Clave en el catálogo de lugares del portal"),
              ("longitud", "número (grados WGS84)", "Longitud aproximada"), ("latitud", "número (grados WGS84)", "Latitud aproximada")],
             _sedes, ["juntas-auxiliares"], ["juntas auxiliares", "inspectorías", "mapa"], ["lgtaip-2015:70-II"],
             ["21119"] + [j["value"] for j in JUNTAS] + [i["value"] for i in INSPECTORIAS],
             extra_formats=["GeoJSON"], geo=True, languages=["es", "nah"]),
        Spec("padron-de-proveedores-2024", "Padrón de proveedores 2024", "tesoreria-municipal",
             "Proveedores registrados en el padrón municipal (personas morales) y su estatus.",
             "finanzas-y-contrataciones", "R/P3M",
             [("numero_registro", "texto", "Número de registro"), ("razon_social", "texto", "Razón social"),
              ("giro", "texto", "Giro"), ("estatus", "texto", "Vigente o suspendido")],
             _proveedores, ["finanzas-publicas"], ["proveedores", "contrataciones"], ["lgtaip-2015:70-XXXII"]),
        Spec("gacetas-municipales-2024", "Gacetas municipales 2024", "secretaria-del-ayuntamiento",
             "Números de la gaceta municipal publicados en 2024 y acuerdos que contienen.",
             "gobiernos-locales", "R/P1M",
             [("numero", "entero", "Número de gaceta"), ("fecha", "fecha ISO 8601", "Fecha de publicación"),
              ("acuerdos_publicados", "entero", "Acuerdos publicados")],
             _gacetas, ["transparencia"], ["gaceta", "acuerdos"], ["lgtaip-2015:71-II-a"], extra_formats=["JSON"]),
        Spec("indicadores-de-gestion-2024", "Indicadores de gestión 2024", "presidencia-municipal",
             "Indicadores de resultados de la administración municipal: meta y resultado.", "gobiernos-locales", "R/P1Y",
             [("ejercicio", "entero", "Año"), ("indicador", "texto", "Indicador"), ("unidad", "texto", "Unidad de medida"),
              ("meta", "entero", "Meta"), ("resultado", "entero", "Resultado")],
             _indicadores, ["transparencia"], ["indicadores", "resultados"], ["lgtaip-2015:70-VI"]),
    ]
    # Not public: for permission and leak tests.
    specs += [
        Spec("arqueo-de-caja-interno-2024", "Arqueos de caja internos 2024", "tesoreria-municipal",
             "Arqueos de caja de uso interno (conjunto privado).", "finanzas-y-contrataciones", "R/P1M",
             [("ejercicio", "entero", "Año"), ("mes", "texto", "Mes"), ("monto", "número (MXN)", "Monto arqueado")],
             lambda rng: [{"ejercicio": 2024, "mes": m, "monto": rng.randint(10000, 90000)} for m in MESES],
             private=True),
        Spec("seguimiento-de-observaciones-2024", "Seguimiento interno de observaciones 2024", "contraloria-municipal",
             "Seguimiento interno de observaciones de auditoría (conjunto privado).", "finanzas-y-contrataciones", "R/P1M",
             [("numero", "texto", "Observación"), ("estatus", "texto", "Estatus")],
             lambda rng: [{"numero": f"OBS-{i:03d}", "estatus": rng.choice(["Abierta", "Cerrada"])} for i in range(1, 20)],
             private=True),
        Spec("inventario-de-refugios-temporales", "Inventario de refugios temporales (revisión interna)",
             "direccion-de-proteccion-civil", "Refugios temporales en revisión (conjunto privado).",
             "seguridad-y-justicia", "R/P1Y",
             [("refugio", "texto", "Refugio"), ("capacidad", "entero", "Capacidad")],
             lambda rng: [{"refugio": f"Refugio {i}", "capacidad": rng.randint(50, 300)} for i in range(1, 9)],
             private=True),
        Spec("anteproyecto-de-presupuesto-2025", "Anteproyecto de presupuesto 2025 (borrador)", "tesoreria-municipal",
             "Borrador del anteproyecto de presupuesto 2025.", "finanzas-y-contrataciones", "R/P1Y",
             [("capitulo", "texto", "Capítulo"), ("monto", "número (MXN)", "Monto propuesto")],
             lambda rng: [{"capitulo": c, "monto": rng.randint(1, 9) * 10_000_000} for c in ("1000", "2000", "3000")],
             state="draft"),
        Spec("censo-de-arbolado-borrador", "Censo de arbolado urbano (borrador)", "secretaria-del-ayuntamiento",
             "Borrador de un censo de arbolado urbano.", "energia-y-medio-ambiente", "irregular",
             [("especie", "texto", "Especie"), ("ejemplares", "entero", "Ejemplares")],
             lambda rng: [{"especie": e, "ejemplares": rng.randint(5, 500)} for e in ("Fresno", "Jacaranda", "Pirul")],
             state="draft"),
    ]
    return specs


# ----------------------------------------------------------------------------- files


def csv_bytes(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buf.getvalue().encode("utf-8")


def json_bytes(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def geojson_bytes(rows: list[dict[str, Any]]) -> bytes:
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [row["longitud"], row["latitud"]]},
         "properties": {k: v for k, v in row.items() if k not in ("longitud", "latitud")}}
        for row in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, indent=1).encode("utf-8")


def dictionary_bytes(columns: list[Column]) -> bytes:
    rows = [{"campo": n, "tipo": t, "descripcion": d} for n, t, d in columns]
    return csv_bytes(rows, ["campo", "tipo", "descripcion"])


def resources_for(spec: Spec, rng: random.Random) -> list[dict[str, Any]]:
    """The files of a dataset: data (CSV and extra formats) and the data dictionary."""
    rows = spec.rows(rng)
    columns = [c[0] for c in spec.columns]
    base = spec.name
    files = [dict(name=f"{spec.title} (CSV)", filename=f"{base}.csv", format="CSV",
                  content=csv_bytes(rows, columns), resource_role="data",
                  description="Datos de ejemplo en CSV (UTF-8).")]
    if "JSON" in spec.extra_formats:
        files.append(dict(name=f"{spec.title} (JSON)", filename=f"{base}.json", format="JSON",
                          content=json_bytes(rows), resource_role="data",
                          description="Los mismos datos de ejemplo en JSON."))
    if "GeoJSON" in spec.extra_formats:
        files.append(dict(name=f"{spec.title} (GeoJSON)", filename=f"{base}.geojson", format="GeoJSON",
                          content=geojson_bytes(rows), resource_role="data",
                          description="Ubicaciones aproximadas de ejemplo (WGS84) en GeoJSON."))
    files.append(dict(name="Diccionario de datos", filename=f"{base}-diccionario.csv", format="CSV",
                      content=dictionary_bytes(spec.columns), resource_role="data_dictionary",
                      description="Nombre, tipo y descripción de cada columna."))
    return files


# ----------------------------------------------------------------------------- loading


def dataset_dict(spec: Spec) -> dict[str, Any]:
    owner = vocab.get("dependencias", spec.org)
    org_title = owner["label"]["es"] if owner else spec.org
    y = spec.year
    data: dict[str, Any] = {
        "name": spec.name,
        "title": spec.title,
        "owner_org": spec.org,
        "notes": f"{EXAMPLE_NOTICE}\n\n{spec.notes}",
        "tag_string": ",".join(spec.tags + ["datos de ejemplo"]),
        "license_id": "libre-uso-mx",
        "sector": spec.sector,
        "frequency": spec.frequency,
        "issued": f"{min(y + 1, 2025)}-01-15",
        "modified": f"{min(y + 1, 2025)}-02-{10 + len(spec.name) % 15:02d}",
        "contact": [{"name": org_title, "email": tk.config.get("ckanext.sach.contact_email")
                     or "transparencia@sach.gob.mx"}],
        "spatial_coverage": [{"place": p} for p in spec.places],
        "temporal_coverage": [{"start": f"{y}-01-01", "end": f"{y}-12-31"}],
        "language": spec.languages,
        "transparency_obligations": spec.obligations,
        "personal_data": "no",
        "quality_notes": "Datos de ejemplo generados automáticamente; sin revisión de calidad.",
        "groups": [{"name": g} for g in spec.groups],
        "private": spec.private,
        "state": "draft",
    }
    return data


def _show(name: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("package_show")(seed.site_context(), {"id": name})
    except tk.ObjectNotFound:
        return None


def load_dataset(spec: Spec, rng: random.Random) -> str:
    """Create one dataset with its files; returns "created" or "existing"."""
    files = resources_for(spec, rng)  # always drawn, so later datasets get the same figures
    existing = _show(spec.name)
    if existing:
        if existing["state"] == spec.state or existing["state"] != "draft":
            return "existing"
        # an interrupted earlier run left a half-loaded draft
        tk.get_action("dataset_purge")(seed.site_context(), {"id": existing["id"]})
    pkg = tk.get_action("package_create")(seed.site_context(), dataset_dict(spec))
    for f in files:
        upload = FileStorage(stream=io.BytesIO(f["content"]), filename=f["filename"],
                             content_type=(vocab.get("formats", f["format"]) or {}).get("mimetype"))
        tk.get_action("resource_create")(seed.site_context(), {
            "package_id": pkg["id"], "name": f["name"], "description": f["description"],
            "format": f["format"], "resource_role": f["resource_role"], "upload": upload,
            "url": f["filename"],
        })
    if spec.state != "draft":
        tk.get_action("package_patch")(seed.site_context(), {"id": pkg["id"], "state": spec.state})
    return "created"


def ensure_organizations(specs: list[Spec]) -> list[str]:
    """Create the dependencias the demo needs that the (configurable) seed list lacks."""
    import os

    import yaml

    with open(os.path.join(os.path.dirname(vocab.__file__), "dependencias.yaml"), encoding="utf-8") as f:
        shipped = {item["value"]: item for item in yaml.safe_load(f)}
    created = []
    for name in sorted({s.org for s in specs}):
        try:
            tk.get_action("organization_show")(seed.site_context(), {"id": name})
        except tk.ObjectNotFound:
            item = shipped.get(name) or {"value": name, "label": {"es": name, "en": name}}
            tk.get_action("organization_create")(seed.site_context(), seed.organization_dict(item))
            created.append(name)
    return created


def run(limit: int | None = None) -> dict[str, Any]:
    """Seed, then load the demo catalogue. Returns counts of created and existing datasets."""
    seeded = seed.run()
    specs = catalogue()
    seeded["demo_organizations"] = ensure_organizations(specs)
    rng = random.Random(SEED)
    created, existing = [], []
    for spec in specs[:limit]:
        if load_dataset(spec, rng) == "created":
            created.append(spec.name)
        else:
            existing.append(spec.name)
    return {"seed": seeded, "created": created, "existing": existing}
