"""Admin forms as a browser would submit them: the values on screen, posted back."""

from django.test import Client
from django.urls import reverse


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(form) -> dict:
    """A bound-ready dict of a form's current values, as a browser would post them."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def change_form(client, rule) -> dict:
    """The rule's change form (and its inlines) as a browser would submit it."""
    response = client.get(reverse("admin:regulations_rule_change", args=[rule.pk]))
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= form_data(formset.management_form)
        for form in formset.forms:
            data |= form_data(form)
    return data


def save(client, rule, data):
    return client.post(reverse("admin:regulations_rule_change", args=[rule.pk]), data)


def revert_url(obj, version) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id])


def revert_form(client, obj, version) -> dict:
    """The form of an old version, as the *Revert* page shows it."""
    response = client.get(revert_url(obj, version))
    assert response.status_code == 200, response.status_code
    return form_data(response.context["adminform"].form)
