"""Where the plots find a CJK font when the system has none: the pip-installed one, or a message naming both routes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crawler import plots
from tests.services import require_module

font_manager = require_module("matplotlib.font_manager", "matplotlib not installed (the research extra)")


@pytest.fixture
def no_system_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with matplotlib's own fonts only: no CJK family cached, no CJK file on the system."""
    monkeypatch.delenv(plots.FONT_ENV, raising=False)
    latin_only = [f for f in font_manager.fontManager.ttflist if f.name not in plots.CJK_FAMILIES]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin_only)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])


def fake_font_package(root: Path) -> Path:
    """A stand-in for the `fonts` extra's package: a folder with its font file (any real font file will do)."""
    package = root / plots.PIP_FONT_PACKAGE
    (package / "fonts").mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('the lookup must not import the package')\n")
    some_font = Path(font_manager.findfont("DejaVu Sans", fallback_to_default=True))
    target = package / "fonts" / plots.PIP_FONT_FILES[0]
    shutil.copyfile(some_font, target)
    return target


def test_the_pip_installed_font_is_used_when_the_system_has_none(
    no_system_cjk_font: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = fake_font_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert plots.pip_installed_font() == target
    assert plots.cjk_font() == font_manager.FontProperties(fname=str(target)).get_name()


def test_without_any_font_the_error_says_what_to_install(
    no_system_cjk_font: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plots, "PIP_FONT_PACKAGE", "no_such_font_package_here")
    with pytest.raises(plots.FontNotFound) as caught:
        plots.cjk_font()
    message = str(caught.value)
    assert "apt-get install fonts-noto-cjk" in message
    assert "pip install 'epaper-archive[fonts]'" in message
