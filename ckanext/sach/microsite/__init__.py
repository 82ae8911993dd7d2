"""Microsite "Gobierno Abierto y Vinculación con la Sociedad Civil".

Content types (scheming dataset types, ``schemas/microsite/*.yaml``), the
participation requests (``model``, ``action``, ``auth``), the cached page data
(``content``) and the demo content (``demo``).
"""
