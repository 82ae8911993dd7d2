"""The production stack: docker-compose.yml, docker/ and .env.example.

No Docker engine runs on the development machines, so nothing here builds an
image or starts a container. What can be checked without one is checked for
real: the compose file's structure, that every environment variable given to
CKAN names an option CKAN (or scheming, dcat, sach) declares, that no secret is
written in the files, the Solr schema patch (run on a sample and on the schema
of the installed CKAN), the PostgreSQL init script (run against the test
PostgreSQL), the image's entry point docker/ckan/sach-start.sh (run for real:
migrations and gunicorn against the test database, and its Solr switch), and
`docker compose config` when a compose client is installed.
"""
from __future__ import annotations

import configparser
import importlib.metadata
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from sqlalchemy.engine import make_url

import ckan
import ckan.plugins.toolkit as tk
from ckan.config.declaration import Declaration
from ckan.config.environment import CONFIG_FROM_ENV_VARS

import ckanext.dcat
import ckanext.scheming

import ckanext.sach

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
CKAN_DOCKERFILE = ROOT / "docker" / "ckan" / "Dockerfile"
SOLR_DOCKERFILE = ROOT / "docker" / "solr" / "Dockerfile"
PATCH_SCRIPT = ROOT / "docker" / "solr" / "spanish_schema.py"
PG_INIT = ROOT / "docker" / "postgres" / "initdb" / "10-ckan-database.sh"
PG_REPLICATION_INIT = ROOT / "docker" / "postgres" / "initdb" / "30-replication.sh"
REPLICA_ENTRY = ROOT / "docker" / "postgres" / "replica" / "sach-replica.sh"
START = ROOT / "docker" / "ckan" / "sach-start.sh"
GUNICORN_CONF = ROOT / "scripts" / "gunicorn.conf.py"
INI_EXAMPLE = ROOT / "ckan.ini.example"

CKAN_SERVICES = ("ckan", "worker")
SERVICES = {"ckan", "worker", "db", "db-replica", "redis", "solr"}
# services started only with `--profile NAME` / COMPOSE_PROFILES
PROFILES = {"solr": ["solr"], "db-replica": ["replica"]}
VOLUMES = {"pg_data": "db", "pg_replica_data": "db-replica", "solr_data": "solr", "ckan_storage": "ckan",
           "redis_data": "redis"}
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?(?P<arg>[^}]*)\}")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY", re.I)


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def ckan_env(compose) -> dict[str, str]:
    return {k: str(v) for k, v in compose["services"]["ckan"]["environment"].items()}


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    values = {}
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f".env.example: not KEY=value: {line!r}"
        values[key.strip()] = value.strip()
    return values


@pytest.fixture(scope="module")
def declared_options() -> set[str]:
    """Options declared by CKAN core, CKAN's datastore plugin, ckanext-dcat and ckanext-sach."""
    import ckanext.datastore

    decl = Declaration()
    decl.load_core_declaration()
    dcat_dir = Path(ckanext.dcat.__file__).parent
    sach_dir = Path(ckanext.sach.__file__).parent
    datastore_dir = Path(ckanext.datastore.__file__).parent
    # ckanext-sach: the sach plugin's declarations and sach_pgsearch's (search/)
    files = [*sorted(dcat_dir.glob("config_declaration*.yml")), datastore_dir / "config_declaration.yaml",
             sach_dir / "config_declaration.yaml", sach_dir / "search" / "config_declaration.yaml"]
    assert len(files) >= 2, files
    for path in files:
        decl.load_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {str(key) for key in decl.iter_options()}


@pytest.fixture(scope="module")
def scheming_options() -> set[str]:
    """ckanext-scheming declares no options: take the keys its plugins read."""
    source = (Path(ckanext.scheming.__file__).parent / "plugins.py").read_text(encoding="utf-8")
    return set(re.findall(r"""['"](scheming\.[a-z_.]+)['"]""", source))


def envvar_to_option(name: str, declared: set[str]) -> str | None:
    """The ckan.ini option an environment variable sets in the CKAN image.

    CKAN core reads the variables of CONFIG_FROM_ENV_VARS; ckanext-envvars (in
    the official image, last in ckan.plugins) reads CKAN__*/CKANEXT__* with
    "__" for "." and strips a leading CKAN___ (keys declared as written, like
    SECRET_KEY, keep their case).
    """
    core = {env: option for option, env in CONFIG_FROM_ENV_VARS.items()}
    if name in core:
        return core[name]
    if name.startswith("CKAN___"):
        key = name[len("CKAN___"):]
        return key if key in declared else key.lower().replace("__", ".")
    if name.startswith(("CKAN__", "CKANEXT__")):
        return name.lower().replace("__", ".")
    return None


def expand(value: str, env: dict[str, str]) -> str:
    """Compose-style interpolation of ${VAR}, ${VAR:-default}, ${VAR:?msg}."""
    def sub(match: re.Match[str]) -> str:
        name, op, arg = match.group("name", "op", "arg")
        current = env.get(name, "")
        if op in (":-", "-") and not current:
            return arg
        return current
    return INTERPOLATION.sub(sub, value.replace("$$", "\0")).replace("\0", "$")


def iter_strings(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from iter_strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def ini_example_options() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keep SECRET_KEY's case
    parser.read(INI_EXAMPLE, encoding="utf-8")
    defaults = set(parser.defaults())
    return {k: v for k, v in parser.items("app:main") if k not in defaults and k != "use"}


# ---------------------------------------------------------------- services


@pytest.mark.unit
def test_services_images_and_builds(compose):
    services = compose["services"]
    assert set(services) == SERVICES

    ckan_build = services["ckan"]["build"]
    assert ckan_build == {"context": ".", "dockerfile": "docker/ckan/Dockerfile"}
    # the worker runs the very image the web service runs
    assert services["worker"]["build"] == ckan_build
    assert services["worker"]["image"] == services["ckan"]["image"]
    # both run the image's entry point (docker/ckan/sach-start.sh), in its two modes
    assert services["ckan"]["command"] == ["web"]
    assert services["worker"]["command"] == ["worker"]

    assert services["solr"]["build"]["context"] == "./docker/solr"
    assert (ROOT / "docker" / "solr" / services["solr"]["build"]["dockerfile"]) == SOLR_DOCKERFILE
    assert services["db"]["image"] == "postgres:15"
    # a physical replica runs the primary's major version
    assert services["db-replica"]["image"] == services["db"]["image"]
    assert re.fullmatch(r"redis:\d+(\.\d+)*", services["redis"]["image"])
    for service in services.values():
        assert service.get("restart") == "unless-stopped"
    for name, service in services.items():
        assert service.get("profiles") == PROFILES.get(name), name


def dockerfile_arg(path: Path, name: str) -> str:
    match = re.search(rf"^ARG {name}=(\S+)$", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path.name}: no ARG {name}"
    return match.group(1)


@pytest.mark.unit
def test_ckan_image_is_the_official_ckan_212_image_plus_the_extensions():
    assert dockerfile_arg(CKAN_DOCKERFILE, "CKAN_BASE_IMAGE") == "ckan/ckan-base:2.12"
    text = CKAN_DOCKERFILE.read_text(encoding="utf-8")
    assert "FROM ${CKAN_BASE_IMAGE}" in text
    assert "COPY --chown=ckan-sys:ckan-sys . ${SRC_DIR}/ckanext-sach" in text
    assert "pip3 install --no-cache-dir -e ." in text
    # scheming and dcat come pinned from requirements.txt, CKAN from the base image
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").split()
    assert "ckanext-scheming==3.1.0" in requirements
    assert "ckanext-dcat==2.4.4" in requirements
    assert "grep -v '^ckan\\[' requirements.txt" in text
    assert any(r.startswith("ckan[") for r in requirements), "the grep drops the ckan pin"
    # it drops back to the unprivileged user of the base image
    assert re.findall(r"^USER (\S+)$", text, re.M)[-1] == "ckan"


@pytest.mark.unit
def test_solr_image_is_ckan_solr_212_patched_at_build_time():
    assert dockerfile_arg(SOLR_DOCKERFILE, "CKAN_SOLR_IMAGE") == "ckan/ckan-solr:2.12-solr9"
    text = SOLR_DOCKERFILE.read_text(encoding="utf-8")
    schema = "/opt/solr/server/solr/configsets/ckan/conf/managed-schema"
    assert f"COPY --from=upstream {schema} /build/managed-schema" in text
    assert "COPY spanish_schema.py /build/spanish_schema.py" in text
    assert "RUN python3 /build/spanish_schema.py /build/managed-schema" in text
    assert f"COPY --from=patch --chown=solr:solr /build/managed-schema {schema}" in text
    # no copy of CKAN's schema lives in the repository
    assert not list(ROOT.glob("docker/**/schema.xml"))
    assert not list(ROOT.glob("docker/**/managed-schema"))


@pytest.mark.unit
def test_every_service_has_a_meaningful_healthcheck(compose):
    checks = {}
    for name, service in compose["services"].items():
        health = service.get("healthcheck")
        assert health, f"{name} has no healthcheck"
        assert health["test"][0] in ("CMD", "CMD-SHELL"), name
        for key in ("interval", "timeout", "retries", "start_period"):
            assert key in health, f"{name} healthcheck lacks {key}"
        checks[name] = " ".join(health["test"][1:])
    assert "pg_isready" in checks["db"]
    # a replica is healthy only as a standby (not a promoted or freshly initialised cluster)
    assert "pg_isready" in checks["db-replica"] and "pg_is_in_recovery()" in checks["db-replica"]
    assert "redis-cli" in checks["redis"] and "ping" in checks["redis"]
    assert "/solr/ckan/admin/ping" in checks["solr"]
    assert "/api/3/action/status_show" in checks["ckan"] and "--fail" in checks["ckan"]
    assert "rq.Worker.all" in checks["worker"]


@pytest.mark.unit
def test_worker_healthcheck_is_valid_python(compose):
    code = compose["services"]["worker"]["healthcheck"]["test"][-1]
    compile(code, "<worker healthcheck>", "exec")


@pytest.mark.unit
def test_named_volumes_declared_used_and_mounted_where_data_lives(compose, ckan_env):
    declared = set(compose["volumes"])
    assert declared == set(VOLUMES)
    used: dict[str, set[str]] = {}
    for name, service in compose["services"].items():
        for mount in service.get("volumes", []):
            source, _, rest = mount.partition(":")
            if source.startswith((".", "/")):
                assert rest.endswith(":ro"), f"bind mount of {name} must be read-only: {mount}"
                continue
            assert source in declared, f"{name} mounts undeclared volume {source}"
            used.setdefault(source, set()).add(rest)
    assert set(used) == declared
    targets = {vol: next(iter(paths)) for vol, paths in used.items()}
    assert targets["pg_data"] == "/var/lib/postgresql/data"
    assert targets["pg_replica_data"] == "/var/lib/postgresql/data"
    assert targets["solr_data"] == "/var/solr"
    assert targets["redis_data"] == "/data"
    # uploads live where CKAN is told they live, for the web service and the worker
    assert used["ckan_storage"] == {ckan_env["CKAN_STORAGE_PATH"]}
    for service in CKAN_SERVICES:
        assert f"ckan_storage:{ckan_env['CKAN_STORAGE_PATH']}" in compose["services"][service]["volumes"]
    assert "--appendonly yes" in " ".join(compose["services"]["redis"]["command"])


@pytest.mark.unit
def test_only_ckan_publishes_a_port_and_on_loopback_by_default(compose, env_example):
    published = {name: s["ports"] for name, s in compose["services"].items() if s.get("ports")}
    assert set(published) == {"ckan"}
    [port] = published["ckan"]
    # short syntax HOST_IP:PUBLISHED:TARGET, understood by compose v1 and v2
    assert expand(port, {}) == "127.0.0.1:5000:5000"
    assert port.endswith(":5000")
    assert env_example["SACH_HTTP_HOST_IP"] == "127.0.0.1"
    for name, service in compose["services"].items():
        assert "network_mode" not in service, name
    # databases and index sit on an internal network only
    assert compose["networks"]["backend"]["internal"] is True
    for name in ("db", "db-replica", "redis", "solr"):
        assert compose["services"][name]["networks"] == ["backend"], name


@pytest.mark.unit
def test_depends_on_waits_for_healthy_services(compose):
    services = compose["services"]
    # nothing depends on a service of an opt-in profile (compose refuses to start it otherwise)
    expected = {"ckan": {"db", "redis"}, "worker": {"ckan", "redis"}, "db-replica": {"db"}}
    for name, service in services.items():
        deps = service.get("depends_on", {})
        assert set(deps) == expected.get(name, set()), name
        for dep, spec in deps.items():
            assert spec == {"condition": "service_healthy"}, f"{name} -> {dep}"
            assert services[dep].get("healthcheck"), dep


# ---------------------------------------------------------------- secrets


@pytest.mark.unit
def test_no_secret_is_written_in_the_compose_file(compose):
    for name, service in compose["services"].items():
        for var, raw in (service.get("environment") or {}).items():
            value = str(raw)
            if SECRET_NAME.search(var):
                match = re.fullmatch(r"(string:)?\$\{(\w+):\?[^}]+\}", value)
                assert match, f"{name}.{var} must come from .env as a required ${{VAR:?}}"
            # credentials inside URLs
            for cred in re.findall(r"://[^/@\s]*:([^/@\s]*)@", value):
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", cred), f"{name}.{var}: password in URL"
    for path, text in iter_strings(compose):
        assert not re.search(r"(?i)password\s*[=:]\s*['\"]?[A-Za-z0-9]{6,}", text), path
        assert "--requirepass" not in text or "$$REDIS_PASSWORD" in text, path


@pytest.mark.unit
def test_env_example_holds_no_secret_values(env_example):
    secrets_ = {k: v for k, v in env_example.items() if SECRET_NAME.search(k)}
    assert set(secrets_) >= {"SACH_SECRET_KEY", "SACH_JWT_SECRET", "SACH_DB_PASSWORD",
                             "SACH_POSTGRES_PASSWORD", "SACH_REDIS_PASSWORD", "SACH_REPLICATION_PASSWORD"}
    assert all(v == "" for v in secrets_.values()), secrets_


@pytest.mark.unit
def test_secrets_and_local_state_stay_out_of_the_ckan_image():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".env", ".git", ".venv", ".local", "ckan.ini"} <= ignored
    assert not any(line.startswith("!") for line in ignored)


@pytest.mark.unit
def test_csrf_key_is_shared_by_every_ckan_container(ckan_env, declared_options):
    # the base image writes a random WTF_CSRF_SECRET_KEY into each container's
    # ckan.ini: several CKAN containers would then reject each other's forms
    assert envvar_to_option("CKAN___WTF_CSRF_SECRET_KEY", declared_options) == "WTF_CSRF_SECRET_KEY"
    assert ckan_env["CKAN___WTF_CSRF_SECRET_KEY"].startswith("${SACH_SECRET_KEY:?")


@pytest.mark.unit
def test_interpolated_variables_are_documented_in_env_example(compose, env_example):
    referenced: dict[str, str | None] = {}
    for _path, text in iter_strings(compose):
        for m in INTERPOLATION.finditer(text.replace("$$", "")):
            referenced.setdefault(m.group("name"), m.group("op"))
    undocumented = {n for n, op in referenced.items() if n not in env_example and op not in (":-", "-")}
    assert not undocumented
    # COMPOSE_* are docker compose's own settings (project name)
    unused = {k for k in env_example if not k.startswith("COMPOSE_")} - set(referenced)
    assert not unused, f".env.example documents variables compose never reads: {unused}"
    # no CKAN_* in .env: they would look like CKAN options but are only interpolation
    assert not [k for k in env_example if k.startswith("CKAN")]


@pytest.mark.unit
def test_required_secrets_fail_loudly_when_missing(compose):
    required = set()
    for _path, text in iter_strings(compose):
        required |= {m.group("name") for m in INTERPOLATION.finditer(text) if m.group("op") == ":?"}
    assert required >= {"SACH_SECRET_KEY", "SACH_JWT_SECRET", "SACH_DB_PASSWORD",
                        "SACH_POSTGRES_PASSWORD", "SACH_REDIS_PASSWORD", "SACH_SITE_URL"}


# ---------------------------------------------------------------- CKAN options


@pytest.mark.unit
def test_both_ckan_services_get_the_same_environment(compose):
    assert compose["services"]["ckan"]["environment"] == compose["services"]["worker"]["environment"]


@pytest.mark.unit
def test_every_ckan_variable_maps_to_a_declared_option(compose, declared_options, scheming_options):
    assert "sqlalchemy.url" in declared_options and "ckanext.dcat.rdf.profiles" in declared_options
    assert "ckanext.sach.contact_email" in declared_options
    assert {"scheming.dataset_schemas", "scheming.presets"} <= scheming_options
    known = declared_options | scheming_options
    for name, service in compose["services"].items():
        for var in service.get("environment") or {}:
            if name not in CKAN_SERVICES:
                assert not var.startswith("CKAN"), f"{name}.{var}: CKAN variable outside CKAN"
                continue
            if var.startswith("SACH_"):
                # read by the image's entry point or by gunicorn's settings, not by CKAN
                readers = START.read_text(encoding="utf-8") + GUNICORN_CONF.read_text(encoding="utf-8")
                assert var in readers, f"{var} is read by neither sach-start.sh nor gunicorn.conf.py"
                continue
            option = envvar_to_option(var, declared_options)
            assert option is not None, f"{var} is read by neither CKAN core nor ckanext-envvars"
            # CKAN hands every sqlalchemy.* option to SQLAlchemy's engine_from_config (pool sizes)
            engine_option = option.startswith("sqlalchemy.pool_") or option == "sqlalchemy.max_overflow"
            assert option in known or engine_option, f"{var} -> {option!r}, which no plugin declares"


@pytest.mark.unit
def test_mapping_agrees_with_ckanext_envvars(ckan_env, declared_options):
    """Cross-check the rule above with the plugin the image runs, when installed."""
    envvars = pytest.importorskip(
        "ckanext.envvars.plugin",
        reason="ckanext-envvars==0.0.6 (the one in ckan/ckan-base) is not installed",
    )
    plugin = envvars.EnvvarsPlugin()
    plugin.declared_keys = sorted(declared_options | {"SECRET_KEY"})
    core = set(CONFIG_FROM_ENV_VARS.values())
    for var in ckan_env:
        if var in core or var.startswith("SACH_"):
            continue
        assert plugin._envvar_to_ini(var) == envvar_to_option(var, declared_options), var


@pytest.mark.unit
def test_production_plugins_are_the_embedded_ones_searching_on_postgresql(ckan_env):
    """The compose default is the configuration CI tests: sach_pgsearch, no Solr."""
    plugins = ckan_env["CKAN__PLUGINS"].split()
    embedded = ini_example_options()["ckan.plugins"].split()
    assert "sach_pgsearch" in embedded
    assert plugins[-1] == "envvars", "ckanext-envvars must be last in ckan.plugins"
    assert plugins[:-1] == embedded
    assert ckan_env["SACH_SEARCH_BACKEND"] == "${SACH_SEARCH_BACKEND:-postgresql}"
    registered = {ep.name for ep in importlib.metadata.entry_points(group="ckan.plugins")}
    missing = set(plugins) - registered - {"envvars"}
    assert not missing, missing
    # the image bakes the same list into ckan.ini (the worker does not run prerun)
    baked = re.search(r'^ENV CKAN__PLUGINS="([^"]+)"$', CKAN_DOCKERFILE.read_text(encoding="utf-8"), re.M)
    assert baked and baked.group(1) == ckan_env["CKAN__PLUGINS"]
    assert ckan_env["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"


@pytest.mark.unit
def test_options_the_entry_point_sets_are_declared(declared_options):
    """sach-start.sh sets some CKAN options itself (the replicas' URLs): each one is declared."""
    exported = set(re.findall(r"^\s*export ((?:CKAN|CKANEXT)__\w+)", START.read_text(encoding="utf-8"), re.M))
    assert "CKANEXT__SACH__SEARCH__REPLICA_URLS" in exported
    for var in exported - {"CKAN__PLUGINS"}:
        option = envvar_to_option(var, declared_options)
        assert option in declared_options, f"sach-start.sh sets {var} -> {option!r}, which no plugin declares"
    assert envvar_to_option("CKANEXT__SACH__SEARCH__REPLICA_URLS", declared_options) == \
        "ckanext.sach.search.replica_urls"


@pytest.mark.unit
def test_replica_profile_is_a_standby_of_db(compose, ckan_env, env_example):
    """The "replica" profile: a hot standby of db that CKAN reads through, never depends on."""
    services = compose["services"]
    db, replica = services["db"], services["db-replica"]
    assert replica["profiles"] == ["replica"]
    # the same replication role and password on both sides (the primary makes it at init)
    for var in ("SACH_REPLICATION_USER", "SACH_REPLICATION_PASSWORD"):
        assert replica["environment"][var] == db["environment"][var], var
    assert replica["environment"]["SACH_PRIMARY_HOST"] == "db"
    assert re.fullmatch(r"[a-z0-9_]{1,63}", replica["environment"]["SACH_REPLICATION_SLOT"])
    # its entry point is the mounted script, which then runs the postgres image's own
    mount = [m for m in replica["volumes"] if m.startswith("./")]
    assert mount == ["./docker/postgres/replica:/sach-replica:ro"]
    assert replica["entrypoint"] == ["sh", "/sach-replica/sach-replica.sh"]
    assert (ROOT / "docker" / "postgres" / "replica" / "sach-replica.sh") == REPLICA_ENTRY
    assert os.access(REPLICA_ENTRY, os.X_OK)
    assert replica["command"][:2] == ["docker-entrypoint.sh", "postgres"]

    def setting(command: list[str], name: str) -> str | None:
        pairs = [command[i + 1] for i, arg in enumerate(command[:-1]) if arg == "-c"]
        return next((p.split("=", 1)[1] for p in pairs if p.startswith(name + "=")), None)

    # a hot standby refuses to start with fewer connections than its primary
    assert int(setting(replica["command"], "max_connections")) >= int(setting(db["command"], "max_connections"))
    assert setting(db["command"], "max_slot_wal_keep_size"), "an abandoned slot would keep WAL forever"
    # the planner cost the search is tuned and tested with (scripts/services.sh, README)
    for command in (db["command"], replica["command"]):
        assert setting(command, "random_page_cost") == "1.1"
    assert "-c random_page_cost=1.1" in (ROOT / "scripts" / "services.sh").read_text(encoding="utf-8")
    # CKAN: no replica unless asked (SACH_SEARCH_REPLICAS empty), and the README's value names the service
    assert ckan_env["SACH_SEARCH_REPLICAS"] == "${SACH_SEARCH_REPLICAS:-}"
    assert env_example["SACH_SEARCH_REPLICAS"] == ""
    assert "SACH_SEARCH_REPLICAS=db-replica" in COMPOSE.read_text(encoding="utf-8")
    assert "SACH_SEARCH_REPLICAS=db-replica" in (ROOT / "README.md").read_text(encoding="utf-8")
    # the primary mounts the script that makes the replication role
    assert os.access(PG_REPLICATION_INIT, os.X_OK)
    assert PG_REPLICATION_INIT.parent == PG_INIT.parent


@pytest.mark.unit
def test_catalogue_options_match_ckan_ini_example(ckan_env, declared_options, env_example):
    """Same scheming, DCAT and site options as the embedded set-up."""
    production = {}
    for var, value in ckan_env.items():
        production[envvar_to_option(var, declared_options)] = expand(value, env_example)
    example = ini_example_options()
    deployment = {None,  # SACH_* variables: the entry point's and gunicorn's, not CKAN options
                  "sqlalchemy.url", "ckan.redis.url", "solr_url", "ckan.site_url",
                  "ckan.storage_path", "SECRET_KEY", "WTF_CSRF_SECRET_KEY", "api_token.jwt.encode.secret",
                  "api_token.jwt.decode.secret", "ckan.plugins",
                  # behind the host's TLS proxy in production, none in the embedded set-up
                  "ckanext.sach.trusted_proxies"}
    for option, value in example.items():
        if option in deployment or "%(here)s" in value or "127.0.0.1" in value:
            continue
        assert option in production, f"{option} of ckan.ini.example missing in production"
        assert production[option] == value, option
    assert production["ckan.locale_default"] == "es"
    assert production["api_token.jwt.encode.secret"] == production["api_token.jwt.decode.secret"]


# ---------------------------------------------------------------- Solr schema

SAMPLE_SCHEMA = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- licence header that must survive -->
<schema name="ckan-9.99" version="1.6">
<types>
    <fieldType name="string" class="solr.StrField" sortMissingLast="true" omitNorms="true"/>
    <fieldType name="text" class="solr.TextField" positionIncrementGap="100">
        <analyzer type="index">
            <tokenizer class="solr.WhitespaceTokenizerFactory"/>
            <filter class="solr.WordDelimiterGraphFilterFactory" generateWordParts="1"/>
            <filter class="solr.FlattenGraphFilterFactory"/> <!-- after graph filters -->
            <filter class="solr.LowerCaseFilterFactory"/>
            <filter class="solr.SnowballPorterFilterFactory" language="English" protected="protwords.txt"/>
            <filter class="solr.ASCIIFoldingFilterFactory"/>
        </analyzer>
        <analyzer type="query">
            <tokenizer class="solr.WhitespaceTokenizerFactory"/>
            <filter class="solr.SynonymGraphFilterFactory" synonyms="synonyms.txt" ignoreCase="true" expand="true"/>
            <filter class="solr.LowerCaseFilterFactory"/>
            <filter class="solr.SnowballPorterFilterFactory" language="English" protected="protwords.txt"/>
        </analyzer>
    </fieldType>
    <fieldType name="text_general" class="solr.TextField" positionIncrementGap="100">
        <analyzer>
            <tokenizer class="solr.WhitespaceTokenizerFactory"/>
            <filter class="solr.LowerCaseFilterFactory"/>
            <filter class="solr.SnowballPorterFilterFactory" language="English"/>
        </analyzer>
    </fieldType>
</types>
<fields>
    <field name="title" type="text" indexed="true" stored="true"/>
    <field name="text" type="text" indexed="true" stored="false" multiValued="true"/>
</fields>
<uniqueKey>id</uniqueKey>
<copyField source="title" dest="text"/>
</schema>
"""

SPANISH_TAIL = [
    "solr.LowerCaseFilterFactory",
    "solr.StopFilterFactory",
    "solr.KeywordMarkerFilterFactory",
    "solr.ASCIIFoldingFilterFactory",
    "solr.SpanishLightStemFilterFactory",
]


def run_patch(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PATCH_SCRIPT), str(path), *args],
                          capture_output=True, text=True, timeout=60)


def chains(schema_text: str, field_type: str = "text") -> dict[str, list[ElementTree.Element]]:
    root = ElementTree.fromstring(schema_text.encode("utf-8"))
    [ftype] = [f for f in root.iter("fieldType") if f.get("name") == field_type]
    return {a.get("type", "all"): list(a) for a in ftype.iter("analyzer")}


def assert_spanish(schema_text: str) -> None:
    for kind, chain in chains(schema_text).items():
        classes = [c.get("class") for c in chain]
        assert chain[0].tag == "tokenizer", kind
        assert classes[-5:] == SPANISH_TAIL, (kind, classes)
        assert "solr.SnowballPorterFilterFactory" not in classes, kind
        assert classes.count("solr.ASCIIFoldingFilterFactory") == 1, kind
        stop = chain[classes.index("solr.StopFilterFactory")]
        assert stop.get("words") == "lang/stopwords_es.txt" and stop.get("format") == "snowball"
        marker = chain[classes.index("solr.KeywordMarkerFilterFactory")]
        assert marker.get("protected") == "protwords.txt"


@pytest.mark.unit
def test_patch_adds_spanish_folding_and_stemming_to_the_text_type(tmp_path):
    schema = tmp_path / "managed-schema"
    schema.write_text(SAMPLE_SCHEMA, encoding="utf-8")
    result = run_patch(schema)
    assert result.returncode == 0, result.stderr
    patched = schema.read_text(encoding="utf-8")
    assert_spanish(patched)
    # the query analyzer keeps its synonyms, the index one its graph flattening
    query = [c.get("class") for c in chains(patched)["query"]]
    assert query[:2] == ["solr.WhitespaceTokenizerFactory", "solr.SynonymGraphFilterFactory"]
    assert "solr.FlattenGraphFilterFactory" in [c.get("class") for c in chains(patched)["index"]]
    # everything else is left as it was, byte for byte
    before, after = SAMPLE_SCHEMA.split('<fieldType name="text" '), patched.split('<fieldType name="text" ')
    assert after[0] == before[0]
    assert after[1].split("</fieldType>", 1)[1] == before[1].split("</fieldType>", 1)[1]
    assert "<!-- licence header that must survive -->" in patched
    assert [c.get("class") for c in chains(patched, "text_general")["all"]][-1] == \
        "solr.SnowballPorterFilterFactory"


@pytest.mark.unit
def test_patch_is_idempotent(tmp_path):
    schema = tmp_path / "managed-schema"
    schema.write_text(SAMPLE_SCHEMA, encoding="utf-8")
    assert run_patch(schema).returncode == 0
    once = schema.read_text(encoding="utf-8")
    assert run_patch(schema).returncode == 0
    assert schema.read_text(encoding="utf-8") == once
    assert once.count("ckanext-sach: Spanish analysis") == 1


@pytest.mark.parametrize(("broken", "message"), [
    (SAMPLE_SCHEMA.replace('name="text" ', 'name="texto" '), 'no <fieldType name="text">'),
    (SAMPLE_SCHEMA.replace('<analyzer type="index">', "<analyzer type=index>"), "not valid XML"),
    ("<schema/>", 'no <fieldType name="text">'),
])
@pytest.mark.unit
def test_patch_fails_the_build_on_an_unexpected_schema(tmp_path, broken, message):
    schema = tmp_path / "managed-schema"
    schema.write_text(broken, encoding="utf-8")
    result = run_patch(schema)
    assert result.returncode == 1
    assert message in result.stderr
    assert schema.read_text(encoding="utf-8") == broken, "a failed patch must not write"


@pytest.mark.unit
def test_patch_on_the_schema_of_the_installed_ckan(tmp_path):
    """The image patches ckan/ckan-solr:2.12's copy of this very file."""
    original = (Path(ckan.__file__).parent / "config" / "solr" / "schema.xml").read_text(encoding="utf-8")
    schema = tmp_path / "managed-schema"
    schema.write_text(original, encoding="utf-8")
    result = run_patch(schema)
    assert result.returncode == 0, result.stderr
    patched = schema.read_text(encoding="utf-8")
    assert_spanish(patched)
    old, new = ElementTree.fromstring(original.encode()), ElementTree.fromstring(patched.encode())
    # CKAN checks the schema name/version at start-up: untouched
    assert new.get("name") == old.get("name") == "ckan-2.12"
    assert new.get("version") == old.get("version")
    for tag in ("field", "dynamicField", "copyField"):
        assert [ElementTree.tostring(e) for e in new.iter(tag)] == [ElementTree.tostring(e) for e in old.iter(tag)]
    def others(root: ElementTree.Element) -> list[bytes]:
        return [ElementTree.tostring(f) for f in root.iter("fieldType") if f.get("name") != "text"]

    assert others(new) == others(old)
    # the free-text fields CKAN searches use the adjusted type
    text_fields = {f.get("name") for f in new.iter("field") if f.get("type") == "text"}
    assert {"title", "notes", "text"} <= text_fields


# ---------------------------------------------------------------- PostgreSQL init


def test_postgres_init_script_creates_a_non_superuser_owner(compose):
    """Run the db service's init script against the test PostgreSQL server."""
    psql = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
    if not Path(psql).exists():
        pytest.skip("psql is not installed")
    url = make_url(tk.config["sqlalchemy.url"])
    mount = [m for m in compose["services"]["db"]["volumes"] if "docker-entrypoint-initdb.d" in m]
    assert mount == ["./docker/postgres/initdb:/docker-entrypoint-initdb.d:ro"]
    assert os.access(PG_INIT, os.X_OK)

    suffix = uuid.uuid4().hex[:8]
    role, db = f"sach_compose_{suffix}", f"sach_compose_{suffix}"
    env = {**os.environ, "PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432),
           "POSTGRES_USER": "postgres", "SACH_DB_USER": role,
           "SACH_DB_PASSWORD": "it's-a-test", "SACH_DB_NAME": db,
           "PATH": f"{Path(psql).parent}:{os.environ.get('PATH', '')}"}
    admin = [psql, "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qtA"]
    try:
        result = subprocess.run(["sh", str(PG_INIT)], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        row = subprocess.run([*admin, "-c", (
            "SELECT r.rolsuper, r.rolcreatedb, r.rolcanlogin, pg_get_userbyid(d.datdba) "
            f"FROM pg_roles r, pg_database d WHERE r.rolname = '{role}' AND d.datname = '{db}'")],
            env=env, capture_output=True, text=True, timeout=60)
        assert row.stdout.strip() == f"f|f|t|{role}", row.stderr
        login = subprocess.run([psql, "-U", role, "-d", db, "-qtA", "-c", "SELECT current_user"],
                               env=env, capture_output=True, text=True, timeout=60)
        assert login.stdout.strip() == role, login.stderr
        # sach_pgsearch's first migration creates unaccent as this owner (a trusted extension)
        ext = subprocess.run([psql, "-U", role, "-d", db, "-v", "ON_ERROR_STOP=1", "-qtA", "-c",
                              "CREATE EXTENSION IF NOT EXISTS unaccent; SELECT unaccent('Cholúla')"],
                             env=env, capture_output=True, text=True, timeout=60)
        assert ext.returncode == 0 and ext.stdout.strip() == "Cholula", ext.stderr
        # a missing variable stops the script before it touches the server
        missing = subprocess.run(["sh", str(PG_INIT)], env={**env, "SACH_DB_PASSWORD": ""},
                                 capture_output=True, text=True, timeout=60)
        assert missing.returncode != 0 and "SACH_DB_PASSWORD" in missing.stderr
    finally:
        subprocess.run([*admin, "-c", f'DROP DATABASE IF EXISTS "{db}"'], env=env,
                       capture_output=True, timeout=60)
        subprocess.run([*admin, "-c", f'DROP ROLE IF EXISTS "{role}"'], env=env,
                       capture_output=True, timeout=60)


def test_replication_scripts_make_a_streaming_hot_standby(tmp_path, compose):
    """The primary's 30-replication.sh run against the test PostgreSQL (role, pg_hba entry), then
    the replica's entry point against it for real: its pg_basebackup copy starts as a hot standby
    that streams through its slot. (The test cluster trusts local connections, so the password
    itself is not checked here; that it reaches the copy's primary_conninfo is.)"""
    from tests.search.standby import Standby, pg_bindir

    bindir = pg_bindir()
    if bindir is None or not (bindir / "psql").exists():
        pytest.skip("PostgreSQL's client programs (psql, pg_basebackup, pg_ctl) are not installed")
    primary = make_url(tk.config["sqlalchemy.url"])
    suffix = uuid.uuid4().hex[:8]
    role, slot = f"sach_replicator_{suffix}", f"sach_replica_{suffix}"
    password = "it's-a-test"
    hba = tmp_path / "pg_hba.conf"
    hba.write_text("local all all trust\n", encoding="utf-8")
    base = {**os.environ, "PGHOST": primary.host or "127.0.0.1", "PGPORT": str(primary.port or 5432),
            "PATH": f"{bindir}:{os.environ.get('PATH', '')}"}
    init_env = {**base, "POSTGRES_USER": "postgres", "PGDATA": str(tmp_path),
                "SACH_REPLICATION_USER": role, "SACH_REPLICATION_PASSWORD": password}
    admin = [str(bindir / "psql"), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qtA"]
    assert compose["services"]["db"]["environment"]["SACH_REPLICATION_USER"].startswith("${SACH_REPLICATION_USER")
    standby = None
    try:
        for _ in range(2):  # on a fresh volume, and again by hand on an older one: same result
            done = subprocess.run(["sh", str(PG_REPLICATION_INIT)], env=init_env, capture_output=True, text=True,
                                  timeout=60)
            assert done.returncode == 0, done.stderr
        assert hba.read_text(encoding="utf-8").count(f"host replication {role} all scram-sha-256\n") == 1
        row = subprocess.run([*admin, "-c", "SELECT rolreplication, rolsuper, rolcreatedb, rolcanlogin, "
                              f"rolpassword IS NOT NULL FROM pg_authid WHERE rolname = '{role}'"],
                             env=base, capture_output=True, text=True, timeout=60)
        assert row.stdout.strip() == "t|f|f|t|t", row.stderr

        replica_env = {**base, "SACH_PRIMARY_HOST": primary.host or "127.0.0.1",
                       "SACH_PRIMARY_PORT": str(primary.port or 5432), "SACH_REPLICATION_USER": role,
                       "SACH_REPLICATION_PASSWORD": password, "SACH_REPLICATION_SLOT": slot}
        handed_over = ("sh", "-c", "echo handed over to the image")

        def entry_point(data: Path) -> None:
            done = subprocess.run(["sh", str(REPLICA_ENTRY), *handed_over], env={**replica_env, "PGDATA": str(data)},
                                  capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, done.stderr
            assert "copying the primary" in done.stdout and done.stdout.endswith("handed over to the image\n")

        standby = Standby(primary, bindir, copy=entry_point)
        assert (standby.data / "standby.signal").exists()
        conf = (standby.data / "postgresql.auto.conf").read_text(encoding="utf-8")
        assert f"primary_slot_name = '{slot}'" in conf
        assert f"user={role}" in conf and "password=" in conf, conf
        assert standby.sql("SELECT pg_is_in_recovery()") is True
        # a write on the primary is replayed on the copy, which streams through its slot
        table = f"sach_replication_probe_{suffix}"
        subprocess.run([*admin, "-c", f"CREATE TABLE {table} (v text); INSERT INTO {table} VALUES ('hola')"],
                       env=base, check=True, capture_output=True, timeout=60)
        standby.catch_up()
        assert standby.sql(f"SELECT v FROM {table}") == "hola"
        active = subprocess.run([*admin, "-c", f"SELECT active FROM pg_replication_slots WHERE slot_name = '{slot}'"],
                                env=base, capture_output=True, text=True, timeout=60)
        assert active.stdout.strip() == "t", active.stderr
        # a later start finds the copy: no second pg_basebackup
        again = subprocess.run(["sh", str(REPLICA_ENTRY), *handed_over],
                               env={**replica_env, "PGDATA": str(standby.data)},
                               capture_output=True, text=True, timeout=60)
        assert again.returncode == 0 and again.stdout == "handed over to the image\n", again.stderr
    finally:
        if standby is not None:
            standby.remove()
        for sql in (f"DROP TABLE IF EXISTS sach_replication_probe_{suffix}",
                    f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'",
                    f'DROP ROLE IF EXISTS "{role}"'):
            subprocess.run([*admin, "-c", sql], env=base, capture_output=True, timeout=60)


# ---------------------------------------------------------------- docker compose config


def compose_client() -> list[str] | None:
    """`docker compose` (v2 plugin) or else `docker-compose` (v1, Debian's package)."""
    candidates = []
    if shutil.which("docker"):
        candidates.append([shutil.which("docker"), "compose"])
    if shutil.which("docker-compose"):
        candidates.append([shutil.which("docker-compose")])
    for client in candidates:
        probe = subprocess.run([*client, "version"], capture_output=True, text=True, timeout=60)
        if probe.returncode == 0:
            return client
    return None


@pytest.mark.unit
def test_docker_compose_config_accepts_the_file(tmp_path, env_example):
    """Needs only the compose client, no engine: renders and validates the file."""
    client = compose_client()
    if client is None:
        pytest.skip("no docker compose client installed (neither the `docker compose` plugin "
                    "nor Debian's docker-compose): the file was checked by the other tests only")
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v or 'only-for-this-test'}\n" for k, v in env_example.items()))
    base = [*client, "--project-directory", str(ROOT), "-f", str(COMPOSE), "--env-file", str(env_file)]
    ok = subprocess.run([*base, "config"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    rendered = yaml.safe_load(ok.stdout)
    assert set(rendered["services"]) == SERVICES
    # Solr only in its profile; the rest (what `up` starts by default) searches on PostgreSQL
    for name, service in rendered["services"].items():
        assert service.get("profiles") == PROFILES.get(name), name
    default = {n for n, s in rendered["services"].items() if not s.get("profiles")}
    assert default == {"ckan", "worker", "db", "redis"}
    for name in default:
        assert not set(rendered["services"][name].get("depends_on") or {}) - default, name
    assert rendered["services"]["ckan"]["command"] == ["web"]
    assert rendered["services"]["worker"]["command"] == ["worker"]
    for name in CKAN_SERVICES:
        env_ = rendered["services"][name]["environment"]
        assert env_["SACH_SEARCH_BACKEND"] == "postgresql"
        assert env_["CKAN__PLUGINS"].split()[0] == "sach_pgsearch"
    env = rendered["services"]["ckan"]["environment"]
    assert env["CKAN_SQLALCHEMY_URL"] == "postgresql://ckan:only-for-this-test@db:5432/ckan"
    assert env["CKAN___SECRET_KEY"] == "only-for-this-test"
    # the Solr switch of the README: one variable for CKAN, one profile for compose
    solr_env = tmp_path / ".env.solr"
    solr_env.write_text(env_file.read_text() + "SACH_SEARCH_BACKEND=solr\nCOMPOSE_PROFILES=solr\n")
    solr = subprocess.run([*client, "--project-directory", str(ROOT), "-f", str(COMPOSE), "--env-file",
                           str(solr_env), "config"], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert solr.returncode == 0, solr.stderr
    solr_services = yaml.safe_load(solr.stdout)["services"]
    assert solr_services["ckan"]["environment"]["SACH_SEARCH_BACKEND"] == "solr"
    assert solr_services["worker"]["environment"]["SACH_SEARCH_BACKEND"] == "solr"
    # the replica switch: one profile for compose, one variable for CKAN; the replica gets the
    # primary's replication credentials, CKAN nothing more than the host to read from
    replica_env = tmp_path / ".env.replica"
    replica_env.write_text(env_file.read_text() + "SACH_SEARCH_REPLICAS=db-replica\nCOMPOSE_PROFILES=replica\n")
    replica = subprocess.run([*client, "--project-directory", str(ROOT), "-f", str(COMPOSE), "--env-file",
                              str(replica_env), "config"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert replica.returncode == 0, replica.stderr
    replica_services = yaml.safe_load(replica.stdout)["services"]
    for name in CKAN_SERVICES:
        assert replica_services[name]["environment"]["SACH_SEARCH_REPLICAS"] == "db-replica"
    assert replica_services["db-replica"]["environment"]["SACH_REPLICATION_PASSWORD"] == "only-for-this-test"
    assert replica_services["db-replica"]["environment"]["SACH_REPLICATION_USER"] == \
        replica_services["db"]["environment"]["SACH_REPLICATION_USER"] == "replicator"
    # and it refuses to render without a secret
    env_file.write_text(env_file.read_text().replace("SACH_SECRET_KEY=only-for-this-test\n", ""))
    missing = subprocess.run([*base, "config"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert missing.returncode != 0 and "SACH_SECRET_KEY" in missing.stderr


# ---------------------------------------------------------------- the image's server: gunicorn as `make run`


def _code_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.unit
def test_ckan_image_serves_with_the_gunicorn_setup_of_make_run():
    docker = CKAN_DOCKERFILE.read_text(encoding="utf-8")
    assert re.findall(r"^ENTRYPOINT (.+)$", docker, re.M) == ['["/usr/local/bin/sach-start"]']
    assert re.findall(r"^CMD (.+)$", docker, re.M) == ['["web"]']
    assert "install -m 0755 docker/ckan/sach-start.sh /usr/local/bin/sach-start" in docker
    assert os.access(START, os.X_OK)
    # `make run` = scripts/serve.sh ... prod: the same settings file and application
    serve = (ROOT / "scripts" / "serve.sh").read_text(encoding="utf-8")
    prod = [line for line in _code_lines(serve) if "gunicorn" in line and "-c" in line]
    [gunicorn_exec] = [line for line in _code_lines(START.read_text(encoding="utf-8")) if "exec gunicorn" in line]
    assert prod and "scripts/gunicorn.conf.py" in prod[0] and "scripts/gunicorn.conf.py" in gunicorn_exec
    assert "ckanext.sach.wsgi:application" in serve
    start_text = START.read_text(encoding="utf-8")
    assert "ckanext.sach.wsgi:application" in start_text.split("exec gunicorn", 1)[1].split(";;")[0]
    # nothing starts uWSGI any more
    for path in (COMPOSE, CKAN_DOCKERFILE, START):
        assert not [line for line in _code_lines(path.read_text(encoding="utf-8")) if "uwsgi" in line.lower()], path
    # gunicorn comes pinned from requirements.txt; the build context keeps what the entry point needs
    assert re.search(r"^gunicorn==[\d.]+$", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    assert not ignored & {"scripts", "docker", "docker/ckan", "ckanext"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ini_plugins(ini: Path) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(ini, encoding="utf-8")
    return parser.get("app:main", "ckan.plugins").split()


def test_entry_point_migrates_and_serves_the_site_with_gunicorn(tmp_path):
    """`sach-start web` for real, outside a container: the test database, real gunicorn."""
    import requests

    ini = tmp_path / "ckan.ini"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_ini.py"), str(INI_EXAMPLE), str(ini)],
                   check=True, timeout=60)
    embedded = ini_example_options()["ckan.plugins"].split()
    # the compose list without ckanext-envvars (not installed here) and, to see the script put
    # it back for SACH_SEARCH_BACKEND=postgresql, without sach_pgsearch
    plugins = [p for p in embedded if p != "sach_pgsearch"]
    ini.write_text(ini.read_text(encoding="utf-8").replace(
        "ckan.plugins = " + " ".join(embedded), "ckan.plugins = " + " ".join(plugins)), encoding="utf-8")
    assert _ini_plugins(ini) == plugins
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CKAN", "SACH_"))}
    env.update({
        "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}",
        "CKAN_INI": str(ini), "CKAN__PLUGINS": " ".join(plugins), "SACH_SEARCH_BACKEND": "postgresql",
        "CKAN_SQLALCHEMY_URL": tk.config["sqlalchemy.url"], "CKAN_REDIS_URL": tk.config["ckan.redis.url"],
        "CKAN_DATASTORE_WRITE_URL": tk.config["ckan.datastore.write_url"],
        "CKAN_DATASTORE_READ_URL": tk.config["ckan.datastore.read_url"],
        "CKAN_STORAGE_PATH": str(tmp_path / "storage"), "CKAN_SITE_URL": f"http://127.0.0.1:{port}",
        "SACH_SRC": str(ROOT), "SACH_BIND": f"127.0.0.1:{port}", "SACH_WORKERS": "1",
    })
    log = (tmp_path / "start.log").open("w")
    proc = subprocess.Popen(["sh", str(START), "web"], env=env, cwd=tmp_path, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, answer = time.time() + 240, None
        while time.time() < deadline and proc.poll() is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=10)
                break
            except requests.ConnectionError:
                time.sleep(1)
        output = (tmp_path / "start.log").read_text()
        assert answer is not None and answer.status_code == 200, output[-3000:]
        assert answer.headers.get("Server", "").startswith("gunicorn"), answer.headers
        assert "ckan db upgrade" in output and "Upgrading DB: SUCCESS" in output, output[-3000:]
        assert "DataStore permissions (ckan datastore set-permissions" in output, output[-3000:]
        # the process the container would supervise is gunicorn's master (exec'd, not a child)
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
        assert any(b"gunicorn" in part for part in cmdline), cmdline
        assert str(GUNICORN_CONF).encode() in cmdline and b"ckanext.sach.wsgi:application" in cmdline
        # search answers from PostgreSQL (there is no Solr here): sach_pgsearch was put back
        assert _ini_plugins(ini) == ["sach_pgsearch", *plugins]
        found = requests.get(f"http://127.0.0.1:{port}/api/3/action/package_search?q=agua&rows=1", timeout=30)
        assert found.status_code == 200 and found.json()["success"] is True, found.text[:500]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


@pytest.fixture
def stub_bin(tmp_path) -> tuple[Path, Path]:
    """`ckan` and `gunicorn` that only record how they were called (the script's switch is tested)."""
    bindir, calls = tmp_path / "bin", tmp_path / "calls.log"
    bindir.mkdir()
    for name in ("ckan", "gunicorn"):
        stub = bindir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n')
        stub.chmod(0o755)
    return bindir, calls


def _run_start(bindir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin", "CKAN_INI": "/srv/app/ckan.ini",
            "CKAN__PLUGINS": ckan_compose_plugins(), "CKAN_SOLR_URL": "http://127.0.0.1:9/solr/ckan"}
    return subprocess.run(["sh", str(START), *args], env={**base, **env}, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.unit
def test_entry_point_points_search_reads_at_the_replicas(stub_bin):
    """SACH_SEARCH_REPLICAS: CKAN's database URL on each replica host, as replica_urls."""
    bindir, _calls = stub_bin
    show = ("sh", "-c", 'echo "urls=${CKANEXT__SACH__SEARCH__REPLICA_URLS-unset}"')
    primary = "postgresql://ckan:s%40cret-1@db:5432/ckan"
    done = _run_start(bindir, *show, CKAN_SQLALCHEMY_URL=primary, SACH_SEARCH_REPLICAS="db-replica replica-2:6432")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "urls=postgresql://ckan:s%40cret-1@db-replica:5432/ckan postgresql://ckan:s%40cret-1@replica-2:6432/ckan")
    assert "search reads on the replicas: db-replica replica-2:6432" in done.stdout
    # the default: the option is left alone (every search on the primary)
    default = _run_start(bindir, *show, CKAN_SQLALCHEMY_URL=primary, SACH_SEARCH_REPLICAS="")
    assert default.returncode == 0, default.stderr
    assert default.stdout.splitlines()[-1] == "urls=unset"
    # replicas serve sach_pgsearch: refused with Solr, before anything runs
    solr = _run_start(bindir, *show, CKAN_SQLALCHEMY_URL=primary, SACH_SEARCH_REPLICAS="db-replica",
                      SACH_SEARCH_BACKEND="solr")
    assert solr.returncode != 0 and "SACH_SEARCH_BACKEND=postgresql" in solr.stderr
    assert "urls=" not in solr.stdout


def ckan_compose_plugins() -> str:
    with COMPOSE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)["services"]["ckan"]["environment"]["CKAN__PLUGINS"]


@pytest.mark.unit
def test_entry_point_switches_to_solr_only_when_asked_and_waits_for_it(stub_bin, tmp_path):
    import http.server
    import threading

    bindir, calls = stub_bin
    compose_plugins = ckan_compose_plugins().split()
    pings: list[str] = []

    class Solr(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            pings.append(self.path)
            self.send_response(200 if self.path.startswith("/solr/ckan/admin/ping") else 404)
            self.end_headers()
            self.wfile.write(b'{"status":"OK"}')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Solr)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/solr/ckan"
        done = _run_start(bindir, "web", SACH_SEARCH_BACKEND="solr", CKAN_SOLR_URL=url)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    lines = calls.read_text().splitlines()
    without = " ".join(p for p in compose_plugins if p != "sach_pgsearch")
    assert lines[0] == f"ckan config-tool /srv/app/ckan.ini ckan.plugins = {without}"
    assert lines[1] == "ckan -c /srv/app/ckan.ini db upgrade"
    assert lines[-1].startswith("gunicorn -c /srv/app/src/ckanext-sach/scripts/gunicorn.conf.py")
    assert lines[-1].endswith("ckanext.sach.wsgi:application")
    assert pings and pings[0].startswith("/solr/ckan/admin/ping")

    # the default: sach_pgsearch stays, nobody asks Solr anything
    calls.unlink()
    done = _run_start(bindir, "worker")
    assert done.returncode == 0, done.stderr
    assert calls.read_text().splitlines() == [
        f"ckan config-tool /srv/app/ckan.ini ckan.plugins = {' '.join(compose_plugins)}",
        "ckan -c /srv/app/ckan.ini jobs worker"]

    # Solr asked for but not running (profile not enabled): a clear failure before any migration
    calls.unlink()
    failed = _run_start(bindir, "web", SACH_SEARCH_BACKEND="solr", SACH_SOLR_WAIT="1")
    assert failed.returncode != 0
    assert "profile 'solr'" in failed.stderr
    assert not [c for c in calls.read_text().splitlines() if "db upgrade" in c or c.startswith("gunicorn")]

    wrong = _run_start(bindir, "web", SACH_SEARCH_BACKEND="elastic")
    assert wrong.returncode != 0 and "SACH_SEARCH_BACKEND must be" in wrong.stderr

    # any other command runs after the same plugin set-up (docker compose run ckan ckan ...)
    calls.unlink()
    other = _run_start(bindir, "ckan", "-c", "/srv/app/ckan.ini", "sysadmin", "add", "ana")
    assert other.returncode == 0, other.stderr
    assert calls.read_text().splitlines()[-1] == "ckan -c /srv/app/ckan.ini sysadmin add ana"
