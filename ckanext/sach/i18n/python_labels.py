"""Labels that the extension keeps in Python dicts and translates with
``_(variable)``: Babel only extracts literal ``_('…')`` calls, so these are
listed here as literals to put them in ckanext-sach.pot (and so in the `en`
catalogue). Never imported. tests/i18n/test_catalogue.py fails when a label
of those dicts is missing from this list (and so from the catalogue).
"""


def _(message: str) -> str:
    return message


# ckanext/sach/quality/helpers.py: FRESHNESS_LABELS, MISSING_LABELS; quality/indexing.py: FACETS
QUALITY = [
    _("Al día"),
    _("Por actualizar"),
    _("Desactualizado"),
    _("Sin periodicidad"),
    _("Sin fecha o frecuencia"),
    _("Identificador"),
    _("Título"),
    _("Descripción"),
    _("Fecha de actualización"),
    _("Nombre del contacto"),
    _("Correo del contacto"),
    _("Página de documentación o diccionario de datos"),
    _("Frecuencia de actualización"),
    _("Al menos un recurso"),
    _("Actualización"),
    _("Estrellas de apertura"),
]

# ckanext/sach/privacy/helpers.py: KIND_LABELS (singular, plural), DEFAULT_REVIEWERS;
# ckanext/sach/privacy/views.py: DETECTOR_LABELS, STATUS_LABELS
PRIVACY = [
    _("CURP"),
    _("RFC de persona física"),
    _("RFC de personas físicas"),
    _("clave de elector"),
    _("claves de elector"),
    _("correo electrónico"),
    _("correos electrónicos"),
    _("teléfono"),
    _("teléfonos"),
    _("columna con nombre de dato personal"),
    _("columnas con nombre de dato personal"),
    _("Coordinación General de Transparencia"),
    _("Clave de elector"),
    _("Correo electrónico"),
    _("Teléfono"),
    _("Nombre de columna con datos personales"),
    _("En revisión automática"),
    _("Sin hallazgos"),
    _("Con posibles datos personales"),
    _("Revisión incompleta"),
    _("No se pudo revisar"),
]

# ckanext/sach/microsite/views.py: SECTIONS
MICROSITE = [
    _("Gobierno Abierto"),
    _("Información pública útil"),
    _("Datos abiertos"),
    _("Ayuntamiento Abierto"),
    _("Participación"),
]

# ckanext/sach/vocab/licenses.json: titles (CKAN's license_options translates them with _();
# the dataset page and the licence facet too, through this extension's templates)
LICENCES = [
    _("Términos de Libre Uso MX"),
    _("Creative Commons Atribución 4.0 (CC BY 4.0)"),
    _("Creative Commons Atribución-CompartirIgual 4.0 (CC BY-SA 4.0)"),
    _("Creative Commons CC0 1.0 (dominio público)"),
    _("Open Data Commons Attribution License (ODC-By)"),
    _("Open Data Commons Open Database License (ODbL)"),
    _("Open Data Commons Public Domain Dedication and License (PDDL)"),
]

# CKAN's package/base.html names a dataset type in breadcrumbs and titles as
# _(dataset_type.title()): the microsite content types
CONTENT_TYPES = [
    _("Informacion_Util"),
    _("Plan_Publicacion"),
    _("Actividad_Escolar"),
    _("Texto_Micrositio"),
]

# ckanext/sach/explore/geo.py: GeoError messages, shown by the map view as _(str(error))
MAP = [
    _("El archivo es demasiado grande para dibujarlo (más de 5 MB)."),
    _("El archivo no es un GeoJSON válido."),
    _("El archivo tiene coordenadas que no son números."),
    _("Las coordenadas no son longitud y latitud (WGS 84), como pide GeoJSON."),
    _("El archivo no tiene geometrías que dibujar."),
    _("El archivo tiene demasiados vértices para dibujarlo en la página."),
    # ckanext/sach/explore/kml.py: GeoError messages of the KML reader
    _("El archivo no es un KML válido."),
    _("El archivo KML declara un DOCTYPE o entidades, que no se aceptan por seguridad."),
    _("El archivo KML tiene una geometría sin coordenadas."),
    _("El archivo KML tiene un polígono sin contorno."),
]
