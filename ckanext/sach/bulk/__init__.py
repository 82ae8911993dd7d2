"""Bulk publishing for data officers: one spreadsheet in, a checked catalogue out (issue 15).

- :mod:`.columns` — the template's columns, generated from the scheming dataset schema.
- :mod:`.cells` — dataset dicts ⇄ canonical cell text.
- :mod:`.reader` — XLSX/CSV reading, streaming, with Spanish messages for bad files.
- :mod:`.template` — the XLSX/CSV template and the export of a dependencia.
- :mod:`.load` — dry run (checks of the action chain, nothing written) and load (the actions).
- :mod:`.jobs` — uploads, background loads and their progress (Redis, CKAN jobs).
- :mod:`.views` — ``/carga-masiva/<dependencia>`` pages; :mod:`.cli` — ``ckan sach load|template|export``.

A load is **per row**: each dataset row with its resource rows is one action call (one
transaction), so it lands whole or not at all; bad rows are reported and skipped, and loading the
fixed file again completes them while the rows already loaded come out unchanged.
"""
