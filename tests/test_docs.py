"""The README documents what exists: every setting and every form."""

from __future__ import annotations

import re
from pathlib import Path

from api.settings import Settings
from forms import all_forms

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def test_every_setting_is_in_the_readme() -> None:
    missing = [f"QUJAT_{name.upper()}" for name in Settings.model_fields
               if not re.search(rf"`QUJAT_{name.upper()}[`=]", README)]  # fmt: skip
    assert not missing


def test_every_form_is_in_the_forms_table() -> None:
    section = README[README.index("## Forms") : README.index("## Command line")]
    listed = set(re.findall(r"`([a-z0-9-]+)`", section))
    assert {f.id for f in all_forms()} <= listed
