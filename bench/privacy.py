"""Benchmark of the personal-data scanner (issue 7).

Generates CSV files of 10 MB and 100 MB (a municipal payments table: mostly
clean rows, 2 % of rows with a CURP, an e-mail and a phone, and 10-digit
amounts in a money column), scans each in a fresh process and prints the
throughput (MB/s) and the peak memory: the growth of the process's maximum
resident set while scanning (``resource.ru_maxrss``) and the peak of Python
allocations (``tracemalloc``, measured in a separate run because tracing
slows Python down). Memory should not grow with the file.

    .venv/bin/python bench/privacy.py [--sizes 10,100] [--dir /tmp] [--share 0.02]

``--share 1`` puts personal data in every row: the worst case, where every
line passes the prefilter and is parsed and matched.

``--format xlsx`` writes the same rows as an XLSX workbook (sizes are those of the
rows as CSV) and scans it. ``--baseline DIR`` also scans each file with the extension's
code of another checkout (through ``bench/with_code.py``), alternating the two
``--repeat`` times in the same run, and prints medians, p95 and the ratio:

    git archive COMMIT | tar -x -C /tmp/sach-before
    .venv/bin/python bench/privacy.py --format xlsx --sizes 5,20 --baseline /tmp/sach-before --repeat 3

Target: >= 20 MB/s, memory flat in file size. Results go to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def generate(path: str, size_mb: int, seed: int = 7, share: float = 0.02) -> int:
    from tests.privacy import synthetic as s

    rng = random.Random(seed)
    target = size_mb * 1024 * 1024
    conceptos = ["Pavimentación", "Alumbrado público", "Papelería", "Mantenimiento de parques",
                 "Servicio de limpia", "Combustible", "Arrendamiento", "Obra hidráulica"]
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("folio,fecha,dependencia,concepto,proveedor,contacto,telefono_contacto,monto,observaciones\n")
        written = 0
        i = 0
        while written < target:
            i += 1
            personal = rng.random() < share
            line = ",".join([
                f"F-{i:08d}",
                f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                rng.choice(["Tesorería Municipal", "Contraloría Municipal", "Sistema Municipal DIF"]),
                rng.choice(conceptos),
                s.curp(rng) if personal else rng.choice(["Constructora del Valle SA de CV", "Papelera Cholula SA"]),
                s.email(rng) if personal else "",
                f'"{s.phone(rng)}"' if personal else "",
                str(rng.randint(2_000_000_000, 9_999_999_999)) if rng.random() < 0.1
                else f"{rng.randint(100, 9_999_999)}.{rng.randint(0, 99):02d}",
                rng.choice(["", "Pago en una exhibición", "Contrato 2025/014", "Ver anexo técnico"]),
            ]) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
    return os.path.getsize(path)


def to_xlsx(csv_path: str, xlsx_path: str) -> int:
    """The rows of ``csv_path`` as one worksheet (numbers as numbers, dates as dates, like a
    workbook exported by an office): written with openpyxl's streaming writer."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("pagos")
    with open(csv_path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        sheet.append(next(reader))
        for row in reader:
            cells: list[object] = list(row)
            cells[1] = dt.date.fromisoformat(row[1])
            cells[7] = float(row[7]) if "." in row[7] else int(row[7])
            sheet.append(cells)
    book.save(xlsx_path)
    return os.path.getsize(xlsx_path)


def _child(path: str, trace: bool, fmt: str = "csv") -> None:
    import resource
    import tracemalloc

    from ckanext.sach.privacy.scanner import scan_file

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    cpu_start = time.process_time()
    result = scan_file(path, fmt)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak_py = tracemalloc.get_traced_memory()[1] if trace else None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "rss_growth_kb": rss - base, "rss_kb": rss,
                      "tracemalloc_peak_kb": peak_py // 1024 if peak_py else None,
                      "rows": result.rows_scanned, "counts": result.counts,
                      "bytes": result.bytes_scanned, "complete": result.complete,
                      "error": result.error}))


def run(path: str, trace: bool, fmt: str = "csv", code: str | None = None) -> dict:
    """Scan ``path`` in a fresh process; with the extension's code of checkout ``code`` if given."""
    command = [sys.executable]
    command += [os.path.join(ROOT, "bench", "with_code.py"), code] if code else []
    command += [os.path.abspath(__file__), "--child", path, "--format", fmt]
    command += ["--trace"] if trace else []
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def compare(path: str, mb: float, fmt: str, baseline: str, repeat: int) -> None:
    """Baseline and current scanner on the same file, alternating, ``repeat`` times each."""
    runs: dict[str, list[dict]] = {"baseline": [], "current": []}
    for _ in range(repeat):
        runs["baseline"].append(run(path, trace=False, fmt=fmt, code=baseline))
        runs["current"].append(run(path, trace=False, fmt=fmt))
    medians = {}
    for label, results in runs.items():
        wall = [r["seconds"] for r in results]
        cpu = [r["cpu_seconds"] for r in results]
        rss = max(r["rss_growth_kb"] for r in results) / 1024
        medians[label] = (statistics.median(wall), statistics.median(cpu))
        print(f"{mb:8.1f} {label:>9} {results[0]['rows']:9d} {statistics.median(wall):9.2f} {_p95(wall):7.2f} "
              f"{statistics.median(cpu):8.2f} {_p95(cpu):7.2f} {mb / statistics.median(cpu):9.1f} {rss:10.1f}  "
              f"{results[0]['counts']}{' ' + results[0]['error'] if results[0]['error'] else ''}")
    same = runs["baseline"][0]["counts"] == runs["current"][0]["counts"]
    print(f"{'':8} {'ratio':>9} {'':9} {medians['baseline'][0] / medians['current'][0]:8.2f}x {'':7} "
          f"{medians['baseline'][1] / medians['current'][1]:7.2f}x   (baseline / current; "
          f"same findings: {'yes' if same else 'NO'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100")
    parser.add_argument("--dir", default=None)
    parser.add_argument("--child")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--share", type=float, default=0.02,
                        help="share of rows with personal data (1.0 = worst case, every row)")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--baseline", help="checkout whose code is measured beside this one (git archive)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each scanner with --baseline")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.trace, args.format)
        return
    print(f"python {sys.version.split()[0]}, rows with personal data: {args.share:.0%}, format {args.format}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall-clock MB/s suffers under load; "
          "CPU MB/s is the scanner's own speed)")
    if args.baseline:
        print(f"baseline: the code in {args.baseline}; {args.repeat} runs each, alternating; MB/s of the rows as CSV")
        print(f"{'size MB':>8} {'scanner':>9} {'rows':>9} {'wall med':>9} {'p95':>7} {'CPU med':>8} {'p95':>7} "
              f"{'CPU MB/s':>9} {'RSS max MB':>10}  findings")
    else:
        print(f"{'size MB':>8} {'rows':>9} {'wall s':>7} {'MB/s':>7} {'CPU s':>7} {'CPU MB/s':>9} "
              f"{'RSS growth MB':>14} {'py peak MB':>11}  findings")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        baseline = os.path.abspath(args.baseline) if args.baseline else None
        for size in (int(x) for x in args.sizes.split(",")):
            path = os.path.join(tmp, f"pagos-{size}mb.csv")
            nbytes = generate(path, size, share=args.share)
            if args.format == "xlsx":
                xlsx = os.path.join(tmp, f"pagos-{size}mb.xlsx")
                print(f"   ({size} MB of rows as CSV: XLSX of {to_xlsx(path, xlsx) / 1024 / 1024:.1f} MB)")
                os.remove(path)
                path = xlsx
            if baseline:
                compare(path, nbytes / 1024 / 1024, args.format, baseline, args.repeat)
                os.remove(path)
                continue
            timed = run(path, trace=False, fmt=args.format)
            traced = run(path, trace=True, fmt=args.format)
            mb = nbytes / 1024 / 1024
            print(f"{mb:8.1f} {timed['rows']:9d} {timed['seconds']:7.2f} {mb / timed['seconds']:7.1f} "
                  f"{timed['cpu_seconds']:7.2f} {mb / timed['cpu_seconds']:9.1f} "
                  f"{timed['rss_growth_kb'] / 1024:14.1f} {traced['tracemalloc_peak_kb'] / 1024:11.1f}  "
                  f"{timed['counts']}")
            os.remove(path)


if __name__ == "__main__":
    main()
