"""Admin accounts: invitation (7 days), at most two, password + TOTP, lockout."""

import base64
import datetime
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from voorzieningen.core.models import AuditLogEntry
from voorzieningen.instellingen import services
from voorzieningen.instellingen.models import Instellingsbeheerder, Uitnodiging

from .conftest import maak_beheerder

pytestmark = pytest.mark.django_db
WACHTWOORD = "paard-batterij-nietje-42"


def _link_uit_mail(bericht) -> str:
    return re.search(r"http://\S+/beheer/uitnodiging/\S+/", bericht.body).group(0).split("8000", 1)[1]


def _code(secret_b32: str) -> str:
    return f"{totp(base64.b32decode(secret_b32)):06d}"


def test_staff_invite_in_the_admin_and_the_invitee_sets_password_and_totp(
    admin_client, client, instelling, outbox_direct
):
    response = admin_client.post(
        reverse("admin:instellingen_uitnodiging_add"),
        {"instelling": instelling.pk, "naam": "Ans Beheer", "email": "Ans@ROC.example"},
    )
    assert response.status_code == 302
    [bericht] = mail.outbox
    assert bericht.to == ["ans@roc.example"] and instelling.naam in bericht.subject
    link = _link_uit_mail(bericht)
    uitnodiging = Uitnodiging.objects.get()
    assert uitnodiging.token_hash not in link  # only the hash is stored

    pagina = client.get(link)
    assert pagina.status_code == 200 and "ans@roc.example" in pagina.text
    zwak = client.post(link, {"wachtwoord": "kort", "herhaling": "kort"})
    assert "minstens 12 tekens" in zwak.text and not Instellingsbeheerder.objects.exists()
    response = client.post(link, {"wachtwoord": WACHTWOORD, "herhaling": WACHTWOORD})
    assert response.url == reverse("beheer:2fa-instellen")

    # without 2FA the environment stays closed
    assert client.get(reverse("beheer:aanmeldingen")).url == reverse("beheer:2fa-instellen")

    stap = "beheer_setup_view-current_step"
    generator = client.post(reverse("beheer:2fa-instellen"), {stap: "welcome"})
    assert generator.context["QR_URL"] and 'alt="QR-code' in generator.text
    geheim = generator.context["secret_key"]
    fout = client.post(reverse("beheer:2fa-instellen"), {stap: "generator", "generator-token": "000000"})
    assert fout.status_code == 200 and not TOTPDevice.objects.filter(user__email="ans@roc.example").exists()
    klaar = client.post(reverse("beheer:2fa-instellen"), {stap: "generator", "generator-token": _code(geheim)})
    assert klaar.status_code == 302
    assert client.get(reverse("beheer:aanmeldingen")).status_code == 200
    assert client.get(link).status_code == 410  # used once
    assert AuditLogEntry.objects.filter(reason="Beheeraccount aangemaakt via uitnodiging").exists()


def test_a_third_account_is_refused_with_the_avg_reason(admin_client, instelling, outbox_direct):
    maak_beheerder(instelling, "een@roc.example")
    services.nodig_uit(instelling, "Twee", "twee@roc.example", None)
    with pytest.raises(services.TeveelBeheerders, match="AVG"):
        services.nodig_uit(instelling, "Drie", "drie@roc.example", None)
    response = admin_client.post(
        reverse("admin:instellingen_uitnodiging_add"),
        {"instelling": instelling.pk, "naam": "Drie", "email": "drie@roc.example"},
    )
    assert response.status_code == 200 and "AVG" in response.text
    assert Uitnodiging.objects.count() == 1


def test_a_closed_account_frees_its_place(instelling, outbox_direct):
    een = maak_beheerder(instelling, "een@roc.example")
    maak_beheerder(instelling, "twee@roc.example")
    with pytest.raises(services.TeveelBeheerders):
        services.nodig_uit(instelling, "Drie", "drie@roc.example", None)
    services.trek_account_in(een.instellingsbeheerder, None)
    services.nodig_uit(instelling, "Drie", "drie@roc.example", None)


def test_an_expired_link_says_so_and_lets_the_invitee_ask_for_a_new_one(client, instelling, outbox_direct):
    _uitnodiging, token = services.nodig_uit(instelling, "Ans", "ans@roc.example", None)
    link = reverse("beheer:uitnodiging", args=[token])
    with freeze_time(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        pagina = client.get(link)
        assert pagina.status_code == 410 and "verlopen" in pagina.text
        assert client.post(link, {"wachtwoord": WACHTWOORD, "herhaling": WACHTWOORD}).status_code == 410
        mail.outbox.clear()
        client.post(link, {"actie": "nieuwe-link"})
        client.post(link, {"actie": "nieuwe-link"})  # twice: one request to the service desk
    [verzoek] = mail.outbox
    assert verzoek.to == ["servicedesk@mbovoorzieningen.example"] and "ans@roc.example" in verzoek.body
    assert not Instellingsbeheerder.objects.exists()
    assert client.get(reverse("beheer:uitnodiging", args=["onzin"])).status_code == 404


def test_staff_send_a_new_link_which_voids_the_old_one(admin_client, instelling, outbox_direct):
    oud, oud_token = services.nodig_uit(instelling, "Ans", "ans@roc.example", None)
    admin_client.post(
        reverse("admin:instellingen_uitnodiging_changelist"), {"action": "nieuwe_link", "_selected_action": [oud.pk]}
    )
    assert Uitnodiging.objects.count() == 2
    assert not services.is_bruikbaar(Uitnodiging.objects.get(pk=oud.pk))
    assert services.is_bruikbaar(Uitnodiging.objects.exclude(pk=oud.pk).get())


def _login(client, email, wachtwoord):
    return client.post(
        reverse("beheer:inloggen"),
        {"beheer_login_view-current_step": "auth", "auth-username": email, "auth-password": wachtwoord},
    )


def test_login_needs_password_and_totp_code(client, beheerder):
    device = TOTPDevice.objects.create(user=beheerder, name="default", confirmed=True)
    stap = _login(client, beheerder.email, "lang-en-geheim-2026")
    assert stap.status_code == 200 and "authenticator" in stap.text
    assert client.get(reverse("beheer:aanmeldingen")).status_code == 302  # not yet: password alone
    fout = client.post(
        reverse("beheer:inloggen"), {"beheer_login_view-current_step": "token", "token-otp_token": "123456"}
    )
    assert fout.status_code == 200
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(
        reverse("beheer:inloggen"), {"beheer_login_view-current_step": "token", "token-otp_token": code}
    )
    assert response.status_code == 302
    assert client.get(reverse("beheer:aanmeldingen")).status_code == 200


def test_repeated_wrong_passwords_lock_the_account(client, beheerder, settings):
    TOTPDevice.objects.create(user=beheerder, name="default", confirmed=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, beheerder.email, "fout").status_code == 200
    assert _login(client, beheerder.email, "fout").status_code == 429
    geblokkeerd = _login(client, beheerder.email, "lang-en-geheim-2026")
    assert geblokkeerd.status_code == 429 and "geblokkeerd" in geblokkeerd.text


def test_only_admins_enter_the_environment(client, admin_user):
    from voorzieningen.conftest import verifieer_2fa

    assert client.get(reverse("beheer:start")).status_code == 302
    verifieer_2fa(client, admin_user)  # staff use the admin, not /beheer/
    assert client.get(reverse("beheer:start")).status_code == 403


def test_staff_admin_requires_two_factor(client, admin_user):
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response.url
    assert 'name="auth-username"' in client.get(reverse("maykin_2fa:login")).text  # the two-step login wizard
