"""Every public rule function documents itself and cites its source paragraph."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

MODULES = [
    "applications",
    "calendar",
    "categories",
    "commission",
    "consistency",
    "direct_awards",
    "essay",
    "scoring",
    "validity",
]
CITES = re.compile(r"seed 00[1-4]|§\d|App\. \d")
# Helpers that are not rules of the procedure themselves.
NOT_RULES = {"name_of", "kind_of", "load_transfers", "count_words", "add_years"}


@pytest.mark.parametrize("module", MODULES)
def test_public_functions_cite_paragraph(module: str) -> None:
    mod = importlib.import_module(f"forms.rules.{module}")
    assert mod.__doc__ and CITES.search(mod.__doc__)
    for name in mod.__all__:
        obj = getattr(mod, name)
        if inspect.isfunction(obj) and name not in NOT_RULES:
            assert obj.__doc__, f"{module}.{name} has no docstring"
            assert CITES.search(obj.__doc__), f"{module}.{name} cites no paragraph"


@pytest.mark.parametrize("module", MODULES)
def test_no_http_or_database(module: str) -> None:
    source = inspect.getsource(importlib.import_module(f"forms.rules.{module}"))
    for banned in ("fastapi", "sqlalchemy", "starlette", "pydantic", "date.today", "now()"):
        assert banned not in source
