"""A mistake a person can fix shows in a notebook as its message, not as a stack of code."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from revmentor_nb.errors import InputError, UserError
from revmentor_nb.workspace.workspace import WorkspaceError


def test_user_errors_render_as_one_line():
    err = WorkspaceError("nothing imported yet; import the sign-ups with the wizard above")
    lines = err._render_traceback_()
    assert len(lines) == 1 and "nothing imported yet" in lines[0] and "Traceback" not in lines[0]
    assert issubclass(InputError, UserError) and issubclass(InputError, ValueError)
    assert isinstance(err, RuntimeError)  # existing `except RuntimeError` handlers still catch it


@pytest.mark.notebook
def test_a_notebook_cell_shows_the_message_and_run_all_still_stops(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from revmentor_nb import Workspace\n"
                                  f"ws = Workspace.create({str(tmp_path / 'ws')!r})\n"
                                  "people = ws.require('participants')"),
        nbformat.v4.new_code_cell("print('should not run')"),
    ])
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False)
    with pytest.raises(Exception):
        client.execute()
    error = nb.cells[0].outputs[-1]
    assert error["output_type"] == "error" and error["ename"] == "WorkspaceError"
    shown = "\n".join(error["traceback"])
    assert "Traceback" not in shown and "File " not in shown and "participants" in shown
    assert len(error["traceback"]) == 1
    assert not nb.cells[1].get("outputs")  # Run All stopped at the mistake
