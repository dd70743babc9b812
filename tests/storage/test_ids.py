"""Numbers people see (#7) are never given to something else (issue: a report #1 again after
/forgetme mixed two reports in the audit log)."""

from __future__ import annotations

import re
from pathlib import Path

import turnout.storage

STORAGE = Path(turnout.storage.__file__).parent

#: Tables whose ids people see and quote, with how a new id stays above every id ever given:
#: reports and proposals are deleted (withdrawn, forgotten, purged), so they number new rows
#: from ``id_floors`` (migration 0019); the others are never deleted, only marked (cancelled,
#: deleted), so SQLite's largest id + 1 is never an id given before.
NUMBERED_BY_FLOOR = {"reports", "proposals"}
NEVER_DELETED = {"actions", "calls", "campaigns"}


def storage_sql() -> str:
    sources = [*STORAGE.glob("*.py"), *(STORAGE / "migrations").glob("*.sql")]
    return "\n".join(path.read_text() for path in sources)


def test_tables_with_visible_numbers_are_never_deleted_from_or_numbered_by_a_floor() -> None:
    sql = storage_sql()
    deleted = set(re.findall(r"DELETE\s+FROM\s+(\w+)", sql, re.IGNORECASE))
    assert not deleted & NEVER_DELETED, (
        "rows of these tables are deleted now: give them an id floor like migration 0019"
    )
    for table in NUMBERED_BY_FLOOR:
        assert f"FROM id_floors WHERE name = '{table}'" in sql
