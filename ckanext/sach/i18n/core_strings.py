"""CKAN core strings that the `es` catalogue of ckanext-sach translates.

CKAN's own `es` catalogue leaves these untranslated, or names them
differently from this catalogue (organizations are "dependencias", groups are
"temas"). Listing them here puts them in ckanext-sach.pot, so
`setup.py update_catalog` keeps their Spanish translations. The extension
catalogue overrides core msgids (ITranslation). Never imported.
"""


def _(message: str) -> str:
    return message


def ngettext(singular: str, plural: str, n: int = 1) -> str:
    return singular if n == 1 else plural


CORE_STRINGS = [
    _("Skip to main content"),
    _("Data viewer"),  # the preview frame's aria-label (templates/package/snippets/resource_view.html)
    _("There are currently no groups for this site."),
    _("Open details page for {name}"),
    _("Unlink {name} from the dataset"),
    _("Navigate to Home - {site_title}"),
    _("There is no description for this organization."),
    _("Current resource: {name}"),
    _("Resource URL: {url}"),
    _("Navigate to resource: {name_or_id}"),
    _("Manage resource: {name}"),
    _("Navigate to resource: {name}"),
    _("Filter by: {title}"),
    _("Search datasets by {name}: {label}"),
    _("Navigate to dataset: {title}"),
    _("There is no description for this dataset."),
    _("Remove applied filter: {value}"),
    _("Organizations"),
    _("Organization"),
    _("Groups"),
    _("Group"),
    _("Tags"),
    _("Licenses"),
    _("License"),
    _("close"),
    _("Search datasets with the tag: {name}"),
    _("Search datasets with the tag: {tag}"),
    _("Search organizations..."),
    _("Search groups..."),
    _("Search datasets..."),
    _("Followers"),
    _("Members"),
    _("Activity Stream"),
    # scheming shows a dataset's state to its editors as _(pkg_dict.state)
    _("active"),
    _("draft"),
    _("deleted"),
]

# The count over the dependencias and temas lists names them as this catalogue does.
CORE_PLURALS = [
    ngettext("{number} organization found", "{number} organizations found"),
    ngettext('{number} organization found for "{query}"', '{number} organizations found for "{query}"'),
    ngettext("{number} group found", "{number} groups found"),
    ngettext('{number} group found for "{query}"', '{number} groups found for "{query}"'),
]


# CKAN msgids whose `es` text is Argentine voseo, Spain Spanish or unclear for a Mexican
# reader ("Podés", "tenés", "Finalizar"), and field names CKAN's error summary
# translates as _(key) ('private', 'upload'): this catalogue words them again.
OVERRIDES = [
    _("Publish"),
    _("Unpublish"),
    _("Are you sure you want to delete this {object_type}?"),
    _("Not authorized"),
    _("Please select the file to upload again"),
    _("Upload a file on your computer"),
    _('<p><strong>Site Title:</strong> This is the title of this CKAN instance It appears in various places throughout CKAN.</p> <p><strong>Custom Stylesheet:</strong> Define an alternative main CSS file.</p> <p><strong>Site Tag Logo:</strong> This is the logo that appears in the header of all the CKAN instance templates.</p> <p><strong>About:</strong> This text will appear on this CKAN instances <a href="%(about_url)s">about page</a>.</p> <p><strong>Intro Text:</strong> This text will appear on this CKAN instances <a href="%(home_url)s">home page</a> as a welcome to visitors.</p> <p><strong>Custom CSS:</strong> This is a block of CSS that appears in <code>&lt;head&gt;</code> tag of every page. If you wish to customize the templates more fully we recommend <a href="%(docs_url)s" target="_blank" rel="noreferrer">reading the documentation</a>.</p>'),
    _('You can use <a href="#markdown" title="Markdown quick reference" data-bs-toggle="popover" data-bs-content="%(markdown_tooltip)s" data-bs-html="true">Markdown formatting</a> here'),
    _("Are you sure you want to delete this Organization? Note*: Deleting cannot be performed while public or private datasets belong to this organization."),
    _("A CKAN Dataset is a collection of data resources (such as files), together with a description and other information, at a fixed URL. Datasets are what users see when searching for data."),
    _("Are you sure you want to delete dataset - {name}?"),
    _("Are you sure you want to delete collaborator - {name}?"),
    _("Are you sure you want to delete this dataset?"),
    _("Are you sure you want to delete user - {name}?"),
    _("This account is deactivated, if you want to reactivate it, please click on checkbox."),
    _("Are you sure you want to purge datasets?"),
    _("Are you sure you want to purge organizations?"),
    _("Are you sure you want to purge groups?"),
    _("Not authorized to see this page"),
    _("Dataset not found or you have no permission to view it"),
    _("Unauthorized to read package %s"),
    _("Not authorized to access {group} members download"),
    _("Unauthorized to delete group %s members"),
    _("Unauthorized to view followers %s"),
    _("Unauthorized to access"),
    _("Unauthorized to create a group"),
    _("Unauthorized to delete group %s"),
    _("Unauthorized to add member to group %s"),
    _("Not authorized to download resource"),
    _("Unauthorized to update dataset"),
    _("Unauthorized to edit a user."),
    _("Unauthorized to edit user %s"),
    _("Unauthorized to register as a user."),
    _("Unauthorized to create user %s"),
    _("Not authorized to promote user to sysadmin"),
    _("Unauthorized to read dataset %s"),
    _('You\'re currently viewing an old version of this dataset. Data files may not match the old version of the metadata. <a href="%(url)s">View the current version</a>.'),
    _("Uploaded a new file to resource {resource_link} in {pkg_link}"),
    _('Your browser doesn\'t support <code>HTML5 audio</code>. Here is a <a href="%(res_url)s" alt="audio url">link to the audio</a> instead.'),
    _("Are you sure you want to delete the DataStore and Data Dictionary?"),
    _("private"),
    _("upload"),
]

# ckanext-scheming's repeating subfields (contact points, places) when one is removed
SCHEMING = [
    _("These fields have been removed."),
    _("These fields have been removed, click update below to save your changes."),
]

# ckanext-datatablesview (the table preview): its script's strings, which CKAN's es catalogue
# leaves untranslated (they reach /api/i18n/es through this catalogue)
DATATABLES = [
    _("Print"),
    _("Filtered download"),
    _("Copy to clipboard"),
    _("Copied deeplink to clipboard"),
    _("Table/List toggle"),
    _("Toggle column visibility"),
    _("Share current view"),
    _("Show all"),
    _("Show none"),
    _("Sort"),
    _("TABLE FILTER"),
    _("COLUMN FILTER/S"),
    _("Restore visibility"),
    _("Double-click to reset filters"),
    _("Filtered"),
    _("Press SHIFT key while clicking on\nsort control for multi-column sort"),
    _("(estimated)"),
    _("seconds"),
]
