"""fileio.TextFiles: many small files written by a background thread; every file lands or the first error is raised."""
from __future__ import annotations

import pytest

from revmentor_nb.fileio import TextFiles


def test_every_queued_file_is_written_with_its_text(tmp_path):
    with TextFiles(batch=7) as out:  # a batch size that leaves a partial batch at the end
        for i in range(100):
            out.write(tmp_path / f"f{i}.md", f"pair {i}\n" + "é" * i)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"f{i}.md" for i in range(100))
    assert all((tmp_path / f"f{i}.md").read_text(encoding="utf-8") == f"pair {i}\n" + "é" * i for i in range(100))


def test_a_file_that_cannot_be_written_raises_when_the_block_ends(tmp_path):
    with pytest.raises(FileNotFoundError):
        with TextFiles(batch=2) as out:
            out.write(tmp_path / "ok.md", "fine")
            out.write(tmp_path / "missing-folder" / "x.md", "lost?")
            out.write(tmp_path / "after.md", "next batch")
    assert (tmp_path / "ok.md").read_text() == "fine"


def test_an_error_in_the_block_itself_is_the_one_raised(tmp_path):
    with pytest.raises(KeyError):
        with TextFiles() as out:
            out.write(tmp_path / "missing-folder" / "x.md", "lost")
            raise KeyError("the caller's own error")
