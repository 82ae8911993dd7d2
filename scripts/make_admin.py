"""Create the demo sysadmin once and print its credentials.

The password is generated on the first run and kept in .local/admin-password
(git-ignored) so that later runs print the same credentials.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CKAN = os.path.join(os.path.dirname(sys.executable), "ckan")
USER = os.environ.get("SACH_ADMIN_USER", "admin")
EMAIL = os.environ.get("SACH_ADMIN_EMAIL", "admin@sach.invalid")


def ckan(ini: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CKAN, "-c", ini, *args], capture_output=True, text=True, check=check)


def main(ini: str) -> None:
    pw_file = os.path.join(ROOT, ".local", "admin-password")
    os.makedirs(os.path.dirname(pw_file), exist_ok=True)
    shown = ckan(ini, "user", "show", USER, check=False)
    exists = shown.returncode == 0 and "User: None" not in shown.stdout
    if not exists:
        password = secrets.token_urlsafe(12)
        result = ckan(ini, "user", "add", USER, f"email={EMAIL}", f"password={password}", check=False)
        if result.returncode != 0:
            sys.exit(f"ERROR: could not create the user {USER}:\n{result.stderr[-2000:]}")
        with open(pw_file, "w", encoding="utf-8") as f:
            f.write(password)
    ckan(ini, "sysadmin", "add", USER)
    remembered = "(set earlier; see .local/admin-password)"
    if os.path.exists(pw_file):
        with open(pw_file, encoding="utf-8") as f:
            remembered = f.read().strip()
    print(f"==> Sysadmin: user '{USER}'  password '{remembered}'")


if __name__ == "__main__":
    main(sys.argv[1])
