import datetime
import uuid

import factory

from voorzieningen.catalogus.models import (
    AangebodenOpleiding,
    Cohort,
    Instelling,
    Kwalificatie,
    Leertraject,
    Onderwijsaanbieder,
    Onderwijslocatie,
    RioType,
)


class InstellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instelling

    brin = factory.Sequence(lambda n: f"{n % 100:02d}{chr(65 + n // 100 % 26)}{chr(65 + n // 2600 % 26)}")
    naam = factory.Sequence(lambda n: f"ROC Test {n}")


class AanbiederFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Onderwijsaanbieder

    code = factory.Sequence(lambda n: f"{n % 1000:03d}A{n // 1000:03d}")
    naam = factory.SelfAttribute("instelling.naam")
    instelling = factory.SubFactory(InstellingFactory)
    rio_type = RioType.CENTRAAL_AANMELDEN_MBO


class LocatieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Onderwijslocatie

    code = factory.Sequence(lambda n: f"{n % 1000:03d}X{n // 1000:03d}")
    straatnaam = "Schoolstraat"
    huisnummer = "1"
    postcode = "3511AB"
    plaatsnaam = "Utrecht"
    gemeentecode = "0344"


class KwalificatieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kwalificatie

    crebo = factory.Sequence(lambda n: f"{25000 + n}")
    naam = factory.Sequence(lambda n: f"Kwalificatie {n}")
    niveau = 3


class OpleidingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AangebodenOpleiding

    code = factory.LazyFunction(lambda: str(uuid.uuid4()))
    aanbieder = factory.SubFactory(AanbiederFactory)
    locatie = factory.SubFactory(LocatieFactory)
    kwalificatie = factory.SubFactory(KwalificatieFactory)
    wervingsnaam = factory.SelfAttribute("kwalificatie.naam")
    leertraject = Leertraject.BOL
    niveau = factory.SelfAttribute("kwalificatie.niveau")
    zoektekst = factory.LazyAttribute(
        lambda o: AangebodenOpleiding.build_zoektekst(o.wervingsnaam, o.kwalificatie.crebo, o.kwalificatie.naam)
    )


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    opleiding = factory.SubFactory(OpleidingFactory)
    code = factory.Sequence(lambda n: f"2027-{n:04d}")
    begindatum = datetime.date(2027, 9, 1)
    aanmelden_vanaf = datetime.date(2026, 10, 1)
    aanmelden_tot = datetime.date(2027, 8, 31)
