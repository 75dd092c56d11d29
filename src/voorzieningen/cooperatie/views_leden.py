"""Member-facing: a contact person confirms or corrects their details through the personal link of the round."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import leden
from .forms_leden import BevestigingForm


@never_cache
def bevestigen(request, token):
    bevestiging = leden.bevestiging_voor(token)
    if bevestiging is None:
        return render(request, "cooperatie/leden/link_ongeldig.html", {"reden": "onbekend"}, status=404)
    if not leden.link_bruikbaar(bevestiging):
        return render(
            request,
            "cooperatie/leden/link_ongeldig.html",
            {"reden": "gesloten", "b": bevestiging, "cooperatie": bevestiging.ronde.cooperatie},
            status=410,
        )
    contactpersoon = bevestiging.contactpersoon
    initial = {veld: getattr(contactpersoon, veld) for veld in leden.CONTACTVELDEN}
    initial.update(niet_meer_contactpersoon=bevestiging.niet_meer_contactpersoon, opmerking=bevestiging.opmerking)
    form = BevestigingForm(request.POST or None, initial=initial, contactpersoon=contactpersoon)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leden.bevestig(
                bevestiging,
                gegevens={veld: data[veld] for veld in leden.CONTACTVELDEN},
                niet_meer_contactpersoon=data["niet_meer_contactpersoon"],
                opmerking=data["opmerking"],
            )
        except leden.ContactpersoonFout as fout:
            form.add_error(None, str(fout))
        else:
            messages.success(request, _("Dank u wel. Uw gegevens zijn bevestigd."))
            return redirect("cooperatie:bevestigen", token=token)
    leden.toon_bevestiging(bevestiging)
    return render(
        request,
        "cooperatie/leden/bevestigen.html",
        {
            "form": form,
            "b": bevestiging,
            "cp": contactpersoon,
            "lid": contactpersoon.lid,
            "cooperatie": bevestiging.ronde.cooperatie,
        },
    )
