"""What several unit tests of views share: the catalogs, and an English translator."""

from __future__ import annotations

import pytest

from turnout.i18n import Catalogs, Translator


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs("en")


@pytest.fixture
def t(catalogs: Catalogs) -> Translator:
    return catalogs.translator("en")
