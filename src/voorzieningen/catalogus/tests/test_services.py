import pytest


@pytest.mark.django_db
def test_is_portal_opleiding_agrees_with_portal_opleidingen():
    from voorzieningen.catalogus.models import RioType
    from voorzieningen.catalogus.services import is_portal_opleiding, portal_opleidingen
    from voorzieningen.catalogus.tests.factories import AanbiederFactory, OpleidingFactory

    open_ = OpleidingFactory()
    eigen = OpleidingFactory(aanbieder=AanbiederFactory(rio_type=RioType.AANMELDEN))
    gewhitelist = OpleidingFactory()
    niet_gewhitelist = OpleidingFactory(aanbieder=gewhitelist.aanbieder)
    instelling = gewhitelist.aanbieder.instelling
    instelling.whitelist_actief = True
    instelling.save()
    instelling.whitelist.add(gewhitelist)
    for opleiding in (open_, eigen, gewhitelist, niet_gewhitelist):
        opleiding.refresh_from_db()
        assert is_portal_opleiding(opleiding) == portal_opleidingen().filter(pk=opleiding.pk).exists()
