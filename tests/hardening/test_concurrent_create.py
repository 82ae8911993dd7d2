"""20 simultaneous ``package_create`` of one name over real HTTP: one is created, 19 get 409."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest

from ckan import model
from ckan.tests import factories

from .fuzzing import base_dataset
from .served import served_site

CLIENTS = 20
ROUNDS = 3


def _post(url: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as err:
        raw = err.read() or b"{}"
        try:
            return err.code, json.loads(raw)
        except ValueError:
            return err.code, {"error": raw[:300].decode("utf-8", "replace")}
    except (urllib.error.URLError, OSError) as err:  # e.g. a timeout on a loaded machine: reported, not lost
        return 599, {"error": repr(err)}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_concurrent_creates_of_one_name_one_wins_rest_409() -> None:
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    token = factories.APIToken(user=sysadmin["name"])["token"]
    with served_site() as base:
        for round_no in range(ROUNDS):
            name = f"carrera-{round_no}"
            results: list[tuple[int, dict[str, Any], str]] = [None] * CLIENTS  # type: ignore[list-item]
            barrier = threading.Barrier(CLIENTS)

            def client(i: int, name: str, barrier: threading.Barrier,
                       results: list[tuple[int, dict[str, Any], str]]) -> None:
                body = base_dataset()
                body.update(name=name, owner_org=org["id"], title=f"Versión del cliente {i}",
                            notes=f"Contenido escrito por el cliente {i}.")
                barrier.wait()
                status, answer = _post(base + "/api/3/action/package_create", token, body)
                results[i] = (status, answer, body["title"])

            threads = [threading.Thread(target=client, args=(i, name, barrier, results)) for i in range(CLIENTS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(180)
            statuses = sorted(r[0] for r in results)
            assert statuses == [200] + [409] * (CLIENTS - 1), statuses
            winner = next(r for r in results if r[0] == 200)
            for status, answer, _ in results:
                if status == 409:
                    assert "ya existe" in json.dumps(answer["error"], ensure_ascii=False).lower(), answer
            model.Session.remove()
            stored = model.Package.by_name(name)
            assert stored is not None
            assert stored.title == winner[2] == winner[1]["result"]["title"]
            assert stored.notes == winner[1]["result"]["notes"]
            assert model.Session.query(model.Package).filter_by(name=name).count() == 1
            # what search finds agrees with the database
            status, found = _post(base + "/api/3/action/package_search", token, {"q": f'name:"{name}"'})
            assert status == 200 and found["result"]["count"] == 1
            assert found["result"]["results"][0]["title"] == winner[2]
