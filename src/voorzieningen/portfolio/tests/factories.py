import datetime

import factory

from voorzieningen.catalogus.models import AangebodenOpleiding, Onderwijslocatie
from voorzieningen.catalogus.tests.factories import (
    AanbiederFactory,
    InstellingFactory,
    KwalificatieFactory,
    LocatieFactory,
    OpleidingFactory,
)
from voorzieningen.core.models import Gemeente
from voorzieningen.portfolio.models import Bevolking, Commissielid, Inschrijving, Lidmaatschap

__all__ = ["InstellingFactory", "KwalificatieFactory", "bied_aan", "GemeenteFactory", "CommissielidFactory"]


class GemeenteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gemeente
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n}")
    naam = factory.Sequence(lambda n: f"Gemeente {n}")
    corop_code = "17"
    corop_naam = "Utrecht"
    latitude = 52.09
    longitude = 5.12


class CommissielidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commissielid

    naam = factory.Sequence(lambda n: f"Bestuurder {n}")
    rol = Commissielid.Rol.LID
    instelling = factory.SubFactory(InstellingFactory)


class LidmaatschapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lidmaatschap

    instelling = factory.SubFactory(InstellingFactory)
    lid_sinds = datetime.date(2020, 1, 1)


def locatie_in(instelling, gemeente: Gemeente, lat=None, lon=None) -> Onderwijslocatie:
    """The institution's location in a municipality (one per institution and municipality)."""
    bestaand = Onderwijslocatie.objects.filter(
        gemeentecode=gemeente.code, opleidingen__aanbieder__instelling=instelling
    ).first()
    if bestaand is not None:
        return bestaand
    return LocatieFactory(
        gemeentecode=gemeente.code,
        plaatsnaam=gemeente.naam,
        latitude=gemeente.latitude if lat is None else lat,
        longitude=gemeente.longitude if lon is None else lon,
    )


def bied_aan(instelling, kwalificatie, gemeente, leertraject="BOL", **kwargs) -> AangebodenOpleiding:
    aanbieder = instelling.aanbieders.first() or AanbiederFactory(instelling=instelling)
    return OpleidingFactory(
        aanbieder=aanbieder,
        kwalificatie=kwalificatie,
        locatie=kwargs.pop("locatie", None) or locatie_in(instelling, gemeente),
        leertraject=leertraject,
        **kwargs,
    )


def schrijf_in(opleiding: AangebodenOpleiding, jaar: int, aantal: int) -> Inschrijving:
    return Inschrijving.objects.create(
        schooljaar=jaar,
        instelling=opleiding.aanbieder.instelling,
        onderwijslocatiecode=opleiding.locatie.code,
        gemeentecode=opleiding.locatie.gemeentecode,
        kwalificatie=opleiding.kwalificatie,
        leertraject=opleiding.leertraject,
        aantal=aantal,
    )


def bevolking(gemeente, jaar: int, aantal: int, klasse="15-19") -> Bevolking:
    return Bevolking.objects.create(gemeente=gemeente, jaar=jaar, leeftijdsklasse=klasse, aantal=aantal)
