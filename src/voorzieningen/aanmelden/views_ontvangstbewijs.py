"""Public verification of application receipts.

No login: the people who need to check a receipt (a school, DUO, a dispute committee) have no
account here. The check is pure cryptography on the pasted code, so it reads no database.
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from voorzieningen.core.forms import AccessibleForm

from .ontvangstbewijs import MAX_CODE_LENGTH, OngeldigBewijs, controleer, publieke_sleutel_pem, velden


class ControleForm(AccessibleForm):
    code = forms.CharField(
        label=_("Code van het ontvangstbewijs"),
        max_length=MAX_CODE_LENGTH,
        strip=True,
        help_text=_("Plak de hele code; die begint met MBO1. Spaties en regeleinden uit een PDF maken niet uit."),
        error_messages={
            "required": _("Plak de code van het ontvangstbewijs."),
            "max_length": _("Dit is te lang voor een code van een ontvangstbewijs."),
        },
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off", "autocapitalize": "off"}),
    )
    bewijs = fout = None

    def clean_code(self):
        """Checked during validation, so AccessibleForm links the error message to the textarea."""
        code = self.cleaned_data["code"]
        try:
            self.bewijs = controleer(code)
        except OngeldigBewijs as error:
            if error.code == "sleutel":
                raise  # our configuration, not the visitor's code: a server error that gets logged
            self.fout = error
            raise forms.ValidationError(error.bericht, code=error.code) from None
        return code


@require_http_methods(["GET", "HEAD", "POST"])
def controleren(request):
    """400 for an invalid code, so scripts and monitoring can tell the outcome without parsing HTML."""
    if request.method == "POST":
        form = ControleForm(request.POST)
    elif "code" in request.GET:  # the link printed on the PDF carries the code
        form = ControleForm(request.GET)
    else:
        form = ControleForm()
    bewijs = form.bewijs if form.is_bound and form.is_valid() else None
    context = {
        "form": form,
        "bewijs": bewijs,
        "velden": velden(bewijs) if bewijs else [],
        "fout": form.fout,
        "sleutel_url": _sleutel_url(),
    }
    status = 400 if form.is_bound and bewijs is None else 200
    return render(request, "aanmelden/ontvangstbewijs_controleren.html", context, status=status)


def _sleutel_url() -> str:
    try:
        return reverse("aanmelden:ontvangstbewijs-sleutel")
    except NoReverseMatch:  # the page still works where the key view is not mounted
        return ""


@require_GET
@cache_control(public=True, max_age=3600)
def sleutel(request):
    """The PEM file openssl reads directly, as the documentation's one-liner does."""
    return HttpResponse(publieke_sleutel_pem(), content_type="text/plain; charset=utf-8")
