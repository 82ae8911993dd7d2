"""Dry run and load of a bulk file, through CKAN's actions.

**Per row, never half-written.** Every dataset row travels with its resource rows as *one*
``package_create`` or ``package_update`` call: one transaction, so a dataset lands whole (with
its resources) or not at all. Rows are independent: a bad row is reported and skipped, the others
load; fixing the file and loading it again completes it, and rows already loaded come out
"sin cambios" (a re-run changes nothing).

The **dry run** writes nothing: it runs the checks of the same action chain on each row —
``check_access``, the scheming schema's validators through the dataset plugin's ``validate`` (what
the form and the API run), the upload check and the personal-data gate — without the save.

The **load** calls the actions themselves (``tk.get_action``), so the guards chained on them, the
search index, quality scores and the personal-data scans (linked files are scheduled for the
background scan) apply exactly as for the form.

**Streaming.** The file is read twice, never held: a first pass keeps only URL names and row
numbers (the count for the progress, repeated names, and every file error, raised before anything
is written); the second hands out one dataset row with its resource rows at a time. A file where
a resource row names a dataset above its own block is grouped in memory instead (same result).
"""
from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from . import cells as cellmod
from .columns import KIND_DATASET, KIND_RESOURCE, ROW_KIND_KEY, Column, dataset_columns
from .reader import FileError, Row, iter_rows, row_kind

log = logging.getLogger(__name__)

Progress = Callable[[int, int, int], None]


@dataclass
class Item:
    row: Row
    resources: list[Row] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column key, message)

    @property
    def name(self) -> str:
        return self.row.cells.get("name", "")


@dataclass
class Scan:
    """What the first pass over a file keeps: names and row numbers, never the rows."""
    total: int = 0                                            # items (datasets, stray rows)
    first: dict[str, int] = field(default_factory=dict)       # URL name → its first dataset row
    repeats: dict[int, list[int]] = field(default_factory=dict)  # that row → rows repeating it
    streamable: bool = True                                    # resources follow their dataset


@dataclass
class Report:
    dry_run: bool
    total: int = 0
    done: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {row, column, message, text}

    def add(self, row: int | None, column: str, message: str) -> None:
        if row is None:
            text = message
        elif column:
            text = tk._("Fila {row}, columna {column}: {message}").format(row=row, column=column, message=message)
        else:
            text = tk._("Fila {row}: {message}").format(row=row, message=message)
        self.errors.append({"row": row, "column": column, "message": message, "text": text})

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "total": self.total, "done": self.done, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "failed": self.failed,
                "errors": self.errors}


def user_org_choices(user: str) -> list[tuple[str, str]]:
    """(name, title) of the dependencias ``user`` may publish datasets for."""
    orgs = tk.get_action("organization_list_for_user")(
        {"user": user}, {"id": user, "permission": "create_dataset"})
    return [(o["name"], o.get("title") or o["name"]) for o in orgs]


def columns_for(user: str) -> list[Column]:
    """The template's columns for ``user`` (the drop-down of dependencias: those they publish for)."""
    return dataset_columns(user_org_choices(user))


def reading_columns() -> list[Column]:
    """Columns for reading a file: a dependencia may be written as the title of any of them
    (whether the user may publish there is the actions' decision)."""
    orgs = model.Session.query(model.Group.name, model.Group.title).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active")
    return dataset_columns([(name, title or name) for name, title in orgs])


def _context(user: str, userobj: Any = None) -> Context:
    return {"user": user, "auth_user_obj": userobj or model.User.get(user),
            "session": model.Session}


def _flatten(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _flatten(v)]
    if isinstance(value, (list, tuple)):
        return [m for v in value for m in _flatten(v)]
    return [str(value)] if value is not None else []


@contextlib.contextmanager
def _signed_in(user: str) -> Iterator[None]:
    """Outside a web request of ``user`` (CLI, background job), run the rows in a request context
    where ``user`` is the current user, as in the web: CKAN's auth functions then find the user
    without a database query each (they would run a dozen per row). Permissions are unchanged:
    every action still gets ``user`` in its context and checks it."""
    import flask
    import flask_login

    try:
        if flask_login.current_user.name == user:
            yield
            return
    except (AttributeError, RuntimeError):
        pass
    userobj = model.User.get(user)
    if userobj is None or not flask.has_app_context():
        yield
        return
    with flask.current_app.test_request_context():
        flask_login.login_user(userobj)
        yield


class Loader:
    def __init__(self, user: str, org: str | None = None, cols: list[Column] | None = None) -> None:
        self.user = user
        self.cols = cols or reading_columns()
        self.by_key = {c.key: c for c in self.cols}
        self._userobj: Any = None
        self._may_create: dict[str, bool] = {}  # dependencia → may this user create datasets there
        self._orgs: dict[str, Any] = {}  # cell (name, id or title) → active dependencia (or None)
        self._known: set[str] | None = None  # names of the file in use by a dataset at the start
        self.org = model.Group.get(org) if org else None
        if org and (self.org is None or not self.org.is_organization or self.org.state != "active"):
            raise FileError(tk._("Dependencia no encontrada: {name}").format(name=org))

    # --- file → items ---------------------------------------------------------------------

    def items(self, rows: list[Row]) -> list[Item]:
        """The items of a whole file in memory (a resource row may name any dataset above it)."""
        items: list[Item] = []
        by_name: dict[str, Item] = {}
        last: Item | None = None
        for row in rows:
            kind = row_kind(row)
            if kind == KIND_DATASET:
                item = Item(row)
                self._dataset_problems(item)
                name = item.name
                if name and name in by_name:
                    first = by_name[name]
                    item.problems.append((row.number, "name", tk._(
                        "la URL «{name}» ya aparece en la fila {first}; cada conjunto va en una sola fila "
                        "«Conjunto».").format(name=name, first=first.row.number)))
                    first.problems.append((first.row.number, "name", tk._(
                        "la URL «{name}» se repite en la fila {other}.").format(name=name, other=row.number)))
                elif name:
                    by_name[name] = item
                items.append(item)
                last = item
            elif kind == KIND_RESOURCE:
                name = row.cells.get("name", "")
                owner = by_name.get(name) if name else last
                if owner is None:
                    items.append(self._orphan(row, name))
                    continue
                owner.resources.append(row)
                for key, message in row.problems:
                    owner.problems.append((row.number, key, message))
            else:
                items.append(self._unknown_kind(row))
        return items

    def scan(self, rows: Iterator[Row]) -> Scan:
        """First pass over the file, keeping only names and row numbers: the number of items,
        where each URL name first appears and where it repeats, and whether every resource row
        sits in the block of its dataset (then the second pass can stream)."""
        scan = Scan()
        owner: str | None = None  # name of the dataset row above when it is that name's first row
        datasets = False
        for row in rows:
            kind = row_kind(row)
            if kind == KIND_DATASET:
                scan.total += 1
                datasets = True
                name = row.cells.get("name", "")
                owner = None
                if name and name in scan.first:
                    scan.repeats.setdefault(scan.first[name], []).append(row.number)
                elif name:
                    scan.first[name] = row.number
                    owner = name
            elif kind == KIND_RESOURCE:
                name = row.cells.get("name", "")
                if (name and name not in scan.first) or (not name and not datasets):
                    scan.total += 1  # an orphan: an item of its own
                elif name and name != owner:
                    scan.streamable = False  # its dataset is not the row block above it
            else:
                scan.total += 1
        return scan

    def stream_items(self, rows: Iterator[Row], scan: Scan) -> Iterator[Item]:
        """The items of the file as :meth:`items` makes them, one dataset block at a time."""
        if not scan.streamable:
            yield from self.items(list(rows))
            return
        pending: list[Item] = []  # the open dataset item first (if any), then items found after it
        current: Item | None = None
        seen: set[str] = set()

        def flush() -> Iterator[Item]:
            if current is not None:
                for other in scan.repeats.get(current.row.number, []):
                    current.problems.append((current.row.number, "name", tk._(
                        "la URL «{name}» se repite en la fila {other}.").format(name=current.name, other=other)))
            yield from pending
            pending.clear()

        for row in rows:
            kind = row_kind(row)
            if kind == KIND_DATASET:
                yield from flush()
                item = Item(row)
                self._dataset_problems(item)
                name = item.name
                if name and name in seen:
                    item.problems.append((row.number, "name", tk._(
                        "la URL «{name}» ya aparece en la fila {first}; cada conjunto va en una sola fila "
                        "«Conjunto».").format(name=name, first=scan.first[name])))
                elif name:
                    seen.add(name)
                current = item
                pending.append(item)
            elif kind == KIND_RESOURCE:
                name = row.cells.get("name", "")
                if current is None or (name and name not in seen):  # (the scan saw that a known
                    pending.append(self._orphan(row, name))          # name is the block's own)
                    continue
                current.resources.append(row)
                for key, message in row.problems:
                    current.problems.append((row.number, key, message))
            else:
                pending.append(self._unknown_kind(row))
        yield from flush()

    def _dataset_problems(self, item: Item) -> None:
        row = item.row
        for key, message in row.problems:
            item.problems.append((row.number, key, message))
        if self.org is not None:
            org_cell = row.cells.get("owner_org", "")
            if not org_cell:
                row.cells["owner_org"] = self.org.name
            elif org_cell not in (self.org.name, self.org.id):
                item.problems.append((row.number, "owner_org", tk._(
                    "esta carga es para la dependencia «{org}»; cargue esta fila desde su propia "
                    "dependencia.").format(org=self.org.title or self.org.name)))

    @staticmethod
    def _orphan(row: Row, name: str) -> Item:
        target = Item(row)
        target.problems.append((row.number, "name", tk._(
            "el recurso no corresponde a ninguna fila «Conjunto» del archivo con la URL «{name}»."
        ).format(name=name) if name else tk._("escriba la URL del conjunto al que pertenece el recurso.")))
        return target

    @staticmethod
    def _unknown_kind(row: Row) -> Item:
        item = Item(row)
        item.problems.append((row.number, ROW_KIND_KEY, tk._("escriba «Conjunto» o «Recurso».")))
        return item

    # --- one item ---------------------------------------------------------------------------

    def _context(self) -> Context:
        if self._userobj is None:
            self._userobj = model.User.get(self.user)
        return _context(self.user, self._userobj)

    def _org(self, cell: str) -> Any:
        """The group a cell names (name or id), looked up once per run."""
        if cell not in self._orgs:
            self._orgs[cell] = model.Group.get(cell)
        return self._orgs[cell]

    def _column_label(self, key: str) -> str:
        col = self.by_key.get(key)
        return col.label if col else ""

    def _problem(self, report: Report, row: int, key: str, message: str) -> None:
        report.add(row, self._column_label(key), message)

    def _errors(self, report: Report, item: Item, error_dict: dict[str, Any]) -> None:
        """ValidationError → "Fila N, columna X: …" (resources on their own rows)."""
        row = item.row.number
        fields = {c.field: c for c in self.cols if c.level == "dataset" and not c.sub}
        subs = {(c.field, c.sub): c for c in self.cols if c.sub}
        for key, value in error_dict.items():
            if key == "resources" and isinstance(value, list):
                self._resource_errors(report, item, value)
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for entry in value:  # a repeating field: one dict of errors per entry
                    for sub, msgs in entry.items():
                        col = subs.get((key, sub)) or fields.get(key)
                        for m in _flatten(msgs):
                            report.add(row, col.label if col else "", m)
                continue
            col = fields.get("tag_string" if key == "tags" else key)
            for m in _flatten(value):
                report.add(row, col.label if col else "", m)

    def _resource_errors(self, report: Report, item: Item, errors: list[Any]) -> None:
        """The errors of each resource, on the resource's own row."""
        res_cols = {c.field: c for c in self.cols if c.level == "resource"}
        for i, res_errors in enumerate(errors):
            if not res_errors:
                continue
            res_row = item.resources[i].number if i < len(item.resources) else item.row.number
            if isinstance(res_errors, dict):
                for rkey, msgs in res_errors.items():
                    col = res_cols.get(rkey)
                    for m in _flatten(msgs):
                        report.add(res_row, col.label if col else "", m)
            else:
                for m in _flatten(res_errors):
                    report.add(res_row, "", m)

    def _payload(self, item: Item, current: dict[str, Any] | None) -> dict[str, Any]:
        data = cellmod.to_dataset_dict(item.row.cells, self.cols, current)
        org = self._org(data["owner_org"]) if isinstance(data.get("owner_org"), str) and data["owner_org"] else None
        if org is not None and org.is_organization and org.state == "active":
            data["owner_org"] = org.id  # by id: the validator then finds it with one query, not two
        if item.resources or current is None:
            old = (current or {}).get("resources") or []
            data["resources"] = [
                cellmod.to_resource_dict(r.cells, self.cols, old[i] if i < len(old) else None)
                for i, r in enumerate(item.resources)]
        return data

    def _unchanged(self, item: Item, current: dict[str, Any]) -> bool:
        now = cellmod.dataset_cells(current, self.cols)
        if any(now.get(k, "") != v for k, v in item.row.cells.items() if k in self.by_key
               and self.by_key[k].level == "dataset"):
            return False
        if not item.resources:
            return True
        old = current.get("resources") or []
        if len(old) != len(item.resources):
            return False
        for res, row in zip(old, item.resources, strict=True):
            now = cellmod.resource_cells(res, current["name"], self.cols)
            if any(now.get(k, "") != v for k, v in row.cells.items()
                   if k in self.by_key and self.by_key[k].level == "resource"):
                return False
        return True

    def _existing(self, report: Report, item: Item) -> tuple[bool, model.Package | None]:
        """(ok, package of that name). Not ok: the name belongs to another dependencia."""
        name = item.name
        if not name or (self._known is not None and name not in self._known):
            return True, None  # absent when the run started (a name taken since fails in the action)
        pkg = model.Session.query(model.Package).filter(model.Package.name == name,
                                                         model.Package.state != "deleted").first()
        if pkg is None:
            return True, None
        org_cell = item.row.cells.get("owner_org", "")
        org = self._org(org_cell) if org_cell else None
        if pkg.type != "dataset" or (org is not None and pkg.owner_org != org.id) or \
                (org is None and not org_cell and self.org is not None and pkg.owner_org != self.org.id):
            self._problem(report, item.row.number, "name", tk._(
                "la URL «{name}» ya la usa un conjunto de otra dependencia; elija otra.").format(name=name))
            return False, None
        return True, pkg

    def _current(self, report: Report, item: Item, pkg: model.Package) -> dict[str, Any] | None:
        try:
            return tk.get_action("package_show")(self._context(), {"id": pkg.id})
        except (tk.NotAuthorized, tk.ObjectNotFound):
            self._problem(report, item.row.number, "owner_org", tk._(
                "no tiene permiso para modificar el conjunto «{name}».").format(name=item.name))
            return None

    def _validate(self, action: str, data: dict[str, Any],
                  pkg: model.Package | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The checks of ``action`` without the save: auth, the schema's validators (the dataset
        plugin's ``validate``, as the action runs it), the upload check, the personal-data gate.
        Returns (errors, validated data)."""
        from ckan.lib import plugins as lib_plugins

        from ckanext.sach.logic import uploads
        from ckanext.sach.privacy import guard

        context = self._context()
        # creation rights depend only on the dependencia: asked once per dependencia and run
        key = str(data.get("owner_org")) if action == "package_create" else ""
        allowed = self._may_create.get(key) if key else None
        if allowed is None:
            try:
                tk.check_access(action, context, copy.deepcopy(data))
                allowed = True
            except tk.NotAuthorized:
                allowed = False
            if key:
                self._may_create[key] = allowed
            context = self._context()
        if not allowed:
            return {"owner_org": [tk._("no tiene permiso para publicar conjuntos en esta dependencia.")]}, {}
        plugin = lib_plugins.lookup_package_plugin("dataset")
        if pkg is not None:
            context["package"] = pkg
            schema = plugin.update_package_schema()
        else:
            schema = plugin.create_package_schema()
        valid, errors = lib_plugins.plugin_validate(plugin, context, copy.deepcopy(data), schema, action)
        if errors:
            return errors, valid
        try:
            uploads.check(action, copy.deepcopy(data))
            guard.before(action, self._context(), copy.deepcopy(data))
        except tk.ValidationError as err:
            return err.error_dict, valid
        return {}, valid

    def _same(self, valid: dict[str, Any], current: dict[str, Any]) -> bool:
        """Whether the validated payload says what the dataset already says, in every column of
        the template (empty cells the schema fills — identifier, licence, place names, media
        types — come out as stored)."""
        valid = dict(valid)
        if valid.get("owner_org") == current.get("owner_org"):
            valid["organization"] = current.get("organization")
        if cellmod.dataset_cells(valid, self.cols) != cellmod.dataset_cells(current, self.cols):
            return False
        new, old = valid.get("resources") or [], current.get("resources") or []
        name = current["name"]
        return len(new) == len(old) and all(
            cellmod.resource_cells(a, name, self.cols) == cellmod.resource_cells(b, name, self.cols)
            for a, b in zip(new, old, strict=True))

    def _run(self, item: Item, report: Report, dry_run: bool) -> None:
        """One dataset with its resource rows: its name goes to one list of the report."""
        outcome = self._outcome(item, report, dry_run)
        {"failed": report.failed, "unchanged": report.unchanged, "created": report.created,
         "updated": report.updated}[outcome].append(item.name)

    def _outcome(self, item: Item, report: Report, dry_run: bool) -> str:
        prepared = self._prepare(item, report)
        if isinstance(prepared, str):
            return prepared
        current, pkg = prepared
        data = self._payload(item, current)
        action = "package_update" if current is not None else "package_create"
        if dry_run or current is not None:
            verdict = self._check(item, report, action, data, pkg, current, dry_run)
            if verdict is not None:
                return verdict
        return self._save(item, report, action, data, current)

    def _prepare(self, item: Item, report: Report) -> str | tuple[dict[str, Any] | None, model.Package | None]:
        """(the dataset as it is now, its package), both None for a new one; or the outcome
        when the row ends here (problems in the cells, a name of another dependencia, nothing
        changed)."""
        if item.problems:
            for row, key, message in item.problems:
                self._problem(report, row, key, message)
            return "failed"
        ok, pkg = self._existing(report, item)
        if not ok:
            return "failed"
        current = self._current(report, item, pkg) if pkg is not None else None
        if pkg is not None and current is None:
            return "failed"
        if current is not None and self._unchanged(item, current):
            return "unchanged"
        return current, pkg

    def _check(self, item: Item, report: Report, action: str, data: dict[str, Any],
               pkg: model.Package | None, current: dict[str, Any] | None, dry_run: bool) -> str | None:
        """The action's checks without saving: the outcome when the row ends here (refused,
        nothing to change, or a dry run), None to save it."""
        errors, valid = self._validate(action, data, pkg)
        if errors:
            self._errors(report, item, errors)
            return "failed"
        if current is not None and self._same(valid, current):
            return "unchanged"
        if dry_run:
            return "updated" if current is not None else "created"
        return None

    def _save(self, item: Item, report: Report, action: str, data: dict[str, Any],
              current: dict[str, Any] | None) -> str:
        try:
            result = tk.get_action(action)(self._context(), data)
        except tk.ValidationError as err:
            model.Session.rollback()
            self._errors(report, item, err.error_dict)
            return "failed"
        except tk.NotAuthorized:
            model.Session.rollback()
            self._problem(report, item.row.number, "owner_org",
                          tk._("no tiene permiso para publicar conjuntos en esta dependencia."))
            return "failed"
        except Exception:  # anything else: this row is rolled back, the next ones go on
            model.Session.rollback()
            log.exception("Bulk load: row %s (%s) failed", item.row.number, item.name)
            self._problem(report, item.row.number, "", tk._(
                "no se pudo guardar por un error interno; no se guardó nada de esta fila. Vuelva a cargar "
                "el archivo más tarde."))
            return "failed"
        if current is None:
            return "created"
        return "updated" if result.get("metadata_modified") != current.get("metadata_modified") else "unchanged"

    # --- whole file -------------------------------------------------------------------------

    def run(self, stream: IO[bytes], dry_run: bool, progress: Progress | None = None,
            max_rows: int | None = None) -> Report:
        """Read ``stream`` and dry-run or load every row; a :class:`FileError` for a bad file."""
        from . import settings

        limit = max_rows or settings.max_rows()
        # two passes, so that memory stays flat in the size of the file: the first keeps only
        # names and row numbers (every file error is raised here, before anything is written),
        # the second hands out one dataset with its resource rows at a time
        scan = self.scan(iter_rows(stream, self.cols, limit))
        self._known = self._existing_names(list(scan.first))
        stream.seek(0)
        report = Report(dry_run=dry_run, total=scan.total)
        if progress:
            progress(0, report.total, 0)
        with _signed_in(self.user):
            for item in self.stream_items(iter_rows(stream, self.cols, limit), scan):
                self._run(item, report, dry_run)
                report.done += 1
                if progress:
                    progress(report.done, report.total, len(report.errors))
        return report

    @staticmethod
    def _existing_names(names: list[str]) -> set[str]:
        """Which of ``names`` a dataset (of any dependencia) uses now, in one query per thousand."""
        found: set[str] = set()
        for i in range(0, len(names), 1000):
            found.update(n for (n,) in model.Session.query(model.Package.name).filter(
                model.Package.name.in_(names[i:i + 1000]), model.Package.state != "deleted"))
        return found


def count_datasets(stream: IO[bytes], cols: list[Column]) -> int:
    from . import settings

    count = sum(1 for r in iter_rows(stream, cols, settings.max_rows()) if row_kind(r) != KIND_RESOURCE)
    stream.seek(0)
    return count
