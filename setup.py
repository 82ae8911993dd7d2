from setuptools import setup

# Metadata and entry points live in setup.cfg; this file keeps Babel's extractors.
setup(
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
