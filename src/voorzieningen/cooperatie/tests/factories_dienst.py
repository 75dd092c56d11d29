"""Factories for services, tariffs, invoices, contracts and service management (members come from ``factories``)."""

import datetime
from decimal import Decimal

import factory

from voorzieningen.catalogus.tests.factories import InstellingFactory
from voorzieningen.cooperatie.models import (
    Afname,
    Contract,
    Deelnemertelling,
    Dienst,
    Facturatiegegevens,
    Factuurgegevens,
    Leverancier,
    Tarief,
    Tariefcomponent,
)

from .factories import CooperatieFactory, LidFactory


class DienstFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dienst

    cooperatie = factory.SubFactory(CooperatieFactory)
    code = factory.Sequence(lambda n: f"dienst-{n}")
    naam = factory.Sequence(lambda n: f"Dienst {n}")
    volgorde = factory.Sequence(lambda n: n)


class AfnameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Afname

    lid = factory.SubFactory(LidFactory)
    dienst = factory.LazyAttribute(lambda o: DienstFactory(cooperatie=o.lid.cooperatie))
    begindatum = datetime.date(2020, 1, 1)


class TariefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tarief

    dienst = factory.SubFactory(DienstFactory)
    jaar = 2021


class TariefcomponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariefcomponent

    tarief = factory.SubFactory(TariefFactory)
    soort = Tariefcomponent.Soort.VAST
    omschrijving = "Vaste bijdrage"
    prijs = Decimal("850.00")


class DeelnemertellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deelnemertelling

    lid = factory.SubFactory(LidFactory)
    jaar = 2019
    bol = 10000
    bbl = 2000


class FacturatiegegevensFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facturatiegegevens
        django_get_or_create = ("cooperatie",)

    cooperatie = factory.SubFactory(CooperatieFactory)
    rechtsnaam = "Coöperatie Mbo Voorzieningen U.A."
    straat = "Houtsingel 5"
    postcode = "2719 EA"
    plaats = "Zoetermeer"
    kvk_nummer = "76543210"
    btw_nummer = "NL123456789B01"
    iban = "NL91ABNA0417164300"
    bic = "ABNANL2A"
    email = "facturen@mbovoorzieningen.example"
    nummer_voorvoegsel = "MBOV-"


class FactuurgegevensFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Factuurgegevens
        django_get_or_create = ("lid",)

    lid = factory.SubFactory(LidFactory)
    ter_attentie_van = "Crediteurenadministratie"
    straat = "Schoolstraat 1"
    postcode = "3511 AB"
    plaats = "Utrecht"
    kvk_nummer = "12345678"
    email = factory.Sequence(lambda n: f"crediteuren{n}@lid.example")


class LeverancierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leverancier

    naam = factory.Sequence(lambda n: f"Leverancier {n} B.V.")
    kvk_nummer = "87654321"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    cooperatie = factory.SubFactory(CooperatieFactory)
    leverancier = factory.SubFactory(LeverancierFactory)
    onderwerp = factory.Sequence(lambda n: f"Ontwikkeling en beheer {n}")
    ingangsdatum = datetime.date(2020, 1, 1)


def mbo_lid(cooperatie, *, naam: str = "ROC Test", brin: str | None = None, **kwargs):
    """A member with an mbo institution (BRIN) and complete invoice details."""
    instelling = InstellingFactory(**({"brin": brin} if brin else {}))
    lid = LidFactory(cooperatie=cooperatie, naam=naam, instelling=instelling, **kwargs)
    FactuurgegevensFactory(lid=lid)
    return lid
