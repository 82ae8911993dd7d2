"""Row generators of the demo catalogue: each makes the rows of one demo dataset from the
catalogue's seeded random generator.

``catalogue.yaml`` names a generator in ``rows:``. The figures are invented (aggregated, never
about a person); they must come out the same on every run, so a generator draws from the shared
generator in a fixed order: never reorder draws or change ranges without meaning to change the
demo data.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ckanext.sach import vocab

__all__ = ["generator", "names"]

Rows = list[dict[str, Any]]
Generator = Callable[[random.Random], Rows]

# Approximate bounding box of the municipality (example geometry only).
BBOX = (-98.335, 18.99, -98.26, 19.07)

JUNTAS = [p for p in vocab.items("places") if p["kind"] == "junta_auxiliar"]
INSPECTORIAS = [p for p in vocab.items("places") if p["kind"] == "inspectoria"]
LOCALIDADES = ["Cabecera municipal"] + [p["label"]["es"] for p in JUNTAS + INSPECTORIAS]
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre"]


def _point(rng: random.Random) -> tuple[float, float]:
    return (round(rng.uniform(BBOX[0], BBOX[2]), 5), round(rng.uniform(BBOX[1], BBOX[3]), 5))


# ----------------------------------------------------------------------------- one per year

def _presupuesto(year: int) -> Generator:
    capitulos = [
        ("1000", "Servicios personales"), ("2000", "Materiales y suministros"),
        ("3000", "Servicios generales"), ("4000", "Transferencias, asignaciones, subsidios y otras ayudas"),
        ("5000", "Bienes muebles, inmuebles e intangibles"), ("6000", "Inversión pública"),
        ("9000", "Deuda pública"),
    ]

    def rows(rng: random.Random) -> Rows:
        out = []
        for clave, nombre in capitulos:
            aprobado = rng.randint(20, 400) * 1_000_000 * (1 + (year - 2022) * 0.04)
            modificado = aprobado * rng.uniform(0.95, 1.1)
            out.append({"ejercicio": year, "capitulo": clave, "concepto": nombre,
                        "aprobado": round(aprobado, 2), "modificado": round(modificado, 2),
                        "ejercido": round(modificado * rng.uniform(0.7, 1.0), 2)})
        return out

    return rows


def _ingresos(year: int) -> Generator:
    rubros = ["Impuesto predial", "Derechos por servicios", "Productos", "Aprovechamientos",
              "Participaciones federales", "Aportaciones federales"]

    def rows(rng: random.Random) -> Rows:
        return [{"ejercicio": year, "trimestre": t, "rubro": r,
                 "monto": round(rng.uniform(5, 120) * 1_000_000, 2)}
                for t in range(1, 5) for r in rubros]

    return rows


def _obras(year: int) -> Generator:
    tipos = ["Pavimentación", "Alumbrado público", "Red de agua potable", "Drenaje sanitario",
             "Rehabilitación de espacio público", "Guarniciones y banquetas"]

    def rows(rng: random.Random) -> Rows:
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


def _incidentes(year: int) -> Generator:
    tipos = ["Incendio de pastizal", "Fuga de gas", "Inundación", "Árbol caído",
             "Enjambre de abejas", "Accidente vial", "Caída de barda"]

    def rows(rng: random.Random) -> Rows:
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


def _apoyos(year: int) -> Generator:
    apoyos = ["Despensa", "Aparato funcional", "Consulta médica", "Terapia de rehabilitación",
              "Asesoría jurídica familiar", "Desayuno escolar"]

    def rows(rng: random.Random) -> Rows:
        return [{"ejercicio": year, "trimestre": t, "localidad": loc, "tipo_apoyo": a,
                 "apoyos_entregados": rng.randint(5, 400)}
                for t in range(1, 5) for loc in LOCALIDADES[:7] for a in apoyos[:3 + t % 3]]

    return rows


def _eventos(year: int) -> Generator:
    tipos = ["Concierto", "Exposición", "Taller", "Danza tradicional", "Festival gastronómico",
             "Presentación de libro", "Cine al aire libre"]

    def rows(rng: random.Random) -> Rows:
        out = []
        for i in range(1, rng.randint(25, 40)):
            mes = rng.randint(1, 12)
            out.append({"id_evento": f"EV-{year}-{i:03d}", "tipo": rng.choice(tipos),
                        "fecha": f"{year}-{mes:02d}-{rng.randint(1, 28):02d}",
                        "localidad": rng.choice(LOCALIDADES), "gratuito": rng.choice(["sí", "no"]),
                        "asistentes_estimados": rng.randint(30, 2500)})
        return out

    return rows


def _turismo(year: int) -> Generator:
    def rows(rng: random.Random) -> Rows:
        return [{"ejercicio": year, "mes": m, "visitantes_nacionales": rng.randint(8000, 40000),
                 "visitantes_extranjeros": rng.randint(500, 6000),
                 "ocupacion_hotelera_pct": round(rng.uniform(35, 85), 1)}
                for m in MESES]

    return rows


def _solicitudes(year: int) -> Generator:
    def rows(rng: random.Random) -> Rows:
        out = []
        for mes in MESES:
            recibidas = rng.randint(20, 90)
            out.append({"ejercicio": year, "mes": mes, "solicitudes_recibidas": recibidas,
                        "respondidas_en_plazo": int(recibidas * rng.uniform(0.8, 1.0)),
                        "recursos_de_revision": rng.randint(0, 5),
                        "medio_plataforma_nacional": int(recibidas * rng.uniform(0.5, 0.9))})
        return out

    return rows


def _cabildo(year: int) -> Generator:
    def rows(rng: random.Random) -> Rows:
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


def _unidades(year: int) -> Generator:
    giros = ["Comercio al por menor", "Servicios de alimentos y bebidas", "Servicios profesionales",
             "Manufactura", "Servicios educativos", "Alojamiento temporal"]

    def rows(rng: random.Random) -> Rows:
        return [{"ejercicio": year, "localidad": loc, "giro": g, "unidades": rng.randint(3, 600)}
                for loc in LOCALIDADES for g in giros]

    return rows


def _licencias(year: int) -> Generator:
    def rows(rng: random.Random) -> Rows:
        return [{"ejercicio": year, "mes": mes, "licencias_nuevas": rng.randint(10, 80),
                 "refrendos": rng.randint(40, 300), "tiempo_promedio_dias": rng.randint(2, 15)}
                for mes in MESES]

    return rows


def _agro(year: int) -> Generator:
    cultivos = ["Maíz", "Frijol", "Hortalizas", "Flores", "Alfalfa"]

    def rows(rng: random.Random) -> Rows:
        return [{"ejercicio": year, "localidad": j["label"]["es"], "cultivo": c,
                 "superficie_ha": round(rng.uniform(2, 180), 1),
                 "produccion_t": round(rng.uniform(5, 900), 1)}
                for j in JUNTAS for c in cultivos]

    return rows


def _auditorias(year: int) -> Generator:
    def rows(rng: random.Random) -> Rows:
        return [{"ejercicio": year, "numero": f"CM-{year}-{i:02d}",
                 "area_auditada": rng.choice([d["label"]["es"] for d in vocab.items("dependencias")[:9]]),
                 "tipo": rng.choice(["Financiera", "De obra pública", "De desempeño"]),
                 "observaciones": rng.randint(0, 12), "solventadas": rng.randint(0, 8)}
                for i in range(1, rng.randint(6, 12))]

    return rows


def _reportes(place: dict[str, Any], year: int) -> Generator:
    servicios = ["Alumbrado", "Bacheo", "Recolección de basura", "Agua potable", "Poda"]

    def rows(rng: random.Random) -> Rows:
        return [{"ejercicio": year, "mes": mes, "localidad": place["label"]["es"], "servicio": s,
                 "reportes_recibidos": rng.randint(0, 60), "reportes_atendidos": rng.randint(0, 55)}
                for mes in MESES for s in servicios]

    return rows


# ----------------------------------------------------------------------------- fixed


def _sedes(rng: random.Random) -> Rows:
    out = []
    for p in JUNTAS + INSPECTORIAS:
        lon, lat = _point(rng)
        out.append({"localidad": p["label"]["es"], "tipo": vocab.label("place_kinds", p["kind"], "es"),
                    "clave": p["value"], "longitud": lon, "latitud": lat})
    return out


def _proveedores(rng: random.Random) -> Rows:
    giros = ["Materiales de construcción", "Papelería", "Mantenimiento vehicular", "Alimentos",
             "Equipo de cómputo", "Servicios de limpieza"]
    return [{"numero_registro": f"PRV-{i:04d}", "razon_social": f"Proveedor de ejemplo {i:03d} S.A. de C.V.",
             "giro": rng.choice(giros), "estatus": rng.choice(["Vigente", "Vigente", "Suspendido"])}
            for i in range(1, 61)]


def _gacetas(rng: random.Random) -> Rows:
    return [{"numero": n, "fecha": f"2024-{n:02d}-15", "acuerdos_publicados": rng.randint(3, 15)}
            for n in range(1, 13)]


def _indicadores(rng: random.Random) -> Rows:
    nombres = [("Solicitudes de información respondidas en plazo", "%"),
               ("Incidentes atendidos en menos de 20 minutos", "%"),
               ("Obras concluidas en el ejercicio", "obras"),
               ("Luminarias en funcionamiento", "%"),
               ("Apoyos del DIF entregados", "apoyos")]
    return [{"ejercicio": 2024, "indicador": n, "unidad": u, "meta": rng.randint(60, 100),
             "resultado": rng.randint(50, 100)} for n, u in nombres]


# ----------------------------------------------------------------------------- not public


def _arqueos(rng: random.Random) -> Rows:
    return [{"ejercicio": 2024, "mes": m, "monto": rng.randint(10000, 90000)} for m in MESES]


def _observaciones(rng: random.Random) -> Rows:
    return [{"numero": f"OBS-{i:03d}", "estatus": rng.choice(["Abierta", "Cerrada"])} for i in range(1, 20)]


def _refugios(rng: random.Random) -> Rows:
    return [{"refugio": f"Refugio {i}", "capacidad": rng.randint(50, 300)} for i in range(1, 9)]


def _anteproyecto(rng: random.Random) -> Rows:
    return [{"capitulo": c, "monto": rng.randint(1, 9) * 10_000_000} for c in ("1000", "2000", "3000")]


def _arbolado(rng: random.Random) -> Rows:
    return [{"especie": e, "ejemplares": rng.randint(5, 500)} for e in ("Fresno", "Jacaranda", "Pirul")]


# ----------------------------------------------------------------------------- registry

#: generators of a year's figures: ``factory(year)``
_BY_YEAR: dict[str, Callable[[int], Generator]] = {
    "presupuesto": _presupuesto, "ingresos": _ingresos, "obras": _obras, "incidentes": _incidentes,
    "apoyos": _apoyos, "eventos": _eventos, "turismo": _turismo, "solicitudes": _solicitudes,
    "cabildo": _cabildo, "unidades": _unidades, "licencias": _licencias, "agro": _agro,
    "auditorias": _auditorias,
}
#: generators of one place's figures in a year: ``factory(place, year)``
_BY_PLACE: dict[str, Callable[[dict[str, Any], int], Generator]] = {"reportes": _reportes}
#: generators that take nothing but the random generator
_FIXED: dict[str, Generator] = {
    "sedes": _sedes, "proveedores": _proveedores, "gacetas": _gacetas, "indicadores": _indicadores,
    "arqueos": _arqueos, "observaciones": _observaciones, "refugios": _refugios,
    "anteproyecto": _anteproyecto, "arbolado": _arbolado,
}


def names() -> set[str]:
    """Names a ``rows:`` entry of ``catalogue.yaml`` may use."""
    return set(_BY_YEAR) | set(_BY_PLACE) | set(_FIXED)


def generator(name: str, year: int, place: dict[str, Any] | None = None) -> Generator:
    """The rows of generator ``name`` for ``year`` (and ``place``, for per-place generators)."""
    if name in _BY_YEAR:
        return _BY_YEAR[name](year)
    if name in _BY_PLACE:
        if place is None:
            raise ValueError(f"rows generator {name!r} needs a place (for_each junta)")
        return _BY_PLACE[name](place, year)
    return _FIXED[name]
