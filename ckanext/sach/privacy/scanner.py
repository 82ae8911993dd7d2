"""Streamed personal-data scanner for tabular and JSON resources.

``scan_file(path, fmt)`` reads a CSV, XLSX, JSON or GeoJSON file with bounded
memory and returns a :class:`ScanResult`: per detector a count, counts per
column and a few sample locations ``(row, column)``. Values are never kept:
the result, and anything logged from it, holds detector names, column names
and positions only.

How it stays fast in pure Python: CSV is read in chunks of a megabyte ending
at a record boundary; a byte-level prefilter (``bytes.translate`` plus
``bytes.find`` of a few literals, both in C) picks the lines that could hold an
identifier, and only those records are decoded and parsed. Cells are joined
into blocks (``\\x1f`` between cells, ``\\x1e`` between rows), the compiled
patterns of :mod:`detectors` run once per block, and row and column of a match
are recovered by counting separators only when something matched.

Compressed files: a gzip stream (``.csv.gz``, ``.json.gz``…) or a zip archive
(``.zip``) is unpacked into a temporary file, at most ``max_bytes``, and its
CSV/TSV/JSON/GeoJSON/XLSX members are scanned (the format is taken from the
inner name, else sniffed).

Hostile files end as ``complete=False`` ("revisión incompleta"), never as a
crash: JSON nested deeper than ``max_depth``, archives or workbooks expanding
more than ``max_ratio`` times (above 10 MB), and scans running longer than
``max_seconds``.

XLSX is read by python-calamine (Rust; several times faster than openpyxl),
which loads one worksheet at a time: the workbook's uncompressed size must be
under ``max_bytes`` and its expansion under ``max_ratio``.

Limits: at most ``max_bytes`` are read (for XLSX, the uncompressed size of
the workbook must be under it); a longer file is scanned up to the limit and
the result is marked ``complete=False``. A CSV record longer than 8 chunks
with an unbalanced quote is scanned as it is.

Rows are numbered like a spreadsheet: the header is row 1, the first data row
is row 2. In JSON the row is the number of the record (1-based element of the
first array: a GeoJSON feature, an item of a top-level list); the column is the
key path inside it (``properties.`` dropped for GeoJSON).
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import gzip
import io
import os
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

import python_calamine

from . import detectors as d

__all__ = ["SUPPORTED_FORMATS", "ScanResult", "Scanner", "normalise_format", "scan_file", "scan_stream"]

SEP = "\x1f"
RS = "\x1e"
SNIFF_BYTES = 1 << 16
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
DEFAULT_BLOCK_CHARS = 1 << 20
DEFAULT_MAX_SAMPLES = 5
SUPPORTED_FORMATS = ("csv", "tsv", "xlsx", "json", "geojson", "zip", "gzip")
DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_RATIO = 100
DEFAULT_MAX_SECONDS = 120
#: archives smaller than this once unpacked are never treated as bombs
RATIO_FLOOR = 10 * 1024 * 1024
TIME_MESSAGE = "La revisión excedió el tiempo máximo: revisión incompleta."
DEPTH_MESSAGE = "JSON anidado a más de {n} niveles: revisión incompleta."
BOMB_MESSAGE = "El archivo comprimido se expande demasiado (posible bomba de descompresión): revisión incompleta."
SIZE_MESSAGE = "El archivo descomprimido excede el tamaño máximo de revisión: revisión incompleta."


class _IncompleteError(Exception):
    """A bound was hit: the scan ends here as incomplete with this message."""

_FORMAT_ALIASES = {
    "csv": "csv", "text/csv": "csv", "tsv": "tsv", "text/tab-separated-values": "tsv",
    "xlsx": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "json": "json", "application/json": "json",
    "geojson": "geojson", "application/geo+json": "geojson",
    "zip": "zip", "application/zip": "zip", "application/x-zip-compressed": "zip",
    "gz": "gzip", "gzip": "gzip", "application/gzip": "gzip", "application/x-gzip": "gzip",
}


def normalise_format(fmt: str | None, filename: str | None = None) -> str | None:
    """The scanner's format for a CKAN format/mimetype or a file name, or None."""
    key = (fmt or "").strip().lower().lstrip(".")
    if key in _FORMAT_ALIASES:
        return _FORMAT_ALIASES[key]
    if filename:
        base, ext = os.path.splitext(filename.split("?")[0])
        ext = ext.lower().lstrip(".")
        if ext == "gz":  # padron.csv.gz: still a CSV, the scanner sees the gzip magic
            return normalise_format(None, base) or "gzip"
        return _FORMAT_ALIASES.get(ext)
    return None


@dataclasses.dataclass
class ScanResult:
    format: str
    encoding: str | None = None
    bytes_scanned: int = 0
    rows_scanned: int = 0
    complete: bool = True
    error: str | None = None
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    columns: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)
    samples: dict[str, list[dict[str, Any]]] = dataclasses.field(default_factory=dict)
    column_hints: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def has_findings(self) -> bool:
        return self.total > 0 or not self.complete

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["total"] = self.total
        return data


class Scanner:
    """Accumulates rows in blocks and runs the detectors over each block."""

    def __init__(self, result: ScanResult, *, max_samples: int = DEFAULT_MAX_SAMPLES,
                 block_chars: int = DEFAULT_BLOCK_CHARS) -> None:
        self.result = result
        self.max_samples = max_samples
        self.block_chars = block_chars
        self._texts: list[str] = []
        self._rows: list[int] = []
        self._keys: list[Sequence[str] | None] = []
        self._size = 0
        self._header: Sequence[str] = ()
        self._money_cache: dict[str, bool] = {}
        self._hinted: set[str] = set()
        self.count_rows = True  # the CSV reader counts lines itself
        self.deadline: float | None = None
        self.max_depth = DEFAULT_MAX_DEPTH
        self.max_ratio = DEFAULT_MAX_RATIO

    def check_time(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise _IncompleteError(TIME_MESSAGE)

    # --- input -------------------------------------------------------------
    def header(self, names: Sequence[str], row: int = 1) -> None:
        self._header = list(names)
        self.hint_columns(self._header, row)

    def hint_columns(self, names: Iterable[str], row: int) -> None:
        for index, name in enumerate(names, start=1):
            if name in self._hinted:
                continue
            kind = d.column_hint(name)
            if kind:
                self._hinted.add(name)
                self.result.column_hints.append({"column": name, "index": index, "kind": kind})
                self._count("column_name", row, name)

    def row(self, number: int, cells: Sequence[str], keys: Sequence[str] | None = None) -> None:
        text = SEP.join(cells)
        self._texts.append(text)
        self._rows.append(number)
        self._keys.append(keys)
        self._size += len(text) + 1
        if self.count_rows:
            self.result.rows_scanned += 1
        if self._size >= self.block_chars:
            self.flush()
            self.check_time()

    # --- detection ---------------------------------------------------------
    def _column_name(self, index: int, keys: Sequence[str] | None) -> str:
        names = keys if keys is not None else self._header
        if index < len(names) and names[index]:
            return str(names[index])
        return f"columna {index + 1}"

    def _money(self, column: str) -> bool:
        cached = self._money_cache.get(column)
        if cached is None:
            cached = self._money_cache[column] = d.is_money_or_id_column(column)
        return cached

    def _count(self, kind: str, row: int, column: str) -> None:
        res = self.result
        res.counts[kind] = res.counts.get(kind, 0) + 1
        per_col = res.columns.setdefault(kind, {})
        per_col[column] = per_col.get(column, 0) + 1
        samples = res.samples.setdefault(kind, [])
        if len(samples) < self.max_samples:
            samples.append({"row": row, "column": column})

    def flush(self) -> None:
        if not self._texts:
            return
        text = RS.join(self._texts).upper()
        rows, keys = self._rows, self._keys
        cur_pos = cur_row = 0
        for kind, start, end in d.iter_matches(text):
            if start < cur_pos:
                cur_pos = cur_row = 0
            cur_row += text.count(RS, cur_pos, start)
            cur_pos = start
            row_start = text.rfind(RS, 0, start) + 1
            column = self._column_name(text.count(SEP, row_start, start), keys[cur_row])
            if kind == "phone" and self._money(column) and d.is_bare_number(text[start:end]):
                continue
            self._count(kind, rows[cur_row], column)
        self._texts, self._rows, self._keys = [], [], []
        self._size = 0

    def finish(self) -> ScanResult:
        self.flush()
        return self.result


class _LimitedReader(io.RawIOBase):
    """Reads at most ``limit`` bytes of a binary stream and notes if more remained."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw = raw
        self.remaining = limit
        self.count = 0
        self.truncated = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.remaining <= 0:
            if not self.truncated and self.raw.read(1):
                self.truncated = True
            return 0
        view = memoryview(buffer)[: min(len(buffer), self.remaining)]
        data = self.raw.read(len(view))
        n = len(data)
        view[:n] = data
        self.remaining -= n
        self.count += n
        return n


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def _sniff_delimiter(sample: str, fmt: str) -> str:
    if fmt == "tsv":
        return "\t"
    lines = sample.splitlines()[:20]
    if len(lines) > 1 and len(sample) >= SNIFF_BYTES:
        lines = lines[:-1]  # the last one may be cut
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        return max(",;\t|", key=first.count) if first else ","


def _record_cells(raw: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    text = raw.decode(encoding, errors="replace")
    try:
        return list(csv.reader(text.splitlines(True), delimiter=delimiter))
    except csv.Error:
        return [text.split(delimiter)]


class _CsvChunks:
    """Finds the records of a CSV chunk that may hold personal data.

    A chunk always starts and ends at a record boundary (an even number of
    quotes before it). Candidate lines come from the byte prefilter of
    :mod:`detectors`; a candidate inside a quoted multi-line field is widened
    to its whole record. Only candidate records are decoded and parsed.
    """

    def __init__(self, scanner: Scanner, result: ScanResult, encoding: str, delimiter: str) -> None:
        self.scanner = scanner
        self.result = result
        self.encoding = encoding
        self.delimiter = delimiter
        self.lines_before = 0  # newlines before the current chunk
        self.header_done = False

    def process(self, chunk: bytes) -> None:
        start = 0
        if not self.header_done:
            end = _record_end(chunk, 0)
            records = _record_cells(chunk[:end], self.encoding, self.delimiter)
            self.scanner.header(records[0] if records else [])
            self.header_done = True
            start = end
        quoted = b'"' in chunk
        flagged = chunk.translate(d.PREFILTER_TABLE)
        starts: set[int] = set()
        for literal in d.PREFILTER_LITERALS:
            pos = flagged.find(literal, start)
            while pos != -1:
                line_start = chunk.rfind(b"\n", 0, pos) + 1
                starts.add(max(line_start, start))
                line_end = chunk.find(b"\n", pos)
                if line_end == -1:
                    break
                pos = flagged.find(literal, line_end)
        done_until = start
        nl_pos, nl_count = 0, 0  # newline count cache, moving forward
        q_pos, q_count = 0, 0    # quote count cache, moving forward
        for line_start in sorted(starts):
            if line_start < done_until:
                continue
            rec_start = line_start
            if quoted:
                q_count += chunk.count(b'"', q_pos, rec_start)
                q_pos = rec_start
                parity = q_count
                while parity % 2 and rec_start > done_until:
                    prev = chunk.rfind(b"\n", 0, rec_start - 1) + 1
                    parity -= chunk.count(b'"', prev, rec_start)
                    rec_start = prev
            rec_end = _record_end(chunk, rec_start) if quoted else _line_end(chunk, rec_start)
            nl_count += chunk.count(b"\n", nl_pos, rec_start)
            nl_pos = rec_start
            number = self.lines_before + nl_count + 1
            for cells in _record_cells(chunk[rec_start:rec_end], self.encoding, self.delimiter):
                self.scanner.row(number, cells)
            done_until = rec_end
        lines = chunk.count(b"\n")
        self.result.rows_scanned += lines - (1 if self.lines_before == 0 and lines else 0)
        self.lines_before += lines


def _line_end(chunk: bytes, pos: int) -> int:
    end = chunk.find(b"\n", pos)
    return len(chunk) if end == -1 else end + 1


def _record_end(chunk: bytes, pos: int) -> int:
    """End of the record starting at pos: the first newline with balanced quotes."""
    end = _line_end(chunk, pos)
    quotes = chunk.count(b'"', pos, end)
    while quotes % 2 and end < len(chunk):
        nxt = _line_end(chunk, end)
        quotes += chunk.count(b'"', end, nxt)
        end = nxt
    return end


CHUNK_BYTES = 1 << 20


def _scan_csv(stream: IO[bytes], scanner: Scanner, result: ScanResult, fmt: str) -> int:
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        result.complete = False
        result.error = "Codificación UTF-16 no soportada: guarde el archivo en UTF-8."
        return 0
    result.encoding = _sniff_encoding(head)
    encoding = "utf-8" if result.encoding == "utf-8-sig" else result.encoding
    if result.encoding == "utf-8-sig":
        stream.read(len(codecs.BOM_UTF8))
    delimiter = _sniff_delimiter(head.decode(result.encoding, errors="replace"), fmt)
    chunks = _CsvChunks(scanner, result, encoding, delimiter)
    scanner.count_rows = False
    limit = scanner_max_bytes(scanner)
    total = 0
    carry = b""
    while True:
        data = stream.read(min(CHUNK_BYTES, limit - total)) if total < limit else b""
        total += len(data)
        if not data:
            if total >= limit and stream.read(1):
                result.complete = False
                result.error = "Archivo revisado sólo hasta el tamaño máximo."
            if carry:
                chunks.process(carry if carry.endswith(b"\n") else carry + b"\n")
            break
        buf = carry + data
        cut = buf.rfind(b"\n") + 1
        quotes = buf.count(b'"', 0, cut)
        while quotes % 2 and cut > 0:  # the last record is still open: cut before it
            prev = buf.rfind(b"\n", 0, cut - 1) + 1
            quotes -= buf.count(b'"', prev, cut)
            cut = prev
        if cut == 0:
            if len(buf) < 8 * CHUNK_BYTES:
                carry = buf
                continue
            cut = len(buf)  # an unbalanced quote or a giant record: scan it as it is
        chunks.process(buf[:cut])
        carry = buf[cut:]
        scanner.check_time()
    return total


def _json_record_prefix(prefix: str) -> tuple[str, str] | None:
    """Split an ijson prefix into (record prefix, key path) at the first array."""
    parts = prefix.split(".")
    try:
        i = parts.index("item")
    except ValueError:
        return None
    return ".".join(parts[: i + 1]), ".".join(parts[i + 1:])


class _JsonRecords:
    """ijson's events as rows: each item of the first array is a record (a row), the key paths
    inside it are its columns (``properties.`` dropped and geometry skipped for GeoJSON)."""

    def __init__(self, scanner: Scanner, geo: bool) -> None:
        self.scanner = scanner
        self.geo = geo
        self.record = 0
        self.cells: list[str] = []
        self.keys: list[str] = []
        self.depth = 0
        self.stack: list[str] = []  # prefixes built here (ijson.parse's grow with the square of the depth)

    def emit(self) -> None:
        if self.cells:
            self.scanner.hint_columns(self.keys, self.record)
            self.scanner.row(self.record, list(self.cells), list(self.keys))
            self.cells.clear()
            self.keys.clear()

    def event(self, event: str, value: Any) -> None:
        if event in ("end_map", "end_array"):
            self.depth -= 1
            if self.stack:
                self.stack.pop()
        elif event == "map_key":
            if self.stack:
                self.stack[-1] = str(value)
        elif event in ("start_map", "start_array"):
            self.open(event, ".".join(self.stack))
        elif value is not None and not isinstance(value, bool):
            self.value(".".join(self.stack), value)

    def open(self, event: str, prefix: str) -> None:
        self.depth += 1
        if self.depth > self.scanner.max_depth:
            raise _IncompleteError(DEPTH_MESSAGE.format(n=self.scanner.max_depth))
        self.stack.append("item" if event == "start_array" else "")
        split = _json_record_prefix(prefix)
        if split is not None and split[1] == "":  # an item of the records' array starts
            self.emit()
            self.record += 1

    def value(self, prefix: str, value: Any) -> None:
        split = _json_record_prefix(prefix)
        if split is None:  # a value outside any array: row 0
            key = prefix or "valor"
            self.scanner.hint_columns([key], 0)
            self.scanner.row(0, [str(value)], [key])
            return
        rec_prefix, path = split
        if path == "":  # a scalar item of the array is a record by itself
            self.emit()
            self.record += 1
            path = rec_prefix
        elif self.geo or rec_prefix == "features.item":
            if path.startswith(("geometry", "bbox")) or path == "type":
                return
            path = path.removeprefix("properties.")
        self.cells.append(str(value))
        self.keys.append(path)
        if len(self.cells) >= 10_000:  # a huge record is scanned in pieces
            self.emit()


def _scan_json(stream: IO[bytes], scanner: Scanner, result: ScanResult, fmt: str) -> _LimitedReader:
    limited = _LimitedReader(stream, scanner_max_bytes(scanner))
    try:
        import ijson
    except ImportError:  # requirements pin ijson; without it the file counts as not reviewed
        result.complete = False
        result.error = "Revisión de JSON no disponible (falta la biblioteca ijson)."
        return limited
    result.encoding = "utf-8"
    buffered = io.BufferedReader(limited, 1 << 20)
    records = _JsonRecords(scanner, fmt == "geojson")
    events = 0
    try:
        for event, value in ijson.basic_parse(buffered, use_float=False, buf_size=16384):
            events += 1
            if not events & 0xFFF:
                scanner.check_time()
            records.event(event, value)
    except ijson.JSONError as exc:
        result.complete = False
        result.error = f"JSON ilegible o cortado: {type(exc).__name__}"
    records.emit()
    return limited


def _cell(value: Any) -> str | None:
    """The text of a cell as the officer typed it; None for booleans, dates, times and durations.

    The reader gives every number as a float: a whole number is written as an integer, like
    Excel shows it (a phone typed as a number is ``2221234567``, not ``2221234567.0``)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return None  # dates, times, durations


def _xlsx_unpacked_size(stream: IO[bytes], scanner: Scanner, result: ScanResult) -> int | None:
    """The uncompressed size of the workbook, or None (and the reason in ``result``) when it is
    not a zip, too large, or a decompression bomb."""
    packed = _stream_size(stream) or 0
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        result.complete = False
        result.error = "El archivo XLSX no es un libro de Excel válido."
        return None
    if unpacked > scanner_max_bytes(scanner):
        result.complete = False
        result.error = "El libro XLSX descomprimido excede el tamaño máximo de revisión."
        return None
    if unpacked > RATIO_FLOOR and unpacked > scanner.max_ratio * max(packed, 1):
        result.complete = False
        result.error = BOMB_MESSAGE
        return None
    return unpacked


def _scan_sheet(sheet: python_calamine.CalamineSheet, scanner: Scanner) -> None:
    """Rows of one worksheet, numbered as Excel shows them; the first non-empty row is the header.

    ``iter_rows`` starts at the sheet's first row and at its first used column: the columns
    before it are put back so that every row lines up with the header."""
    header: list[str] | None = None
    lead = [""] * (sheet.start[1] if sheet.start else 0)
    for number, values in enumerate(sheet.iter_rows(), start=1):
        if not number & 0xFF:
            scanner.check_time()
        cells = [_cell(v) or "" for v in values]
        if header is None:
            if not any(cells):
                continue
            cells = lead + cells
            header = [f"{sheet.name}!{c}" if c else "" for c in cells]
            scanner.hint_columns(cells, number)
            continue
        scanner.row(number, lead + cells, header)
    scanner.flush()


def _scan_xlsx(stream: IO[bytes], scanner: Scanner, result: ScanResult) -> int:
    """Every worksheet (hidden ones too; not chart sheets), read by python-calamine."""
    unpacked = _xlsx_unpacked_size(stream, scanner, result)
    if unpacked is None:
        return 0
    stream.seek(0)
    try:
        with python_calamine.CalamineWorkbook.from_filelike(stream) as book:
            for meta in book.sheets_metadata:
                if meta.typ == python_calamine.SheetTypeEnum.WorkSheet:
                    _scan_sheet(book.get_sheet_by_name(meta.name), scanner)
    except python_calamine.CalamineError as exc:  # damaged zip or XML, encrypted workbook
        result.complete = False
        result.error = f"No se pudo leer el libro XLSX: {type(exc).__name__}"
        return 0
    return unpacked


def scanner_max_bytes(scanner: Scanner) -> int:
    return getattr(scanner, "max_bytes", DEFAULT_MAX_BYTES)


def _stream_size(stream: IO[bytes]) -> int | None:
    try:
        pos = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(pos)
    except (AttributeError, OSError, ValueError):
        return None
    return size


def _sniff_inner(head: bytes, name: str | None = None) -> str:
    fmt = normalise_format(None, name) if name else None
    if fmt and fmt not in ("zip", "gzip"):
        return fmt
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "json"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    return "csv"


def _copy_bounded(src: IO[bytes] | io.BufferedIOBase, dest: IO[bytes], limit: int, scanner: Scanner) -> int:
    """Copy at most ``limit`` bytes; raise _IncompleteError when the source holds more."""
    written = 0
    while True:
        block = src.read(1 << 20)
        if not block:
            return written
        written += len(block)
        if written > limit:
            raise _IncompleteError(SIZE_MESSAGE)
        dest.write(block)
        scanner.check_time()


def _merge(into: ScanResult, part: ScanResult, member: str | None) -> None:
    into.bytes_scanned += part.bytes_scanned
    into.rows_scanned += part.rows_scanned
    into.encoding = into.encoding or part.encoding
    if not part.complete:
        into.complete = False
        into.error = part.error
    for kind, n in part.counts.items():
        into.counts[kind] = into.counts.get(kind, 0) + n
    for kind, cols in part.columns.items():
        per = into.columns.setdefault(kind, {})
        for col, n in cols.items():
            key = f"{member}:{col}" if member else col
            per[key] = per.get(key, 0) + n
    for kind, samples in part.samples.items():
        mine = into.samples.setdefault(kind, [])
        for sample in samples:
            if len(mine) < 5:
                mine.append({**sample, "column": f"{member}:{sample['column']}" if member else sample["column"]})
    into.column_hints.extend(part.column_hints)


def _scan_archive(stream: IO[bytes], fmt: str, result: ScanResult, options: dict[str, Any],
                  scanner: Scanner) -> None:
    """Unpack a gzip stream or the members of a zip archive (bounded) and scan them."""
    limit = scanner_max_bytes(scanner)
    packed = max(_stream_size(stream) or 1, 1)
    ratio = scanner.max_ratio
    if fmt == "gzip":
        with tempfile.TemporaryFile() as tmp:
            try:
                with gzip.GzipFile(fileobj=stream) as unpacked:
                    size = _copy_bounded(unpacked, tmp, min(limit, max(RATIO_FLOOR, ratio * packed)), scanner)
            except _IncompleteError:
                message = BOMB_MESSAGE if limit > max(RATIO_FLOOR, ratio * packed) else SIZE_MESSAGE
                raise _IncompleteError(message) from None
            except (OSError, EOFError, gzip.BadGzipFile) as exc:
                raise _IncompleteError(f"Archivo gzip ilegible: {type(exc).__name__}") from exc
            tmp.seek(0)
            inner = _sniff_inner(tmp.read(SNIFF_BYTES))
            tmp.seek(0)
            _merge(result, scan_stream(tmp, inner, **{**options, "max_bytes": max(size, 1)}), None)
        return
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise _IncompleteError("El archivo ZIP no es válido.") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        declared = sum(i.file_size for i in infos)
        if declared > limit:
            raise _IncompleteError(SIZE_MESSAGE)
        if declared > RATIO_FLOOR and declared > ratio * packed:
            raise _IncompleteError(BOMB_MESSAGE)
        budget = min(limit, max(RATIO_FLOOR, ratio * packed))
        for info in infos:
            member_format: str | None = normalise_format(None, info.filename)
            if member_format in ("zip", "gzip"):
                raise _IncompleteError("Archivo comprimido dentro de otro: revisión incompleta.")
            with tempfile.TemporaryFile() as tmp:
                try:
                    with archive.open(info) as member:
                        size = _copy_bounded(member, tmp, budget, scanner)
                except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                    raise _IncompleteError(f"Miembro del ZIP ilegible: {type(exc).__name__}") from exc
                budget -= size
                tmp.seek(0)
                head = tmp.read(SNIFF_BYTES)
                tmp.seek(0)
                if member_format is None:
                    if not head.strip():
                        continue
                    member_format = _sniff_inner(head)
                _merge(result, scan_stream(tmp, member_format, **{**options, "max_bytes": max(size, 1)}),
                       info.filename)


def scan_stream(stream: IO[bytes], fmt: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                max_samples: int = DEFAULT_MAX_SAMPLES,
                block_chars: int = DEFAULT_BLOCK_CHARS,
                max_seconds: float | None = DEFAULT_MAX_SECONDS,
                max_depth: int = DEFAULT_MAX_DEPTH,
                max_ratio: int = DEFAULT_MAX_RATIO,
                deadline: float | None = None) -> ScanResult:
    """Scan a seekable binary stream of format ``fmt`` (see SUPPORTED_FORMATS).

    A gzip or zip stream is recognised by its first bytes whatever ``fmt`` says."""
    fmt = normalise_format(fmt) or fmt
    if fmt not in SUPPORTED_FORMATS:
        raise ValueError(f"Formato no revisable: {fmt}")
    if deadline is None and max_seconds:
        deadline = time.monotonic() + max_seconds
    pos = stream.tell()
    magic = stream.read(4)
    stream.seek(pos)
    if magic[:2] == b"\x1f\x8b":
        fmt = "gzip"
    elif magic == b"PK\x03\x04" and fmt != "xlsx":
        fmt = "zip"
    result = ScanResult(format=fmt)
    scanner = Scanner(result, max_samples=max_samples, block_chars=block_chars)
    scanner.max_bytes = max_bytes  # type: ignore[attr-defined]
    scanner.deadline = deadline
    scanner.max_depth = max_depth
    scanner.max_ratio = max_ratio
    options = {"max_samples": max_samples, "block_chars": block_chars, "max_seconds": None,
               "max_depth": max_depth, "max_ratio": max_ratio, "deadline": deadline}
    try:
        if fmt in ("zip", "gzip"):
            _scan_archive(stream, fmt, result, options, scanner)
        elif fmt in ("csv", "tsv"):
            result.bytes_scanned = _scan_csv(stream, scanner, result, fmt)
        elif fmt in ("json", "geojson"):
            limited = _scan_json(stream, scanner, result, fmt)
            result.bytes_scanned = limited.count
            if limited.truncated:
                result.complete = False
                result.error = "Archivo revisado sólo hasta el tamaño máximo."
        else:
            result.bytes_scanned = _scan_xlsx(stream, scanner, result)
    except _IncompleteError as stop:
        result.complete = False
        result.error = str(stop)
    except (RecursionError, MemoryError) as exc:
        result.complete = False
        result.error = f"Archivo demasiado complejo: revisión incompleta ({type(exc).__name__})."
    try:
        return scanner.finish()
    except _IncompleteError:
        return result


def scan_file(path: str | os.PathLike[str], fmt: str | None = None, **kwargs: Any) -> ScanResult:
    """Scan a file on disk; the format defaults to the file's extension."""
    fmt = normalise_format(fmt, str(path))
    if fmt is None:
        raise ValueError("Formato no revisable")
    with open(path, "rb") as stream:
        return scan_stream(stream, fmt, **kwargs)
