"""The suite's shared fixtures live in one plugin, :mod:`tests.support.fixtures`."""

pytest_plugins = ["tests.support.fixtures"]
