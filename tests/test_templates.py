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


def test_a_template_edited_between_two_renders_is_read_again(defaults, tmp_path):
    """The text is cached per version of the file (mtime, size): an edit of the same length is still seen."""
    import os

    own = tmp_path / "templates" / "hello.md"
    own.parent.mkdir()
    own.write_text("Dear {{ name }}\n")
    assert render("hello.md", {"name": "Ada"}, tmp_path) == "Dear Ada\n"
    own.write_text("Hiya {{ name }}\n")  # same size
    st = own.stat()
    os.utime(own, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a distinct mtime even on a coarse clock
    assert render("hello.md", {"name": "Ada"}, tmp_path) == "Hiya Ada\n"
    own.unlink()
    assert render("hello.md", {"name": "Ada"}, tmp_path) == "Hello Ada\n"  # back to the default


def test_a_template_folder_named_like_a_template_is_not_a_template(defaults, tmp_path):
    (tmp_path / "templates" / "hello.md").mkdir(parents=True)
    assert render("hello.md", {"name": "Ada"}, tmp_path) == "Hello Ada\n"
