"""CKAN core strings that the `es` catalogue of ckanext-sach translates.

CKAN's own `es` catalogue leaves these untranslated, or names them
differently from this catalogue (organizations are "dependencias", groups are
"temas"). Listing them here puts them in ckanext-sach.pot, so
`setup.py update_catalog` keeps their Spanish translations. The extension
catalogue overrides core msgids (ITranslation). Never imported.
"""


def _(message: str) -> str:
    return message


CORE_STRINGS = [
    _('Skip to main content'),
    _('There are currently no groups for this site.'),
    _('Open details page for {name}'),
    _('Unlink {name} from the dataset'),
    _('Navigate to Home - {site_title}'),
    _('There is no description for this organization.'),
    _('Current resource: {name}'),
    _('Resource URL: {url}'),
    _('Navigate to resource: {name_or_id}'),
    _('Manage resource: {name}'),
    _('Navigate to resource: {name}'),
    _('Filter by: {title}'),
    _('Search datasets by {name}: {label}'),
    _('Navigate to dataset: {title}'),
    _('There is no description for this dataset.'),
    _('Remove applied filter: {value}'),
    _('Organizations'),
    _('Organization'),
    _('Groups'),
    _('Group'),
]
