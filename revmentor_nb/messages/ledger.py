"""Which messages have gone: the workspace's audit log is the ledger (one ``message.send`` event per message).

A message is identified by its purpose and pair (its *key*, e.g. ``intro|E001|E002``); a key
logged as sent is never sent again, however often ``revmentor send`` runs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from revmentor_nb.workspace.workspace import Workspace

SEND_ACTION = "message.send"
RUN_ACTION = "messages.send"


def message_log(ws: "Workspace") -> pd.DataFrame:
    """Every message send attempt: when, who sent it, key, status, template, message id, run (never a body)."""
    log = ws.audit_log()
    log = log[log["action"] == SEND_ACTION]
    detail = log["detail"]
    return pd.DataFrame({"at": log["at"], "who": log["who"], "key": log["target"], "status": log["status"],
                         "template": detail.map(lambda d: d.get("template")),
                         "message_id": detail.map(lambda d: d.get("message_id")),
                         "run": detail.map(lambda d: d.get("run")), "error": log["error"]}).reset_index(drop=True)


def sent_keys(ws: "Workspace") -> set[str]:
    """Keys of every message the server accepted."""
    log = message_log(ws)
    return set(log.loc[log["status"] == "ok", "key"])
