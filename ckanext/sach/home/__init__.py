"""The catalogue home page (``/``) and the dependencias/temas lists: their data (``content``)
and their views (``views``)."""
