"""Site-wide views that belong to no one area: the sitemap and the maintenance page.

An area's views live beside it (``home/views.py``, ``microsite/views.py``, ``dcat/views.py``, …),
each module listed in ``registry.VIEW_MODULES``.
"""
