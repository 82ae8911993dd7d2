"""The DataStore of the catalogue: loading with ckanext-xloader, the Guía's data dictionary
applied to the loaded tables, the personal-data guard over the DataStore, and the load status
shown to officers.

The ``sach_datastore`` plugin (listed after ``datastore`` and ``xloader`` in ``ckan.plugins``)
wires these modules into CKAN; each module does one thing:

- :mod:`.dictionary`: reads a dataset's data-dictionary resource and writes its labels and
  descriptions into the DataStore's data dictionary (``datastore_create`` with ``fields`` info).
- :mod:`.guard`: no file with unreviewed personal-data findings is loaded; a table whose file
  is found to hold personal data later is deleted.
- :mod:`.status`: the load status of a resource, in Spanish, for the users who can edit it.
- :mod:`.token`: the API token xloader's jobs use (the site user's, made on first use).
"""
