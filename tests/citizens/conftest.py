"""Fixtures of the citizen-truth tests: the microsite fixtures (compiled
catalogues, fresh page cache, ``make_dataset``, ``officer_setup``)."""
from tests.microsite.conftest import (  # noqa: F401  (pytest fixtures)
    _compiled_catalogues,
    _fresh_cache_and_rate_limits,
    make_content,
    make_dataset,
    officer_setup,
)
