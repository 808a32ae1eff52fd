"""The SMS tests link phones with the phones fixtures."""

from tests.phones.conftest import link

__all__ = ["link"]
