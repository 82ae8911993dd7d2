"""Files sent to package_create: a clear 409 in Spanish, never a 500, nothing written."""
from __future__ import annotations

import io
import json

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from tests.factories import dataset_payload
from tests.helpers import sysadmin_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _form(org_id: str) -> dict:
    form = {k: json.dumps(v) if isinstance(v, (list, dict)) else v
            for k, v in dataset_payload(name="con-archivo", owner_org=org_id, resources=None).items()}
    form.update(resources__0__name="Datos", resources__0__format="CSV",
                resources__0__upload=(io.BytesIO(b"folio,monto\n1,10\n"), "datos.csv"))
    return form


def test_multipart_package_create_with_a_file_gets_a_409(app):
    org = factories.Organization()
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    res = app.post("/api/3/action/package_create", headers={"Authorization": token},
                   data=_form(org["id"]), content_type="multipart/form-data")
    assert res.status_code == 409
    assert "resource_create" in res.json["error"]["resources__0__upload"][0]
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("package_show")({"ignore_auth": True}, {"id": "con-archivo"})


def test_file_inside_resources_of_package_create_is_refused_clearly():
    org = factories.Organization()
    data = dataset_payload(name="con-archivo", owner_org=org["id"])
    data["resources"][0].update(url="", upload=FileStorage(io.BytesIO(b"folio,monto\n1,10\n"), "datos.csv"))
    with pytest.raises(tk.ValidationError) as err:
        tk.get_action("package_create")(sysadmin_context(), data)
    assert "recurso por recurso" in err.value.error_dict["resources"][0]


def test_the_documented_way_works(app):
    org = factories.Organization()
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    data = dataset_payload(name="con-archivo", owner_org=org["id"], resources=[])
    assert app.post("/api/3/action/package_create", headers={"Authorization": token}, json=data).status_code == 200
    res = app.post("/api/3/action/resource_create", headers={"Authorization": token},
                   data={"package_id": "con-archivo", "name": "Datos", "format": "CSV",
                         "upload": (io.BytesIO(b"folio,monto\n1,10\n"), "datos.csv")},
                   content_type="multipart/form-data")
    assert res.status_code == 200, res.json
    assert res.json["result"]["url_type"] == "upload"
