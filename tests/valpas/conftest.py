"""Valpas tests use the API client fixtures of tests/api."""

from tests.api.conftest import client, gql

__all__ = ["client", "gql"]
