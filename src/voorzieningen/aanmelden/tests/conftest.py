import pytest

from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.identiteit.models import User


def make_student(bsn: str) -> User:
    return User.objects.create(username=User.username_for_bsn(bsn), bsn=bsn)


@pytest.fixture
def student(db):
    return make_student("999990019")  # has prior education at DUO


@pytest.fixture
def minderjarige(db):
    return make_student("999990032")


@pytest.fixture
def geheim(db):
    return make_student("999990020")


@pytest.fixture
def cohort(db):
    return CohortFactory()


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture(autouse=True)
def _outbox(outbox_direct):
    """E-mails of the journey are delivered within the test."""
