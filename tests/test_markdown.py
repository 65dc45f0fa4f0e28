"""Agreements and notes become HTML with participant text escaped."""
from revmentor_nb.io.markdown import to_html


def test_headings_bullets_paragraphs_and_escaping():
    out = to_html("# Hi <script>\n- a & b\n- c\n\ntext")
    assert out == "<h2>Hi &lt;script&gt;</h2>\n<ul>\n<li>a &amp; b</li>\n<li>c</li>\n</ul>\n<p>text</p>"


def test_already_escaped_text_is_left_alone():
    assert to_html("## a &amp; b", escape=False) == "<h3>a &amp; b</h3>"
