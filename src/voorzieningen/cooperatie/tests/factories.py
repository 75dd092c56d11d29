"""Factories for members and the general assembly (B's tests import ``CooperatieFactory`` and ``LidFactory``)."""

import datetime

from django.utils import timezone

import factory

from voorzieningen.cooperatie.models import (
    Agendapunt,
    Bestuurslid,
    Contactpersoon,
    Cooperatie,
    Kamer,
    Lid,
    LidSoort,
    Orgaan,
    Raadszetel,
    Stem,
    Vergadering,
    Voorstel,
)


class CooperatieFactory(factory.django.DjangoModelFactory):
    """The mbo cooperative's rules unless told otherwise."""

    class Meta:
        model = Cooperatie
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cooperatie-{n}")
    naam = factory.Sequence(lambda n: f"Coöperatie {n}")
    toegestane_soorten = factory.LazyFunction(lambda: [LidSoort.MBO_INSTELLING.value])
    vereist_publieke_bekostiging = True
    vereist_mbo_raad_lidmaatschap = True
    vereist_aanbestedende_dienst = True


class PoVoCooperatieFactory(CooperatieFactory):
    toegestane_soorten = factory.LazyFunction(
        lambda: [LidSoort.PO_BESTUUR.value, LidSoort.VO_BESTUUR.value, LidSoort.PO_VO_BESTUUR.value]
    )
    vereist_mbo_raad_lidmaatschap = False
    hoogste_orgaan = Orgaan.LEDENRAAD
    raad_omvang = 36


class KamerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kamer

    cooperatie = factory.SubFactory(PoVoCooperatieFactory)
    code = factory.Sequence(lambda n: f"kamer-{n}")
    naam = factory.Sequence(lambda n: f"Kamer {n}")
    zetels = 9
    soorten = factory.LazyFunction(lambda: [LidSoort.PO_BESTUUR.value])


class LidFactory(factory.django.DjangoModelFactory):
    """A member in good standing since 2020 (facts that meet the mbo cooperative's conditions)."""

    class Meta:
        model = Lid

    cooperatie = factory.SubFactory(CooperatieFactory)
    naam = factory.Sequence(lambda n: f"ROC Lid {n}")
    begindatum = datetime.date(2020, 1, 1)
    soort = LidSoort.MBO_INSTELLING
    publiek_bekostigd = True
    mbo_raad_lid = True
    aanbestedende_dienst = True


class ContactpersoonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contactpersoon

    lid = factory.SubFactory(LidFactory)
    naam = factory.Sequence(lambda n: f"Contact {n}")
    functie = "Informatiemanager"
    email = factory.Sequence(lambda n: f"contact{n}@lid.example")
    telefoon = "030 123 45 67"


class VertegenwoordigerFactory(ContactpersoonFactory):
    av_vertegenwoordiger = True
    primair = True


class VergaderingFactory(factory.django.DjangoModelFactory):
    """A planned meeting a month ahead: advance voting is open."""

    class Meta:
        model = Vergadering

    cooperatie = factory.SubFactory(CooperatieFactory)
    aanvang = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    locatie = "Utrecht"


class AgendapuntFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agendapunt

    vergadering = factory.SubFactory(VergaderingFactory)
    volgnummer = factory.Sequence(lambda n: n + 1)
    titel = factory.Sequence(lambda n: f"Agendapunt {n}")


class VoorstelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voorstel

    vergadering = factory.SubFactory(VergaderingFactory)
    titel = factory.Sequence(lambda n: f"Voorstel {n}")


class StemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stem

    voorstel = factory.SubFactory(VoorstelFactory)
    lid = factory.SubFactory(LidFactory)
    keuze = Stem.Keuze.VOOR
    wijze = Stem.Wijze.VOORAF


class RaadszetelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Raadszetel

    kamer = factory.SubFactory(KamerFactory)
    lid = factory.LazyAttribute(
        lambda o: LidFactory(cooperatie=o.kamer.cooperatie, soort=o.kamer.soorten[0], kamer=o.kamer, mbo_raad_lid=False)
    )
    contactpersoon = factory.LazyAttribute(lambda o: VertegenwoordigerFactory(lid=o.lid))
    begindatum = datetime.date(2020, 1, 1)


class BestuurslidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bestuurslid

    cooperatie = factory.SubFactory(CooperatieFactory)
    lid = factory.LazyAttribute(lambda o: LidFactory(cooperatie=o.cooperatie))
    contactpersoon = factory.LazyAttribute(lambda o: VertegenwoordigerFactory(lid=o.lid))
    naam = factory.LazyAttribute(lambda o: o.contactpersoon.naam)
    benoemd_bij = factory.LazyAttribute(
        lambda o: VoorstelFactory(
            vergadering=VergaderingFactory(cooperatie=o.cooperatie),
            soort=Voorstel.Soort.BENOEMING,
            kandidaat=o.contactpersoon,
            status=Voorstel.Status.GESLOTEN,
            uitslag=Voorstel.Uitslag.AANGENOMEN,
        )
    )
    begindatum = datetime.date(2024, 1, 1)
