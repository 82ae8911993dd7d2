"""Create ckan.ini from ckan.ini.example, filling in fresh secrets."""
from __future__ import annotations

import secrets
import sys


def main(src: str, dest: str) -> None:
    with open(src, encoding="utf-8") as f:
        text = f.read()
    # Each placeholder gets its own secret.
    while "@SECRET@" in text:
        text = text.replace("@SECRET@", secrets.token_urlsafe(32), 1)
    with open(dest, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
