"""Editable templates: the workspace's own copy wins, strict placeholders, HTML escaping."""
from __future__ import annotations

import pytest

from revmentor_nb.io import templates
from revmentor_nb.io.templates import TemplateError, render


@pytest.fixture
def defaults(tmp_path, monkeypatch):
    folder = tmp_path / "defaults"
    folder.mkdir()
    (folder / "hello.md").write_text("Hello {{ name }}\n")
    (folder / "hello.html").write_text("<p>Hello {{ name }}</p>")
    monkeypatch.setattr(templates, "DEFAULTS", folder)
    return folder


def test_default_used_until_the_workspace_has_its_own(defaults, tmp_path):
    ws = tmp_path / "ws"
    assert render("hello.md", {"name": "Ada"}, ws) == "Hello Ada\n"
    assert templates.install_defaults(ws) and (ws / "templates" / "hello.md").exists()
    (ws / "templates" / "hello.md").write_text("Dear {{ name }}\n")
    assert templates.install_defaults(ws) == []  # never overwrites an edited template
    assert render("hello.md", {"name": "Ada"}, ws) == "Dear Ada\n"


def test_missing_placeholder_names_template_and_placeholder(defaults):
    with pytest.raises(TemplateError, match=r"hello\.md.*'name' is undefined"):
        render("hello.md", {})


def test_html_templates_escape_participant_text(defaults):
    assert render("hello.html", {"name": "<script>x</script>"}) == "<p>Hello &lt;script&gt;x&lt;/script&gt;</p>"
    assert render("hello.md", {"name": "<b>"}) == "Hello <b>\n"


def test_unknown_template_and_bad_syntax_are_clear(defaults, tmp_path):
    with pytest.raises(TemplateError, match="no template named 'nope.md'"):
        render("nope.md", {})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "hello.md").write_text("{% if %}")
    with pytest.raises(TemplateError, match="line 1"):
        render("hello.md", {"name": "x"}, tmp_path)
