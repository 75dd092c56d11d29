"""Walk the wizard through the Django test client, as a student without JavaScript would."""

from django.urls import reverse

from voorzieningen.aanmelden.models import Concept


def start(client, cohort, **params):
    query = {"cohort": cohort.code, **params}
    response = client.get(reverse("aanmelden:start", args=[cohort.opleiding.code]), query)
    assert response.status_code == 302, response.content[:500]
    token = response["Location"].split("/")[2]  # /aanmelden/<token>/<stap>/
    return Concept.objects.get(token=token), response


def post_stap(client, concept, stap, data=None):
    return client.post(reverse("aanmelden:stap", args=[concept.token, stap]), data or {})


def doorloop(client, cohort, *, ouders=None, adres=None, toegangscode=None, **params):
    """All steps up to the summary; returns the draft."""
    concept, _ = start(client, cohort, **params)
    assert client.get(reverse("aanmelden:stap", args=[concept.token, "persoonsgegevens"])).status_code == 200
    assert post_stap(client, concept, "persoonsgegevens", adres).status_code == 302
    assert (
        post_stap(client, concept, "contact", {"email": "student@example.nl", "telefoon": "0612345678"}).status_code
        == 302
    )
    assert post_stap(client, concept, "ouders", ouders or {}).status_code == 302
    assert post_stap(client, concept, "vooropleiding").status_code == 302
    if cohort.opleiding.leertraject in {"BBL", "CBL", "CBL_DT"}:
        assert post_stap(client, concept, "leerbedrijf", {"leerbedrijf": ""}).status_code == 302
    if cohort.toegangscode:
        assert post_stap(client, concept, "toegangscode", {"toegangscode": toegangscode}).status_code == 302
    concept.refresh_from_db()
    return concept


def indienen(client, concept):
    return client.post(reverse("aanmelden:indienen", args=[concept.token]))
