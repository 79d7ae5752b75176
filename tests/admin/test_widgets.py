"""No relation widget (select, raw id, autocomplete) hints at another operator's objects, for every ModelAdmin."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.test import RequestFactory

from dsar.admin.scoping import operator_path_for
from dsar.models import Role
from tests.admin.conftest import otp_login
from tests.factories import staff_user


def _admins():
    return [(model, ma) for model, ma in admin.site._registry.items() if model._meta.app_label == "dsar"]


def _request_as(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def _is_b(obj, b_operator_id) -> bool:
    path = operator_path_for(type(obj))
    if path is None:
        return False
    value = obj
    for part in path.split("__"):
        value = getattr(value, part.removesuffix("_id") if part.endswith("_id") and part != "id" else part, None)
        if value is None:
            return False
    return getattr(value, "pk", value) == b_operator_id


def _forms_of(model_admin, request):
    """The ModelAdmin's own form and its inlines' forms, for adding and for the first own object."""
    if model_admin.opts.model_name == "recordedrequest":
        # Its page is a form of its own, offered only the operators where the user records requests.
        from dsar.recording.admin import recording_operators
        from dsar.recording.forms import RecordRequestForm

        operators = recording_operators(request.user)
        return [type("Bound", (RecordRequestForm,), {"base_fields": RecordRequestForm(operators=operators).fields})]
    found = [model_admin.get_form(request)]
    for inline in model_admin.get_inline_instances(request):
        found.append(inline.get_formset(request).form)
    return found


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("model_name", sorted(m._meta.model_name for m, _ma in _admins()))
def test_it_offers_no_object_of_another_operator_in_any_relation_field(op_a, b_objects, role, model_name):
    user = staff_user(op_a, role)
    model, model_admin = next((m, ma) for m, ma in _admins() if m._meta.model_name == model_name)
    request = _request_as(user)
    b_id = b_objects["operator"].pk
    b_request = b_objects["request"]
    for form_class in _forms_of(model_admin, request):
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            leaked = [
                str(obj)
                for obj in field.queryset
                if _is_b(obj, b_id) or obj == b_objects["operator"] or obj == b_objects["membership"].user
            ]
            assert leaked == [], (model_name, name)
            if isinstance(field.widget, ForeignKeyRawIdWidget):
                shown = field.widget.render(
                    name, b_request.pk if field.queryset.model is type(b_request) else b_objects["operator"].pk
                )
                assert b_request.reference not in shown and "Bravo" not in shown, (model_name, name)


def test_it_does_not_show_another_operators_reference_in_the_raw_id_widget(client, op_a, b_objects):
    otp_login(client, staff_user(op_a, Role.CASEWORKER))
    b_ref = b_objects["request"].reference
    page = client.get(f"/admin/dsar/accessrecord/add/?request={b_objects['request'].pk}")
    assert page.status_code == 200
    assert b_ref not in page.content.decode()


def _relation_fields():
    for model, _ma in _admins():
        for field in model._meta.get_fields():
            if field.many_to_one and field.concrete and field.related_model in admin.site._registry:
                yield model._meta.model_name, field.name


@pytest.mark.parametrize("model_name, field_name", sorted(set(_relation_fields())))
def test_it_keeps_every_autocomplete_inside_the_operators_of_the_user(client, op_a, b_objects, model_name, field_name):
    otp_login(client, staff_user(op_a, Role.DPO))
    for term in ("", b_objects["request"].reference, "Bravo", b_objects["membership"].user.username):
        response = client.get(
            "/admin/autocomplete/",
            {"app_label": "dsar", "model_name": model_name, "field_name": field_name, "term": term},
        )
        if response.status_code != 200:
            assert response.status_code in (403, 404)
            continue
        ids = {str(row["id"]) for row in response.json()["results"]}
        b_ids = {
            str(b_objects[k].pk)
            for k in ("request", "operator", "policy", "membership", "override", "message", "attachment", "letter")
        }
        texts = " ".join(row["text"] for row in response.json()["results"])
        assert not (ids & b_ids and b_objects["request"].reference in texts), (model_name, field_name, term)
        assert "Bravo" not in texts and b_objects["request"].reference not in texts, (model_name, field_name, term)
