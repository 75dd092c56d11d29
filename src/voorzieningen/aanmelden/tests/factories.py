"""Factories for applications made without walking the wizard (admin screens, analytics, reconciliation)."""

import uuid

from django.utils import timezone

import factory

from voorzieningen.aanmelden.models import Aanmelder, Aanmelding, schooljaar_van
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.identiteit.models import User


class AanmelderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aanmelder

    user = factory.LazyFunction(lambda: User.objects.create(username=f"student-{uuid.uuid4().hex[:12]}"))
    persoon = factory.Dict({"voornamen": "Sam", "achternaam": "Jansen"})
    email = "sam@example.org"


class AanmeldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aanmelding

    keten_id = factory.Sequence(lambda n: str(9100000000 + n))
    indien_token = factory.LazyFunction(uuid.uuid4)
    aanmelder = factory.SubFactory(AanmelderFactory)
    cohort = factory.SubFactory(CohortFactory)
    opleiding = factory.SelfAttribute("cohort.opleiding")
    onderwijsaanbieder = factory.SelfAttribute("opleiding.aanbieder")
    instelling = factory.SelfAttribute("onderwijsaanbieder.instelling")
    crebo = factory.SelfAttribute("opleiding.kwalificatie.crebo")
    leertraject = factory.SelfAttribute("opleiding.leertraject")
    status = Status.SUBMITTED
    ingediend_op = factory.LazyFunction(timezone.now)
    status_gewijzigd_op = factory.SelfAttribute("ingediend_op")
    schooljaar = factory.LazyAttribute(lambda o: schooljaar_van(o.cohort.begindatum))
    gegevens = factory.LazyAttribute(
        lambda o: {"persoon": {"bsn": "", "voornamen": "Sam", "achternaam": "Jansen"}} if o.aanmelder else {}
    )
