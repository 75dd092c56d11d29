from django.test import Client

import pytest

from voorzieningen.catalogus.tests.factories import InstellingFactory
from voorzieningen.conftest import verifieer_2fa
from voorzieningen.identiteit.models import User
from voorzieningen.instellingen.models import Instellingsbeheerder


def maak_beheerder(instelling, email="beheer@roc.example", wachtwoord="lang-en-geheim-2026") -> User:
    user = User.objects.create_user(
        username=email, email=email, password=wachtwoord, first_name="Bea", last_name="Heer"
    )
    Instellingsbeheerder.objects.create(user=user, instelling=instelling)
    return user


@pytest.fixture
def instelling(db):
    return InstellingFactory(naam="ROC Eigen")


@pytest.fixture
def andere_instelling(db):
    return InstellingFactory(naam="ROC Ander")


@pytest.fixture
def beheerder(instelling):
    return maak_beheerder(instelling)


@pytest.fixture
def beheer_client(beheerder):
    """An admin past password + TOTP."""
    return verifieer_2fa(Client(), beheerder)
