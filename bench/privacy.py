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

Target: >= 20 MB/s, memory flat in file size. Results go to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
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


def _child(path: str, trace: bool) -> None:
    import resource
    import tracemalloc

    from ckanext.sach.privacy.scanner import scan_file

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    cpu_start = time.process_time()
    result = scan_file(path, "csv")
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak_py = tracemalloc.get_traced_memory()[1] if trace else None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "rss_growth_kb": rss - base, "rss_kb": rss,
                      "tracemalloc_peak_kb": peak_py // 1024 if peak_py else None,
                      "rows": result.rows_scanned, "counts": result.counts,
                      "bytes": result.bytes_scanned, "complete": result.complete}))


def run(path: str, trace: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", path] + (["--trace"] if trace else []),
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100")
    parser.add_argument("--dir", default=None)
    parser.add_argument("--child")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--share", type=float, default=0.02,
                        help="share of rows with personal data (1.0 = worst case, every row)")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.trace)
        return
    print(f"python {sys.version.split()[0]}, rows with personal data: {args.share:.0%}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall-clock MB/s suffers under load; "
          "CPU MB/s is the scanner's own speed)")
    print(f"{'size MB':>8} {'rows':>9} {'wall s':>7} {'MB/s':>7} {'CPU s':>7} {'CPU MB/s':>9} "
          f"{'RSS growth MB':>14} {'py peak MB':>11}  findings")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for size in (int(x) for x in args.sizes.split(",")):
            path = os.path.join(tmp, f"pagos-{size}mb.csv")
            nbytes = generate(path, size, share=args.share)
            timed = run(path, trace=False)
            traced = run(path, trace=True)
            mb = nbytes / 1024 / 1024
            print(f"{mb:8.1f} {timed['rows']:9d} {timed['seconds']:7.2f} {mb / timed['seconds']:7.1f} "
                  f"{timed['cpu_seconds']:7.2f} {mb / timed['cpu_seconds']:9.1f} "
                  f"{timed['rss_growth_kb'] / 1024:14.1f} {traced['tracemalloc_peak_kb'] / 1024:11.1f}  "
                  f"{timed['counts']}")
            os.remove(path)


if __name__ == "__main__":
    main()
