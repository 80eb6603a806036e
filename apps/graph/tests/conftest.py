import pytest

from apps.orders.tests.conftest import make_menu
from tests.workspace import api


@pytest.fixture
def menu(db):
    """The orders tests' menu on alpha (bibimbap with options, tea)."""
    return make_menu()


@pytest.fixture
def owner(db):
    """alpha's owner, with a token, through the REST login."""
    return api("alpha", "owner@alpha.test")
