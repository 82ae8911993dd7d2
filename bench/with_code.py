"""Run a benchmark script with `ckanext.sach` imported from another checkout of this repository,
so that a "before" and an "after" can be measured in the same session, interleaved:

    git archive a203516 | tar -x -C /tmp/sach-before
    .venv/bin/python bench/with_code.py /tmp/sach-before bench/search.py --reuse ...

The installed (editable) package would otherwise always win over PYTHONPATH. Only the extension's
code changes; CKAN, the database and the script itself stay the same.
"""
from __future__ import annotations

import importlib.util
import runpy
import sys
from pathlib import Path


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    package = Path(sys.argv[1]).resolve() / "ckanext" / "sach"
    if not (package / "__init__.py").is_file():
        sys.exit(f"{package} is not a checkout of ckanext-sach")
    import ckanext

    spec = importlib.util.spec_from_file_location(
        "ckanext.sach", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ckanext.sach"] = module
    spec.loader.exec_module(module)
    ckanext.sach = module  # type: ignore[attr-defined]
    sys.argv = sys.argv[2:]
    runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
