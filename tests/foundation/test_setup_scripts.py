"""The set-up scripts a newcomer runs: clear messages, safe to run twice."""
from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "scripts" / "services.sh"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})}, cwd=ROOT,
    )


@pytest.fixture
def busy_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


def test_start_twice_reuses_running_services():
    first = run(SERVICES, "start")
    assert first.returncode == 0, first.stderr
    second = run(SERVICES, "start")
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stdout
    status = run(SERVICES, "status")
    assert "PostgreSQL: running" in status.stdout and "Redis: running" in status.stdout


def test_postgres_port_taken_gives_clear_message(busy_port, tmp_path):
    result = run(SERVICES, "start", env={"SACH_PG_PORT": str(busy_port), "SACH_LOCAL_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert f"port {busy_port} is in use" in result.stderr
    assert "SACH_PG_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_redis_port_taken_gives_clear_message(busy_port, tmp_path):
    # PostgreSQL of this project keeps running on its own port; only Redis' port is busy.
    result = run(SERVICES, "start", env={"SACH_REDIS_PORT": str(busy_port)})
    assert result.returncode != 0
    assert f"port {busy_port} is in use" in result.stderr and "SACH_REDIS_PORT" in result.stderr


def test_postgres_not_installable_gives_clear_message(tmp_path):
    result = run(
        SERVICES, "start",
        env={"SACH_PG_BINDIR": str(tmp_path / "missing"), "SACH_NO_INSTALL": "1",
             "SACH_LOCAL_DIR": str(tmp_path), "SACH_PG_PORT": "1"},
    )
    assert result.returncode != 0
    assert "postgresql-15" in result.stderr and "not installed" in result.stderr


def test_web_port_taken_gives_clear_message(busy_port):
    result = run(ROOT / "scripts" / "check_port.sh", "127.0.0.1", str(busy_port))
    assert result.returncode == 1
    assert "already in use" in result.stderr and "PORT=" in result.stderr


def test_make_ini_fills_distinct_secrets(tmp_path):
    dest = tmp_path / "ckan.ini"
    result = run(os.sys.executable, ROOT / "scripts" / "make_ini.py", ROOT / "ckan.ini.example", dest)
    assert result.returncode == 0, result.stderr
    text = dest.read_text(encoding="utf-8")
    settings = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith(("#", ";"))]
    assert not any("@SECRET@" in line for line in settings)
    value = {line.split("=", 1)[0].strip(): line.split("=", 1)[1].strip().removeprefix("string:")
             for line in settings if "=" in line}
    secret, encode, decode = (value["SECRET_KEY"], value["api_token.jwt.encode.secret"],
                              value["api_token.jwt.decode.secret"])
    # API tokens are signed and checked with one secret; the session secret is another
    assert encode == decode and secret != encode and all(len(s) >= 32 for s in (secret, encode))
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    assert secret not in comments and encode not in comments


def test_readme_configuration_table_matches_declarations():
    import importlib.util

    spec = importlib.util.spec_from_file_location("config_table", ROOT / "scripts" / "config_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.render(readme) == readme, "README config table is stale: run python scripts/config_table.py --write"


def test_readme_names_the_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_make_ini_points_at_the_ports_services_sh_uses(tmp_path):
    """`SACH_PG_PORT=… SACH_REDIS_PORT=… make run`: the site talks to the servers started there."""
    dest = tmp_path / "ckan.ini"
    env = dict(os.environ, SACH_PG_PORT="54444", SACH_REDIS_PORT="63444", SACH_SITE_URL="http://127.0.0.1:5050")
    result = subprocess.run([os.sys.executable, str(ROOT / "scripts" / "make_ini.py"),
                             str(ROOT / "ckan.ini.example"), str(dest)],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    text = dest.read_text(encoding="utf-8")
    assert "sqlalchemy.url = postgresql://ckan_sach:ckan_sach@127.0.0.1:54444/ckan_sach" in text
    assert "ckan.redis.url = redis://127.0.0.1:63444/0" in text
    assert "54329" not in text and "63799" not in text
    assert "\nckan.site_url = http://127.0.0.1:5050\n" in text
