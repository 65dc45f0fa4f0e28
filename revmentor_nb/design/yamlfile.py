"""Reading and writing program.yaml as a person edits it: strict on the way in, comments kept on the way out.

Reading refuses what a plain-text settings file should never hold, each with its line and a fix:
a file that is not UTF-8 text, YAML anchors and aliases (``&a``/``*a``: a few lines can expand to
gigabytes, the "billion laughs"), a key given twice (YAML would silently keep the last), an
impossible date such as 2026-02-30, and an empty file (silently taking every default would run
a programme nobody designed). Values are read with PyYAML's safe loader (YAML 1.1, as always).

Writing merges the new values into the file as it stands (ruamel.yaml's round trip), so the
comments, key order and layout a person wrote survive a Save from the design form.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from revmentor_nb.errors import ProblemLog

NEW = "make a fresh one with `revmentor new FOLDER` and copy your settings across"


def _decode(raw: bytes, log: ProblemLog) -> str | None:
    """The file's text, or None (with one problem logged) when it is binary or not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        log.add(line, "", None, f"not UTF-8 text (byte 0x{raw[err.start]:02x} at line {line}): a binary file, "
                f"or text saved in another encoding", f"save it as UTF-8 text (Save As > Encoding: UTF-8), or {NEW}")
        return None
    if "\x00" in text:
        log.add(text[: text.index("\x00")].count("\n") + 1, "", None, "a binary file, not YAML text",
                f"program.yaml is a text file: {NEW}")
        return None
    return text


def _no_aliases(text: str, log: ProblemLog) -> None:
    """Log every anchor (&name) and alias (*name): refused rather than expanded."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
            log.add(event.start_mark.line + 1, "", f"{kind}{anchor}", "YAML anchors and aliases are not allowed "
                    "in program.yaml", "write the value out in full where it is used")


def _key_text(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "(complex key)"


def _walk(node: yaml.Node, path: list[str], log: ProblemLog) -> None:
    """Log keys given twice and impossible dates, each with its full key and line."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _key_text(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                log.add(line, ".".join([*path, key]), None,
                        f"key given twice (first at line {seen[key]}); YAML would silently keep only the last",
                        "keep one of the two and delete the other")
            else:
                seen[key] = line
            _walk(value_node, [*path, key], log)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, [*path, str(i)], log)
    elif node.tag == "tag:yaml.org,2002:timestamp":
        try:
            date.fromisoformat(str(node.value)[:10])
        except ValueError:
            log.add(node.start_mark.line + 1, ".".join(path) or "(top level)", node.value,
                    "not a real date", "use a date that exists, as YYYY-MM-DD (e.g. 2026-02-28)")


def read_mapping(path: Path, log: ProblemLog) -> dict[str, Any] | None:
    """program.yaml's content as a dict, or None with the problems logged (the caller raises)."""
    raw = path.read_bytes()
    text = _decode(raw, log)
    if text is None:
        return None
    try:
        _no_aliases(text, log)
        if len(log):
            return None
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        log.add(mark.line + 1 if mark else None, "", None, f"not valid YAML: {getattr(err, 'problem', err)}",
                "fix the indentation or quoting on that line")
        return None
    if root is None:
        log.add(None, "", None, "program.yaml is empty (or holds only comments): no design to run",
                "write the design in it; `revmentor new FOLDER` makes one with every key and its default")
        return None
    if not isinstance(root, yaml.MappingNode):
        log.add(root.start_mark.line + 1, "", root.tag.rsplit(":", 1)[-1],
                "program.yaml must be a mapping of keys to values", "start from `revmentor new`")
        return None
    _walk(root, [], log)
    if len(log):
        return None
    return yaml.safe_load(text)


# ------------------------------------------------------------------------------------------ writing


def _scalar(value: Any) -> Any:
    """A new text value quoted when PyYAML would read it back as something else (``no``, ``1.0``, a date)."""
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    if isinstance(value, str):
        try:
            back = yaml.safe_load(value)
        except yaml.YAMLError:
            back = None
        if back != value:
            return SingleQuotedScalarString(value)
    return value


def _fresh(value: Any) -> Any:
    if isinstance(value, dict):
        from ruamel.yaml.comments import CommentedMap

        return CommentedMap((k, _fresh(v)) for k, v in value.items())
    if isinstance(value, list):
        from ruamel.yaml.comments import CommentedSeq

        return CommentedSeq(_fresh(v) for v in value)
    return _scalar(value)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, date) and isinstance(new, str):
        return old.isoformat() == new
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in new)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new))
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    return old == new


def _merge(into: Any, new: dict[str, Any]) -> None:
    """Update a round-trip mapping in place: changed values replaced, gone keys removed, order and comments kept."""
    for key in [k for k in into if k not in new]:
        del into[key]
    for key, value in new.items():
        if key in into and isinstance(value, dict) and isinstance(into[key], dict):
            _merge(into[key], value)
        elif key not in into or not _same(into[key], value):
            into[key] = _fresh(value)


WIDTH = 4096  # no line folding: both writers (PyYAML's dump and this round trip) leave a long value on one line


def _null_representer() -> type:
    from ruamel.yaml.representer import RoundTripRepresenter

    class NullAsNull(RoundTripRepresenter):
        """Writes None as ``null``, as PyYAML does (ruamel writes nothing), so an unchanged null stays byte for byte."""

    NullAsNull.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return NullAsNull


def merged_text(old_text: str, data: dict[str, Any]) -> str | None:
    """``data`` written over the YAML document ``old_text`` keeping its comments; None if that cannot be done."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError as RuamelError

    rt = YAML(typ="rt")
    rt.Representer = _null_representer()
    rt.preserve_quotes = True
    rt.width = WIDTH
    try:
        doc = rt.load(old_text)
    except (RuamelError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    _merge(doc, data)
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()
