"""A small, exact world to test the rules on: five municipalities at real distances, three institutions."""

from dataclasses import dataclass

import pytest

from voorzieningen.portfolio.models import Regieinstellingen

from .factories import GemeenteFactory, InstellingFactory, KwalificatieFactory


@dataclass
class Wereld:
    utrecht: object
    zeist: object
    amersfoort: object
    groningen: object
    delfzijl: object
    roc_a: object
    roc_b: object
    roc_c: object
    kok: object  # level 2
    ict: object  # level 4


@pytest.fixture
def wereld(db):
    Regieinstellingen.huidig()
    return Wereld(
        utrecht=GemeenteFactory(code="0344", naam="Utrecht", latitude=52.0907, longitude=5.1214),
        zeist=GemeenteFactory(code="0355", naam="Zeist", latitude=52.0894, longitude=5.2372),
        amersfoort=GemeenteFactory(code="0307", naam="Amersfoort", latitude=52.1561, longitude=5.3878),
        groningen=GemeenteFactory(
            code="0014",
            naam="Groningen",
            corop_code="03",
            corop_naam="Overig Groningen",
            latitude=53.2194,
            longitude=6.5665,
        ),
        delfzijl=GemeenteFactory(
            code="1979",
            naam="Eemsdelta",
            corop_code="02",
            corop_naam="Delfzijl en omgeving",
            latitude=53.3300,
            longitude=6.9200,
        ),
        roc_a=InstellingFactory(naam="ROC A", brin="01AA"),
        roc_b=InstellingFactory(naam="ROC B", brin="02BB"),
        roc_c=InstellingFactory(naam="ROC C", brin="03CC"),
        kok=KwalificatieFactory(crebo="25180", naam="Kok", niveau=2, sector="Voedsel, groen en gastvrijheid"),
        ict=KwalificatieFactory(
            crebo="25604", naam="Software developer", niveau=4, sector="ICT en creatieve industrie"
        ),
    )
