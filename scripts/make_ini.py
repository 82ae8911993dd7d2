"""Create ckan.ini from ckan.ini.example, filling in fresh secrets.

``@SECRET@`` on a setting line gets a fresh secret each time it appears, except on the two
``api_token.jwt.*.secret`` lines, which get one shared secret (CKAN signs API tokens with the
encode secret and checks them with the decode secret: different values reject every token).
Comment lines are copied as they are: no secret is ever written into a comment.
The project's PostgreSQL and Redis ports (54329, 63799) become ``SACH_PG_PORT`` and
``SACH_REDIS_PORT`` when those are set, as ``scripts/services.sh`` starts them there, and
``ckan.site_url`` becomes ``SACH_SITE_URL`` (``make run`` passes ``http://HOST:PORT``).
"""
from __future__ import annotations

import os
import re
import secrets
import sys

PLACEHOLDER = "@SECRET@"
_JWT = re.compile(r"^\s*api_token\.jwt\.(?:encode|decode)\.secret\s*=")


def render(text: str) -> str:
    jwt_secret = secrets.token_urlsafe(32)
    lines = []
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith(("#", ";")) or PLACEHOLDER not in line:
            lines.append(line)
        elif _JWT.match(line):
            lines.append(line.replace(PLACEHOLDER, jwt_secret))
        else:
            filled = line
            while PLACEHOLDER in filled:
                filled = filled.replace(PLACEHOLDER, secrets.token_urlsafe(32), 1)
            lines.append(filled)
    return "".join(lines)


def with_ports(text: str, env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    for default, variable in (("54329", "SACH_PG_PORT"), ("63799", "SACH_REDIS_PORT")):
        port = (env.get(variable) or default).strip()
        if not port.isdigit():
            raise SystemExit(f"{variable} must be a port number, not {port!r}")
        text = text.replace(f"127.0.0.1:{default}/", f"127.0.0.1:{port}/")
    site_url = (env.get("SACH_SITE_URL") or "").strip().rstrip("/")
    if site_url:
        if not re.fullmatch(r"https?://[^\s/]+", site_url):
            raise SystemExit(f"SACH_SITE_URL must be like http://host:port, not {site_url!r}")
        text = re.sub(r"(?m)^ckan\.site_url = .*$", lambda _: f"ckan.site_url = {site_url}", text)
    return text


def main(src: str, dest: str) -> None:
    with open(src, encoding="utf-8") as f:
        text = f.read()
    with open(dest, "w", encoding="utf-8") as f:
        f.write(with_ports(render(text)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
