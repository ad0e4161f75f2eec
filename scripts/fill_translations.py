"""Fill empty msgstr entries of locale/ja/LC_MESSAGES/django.po from scripts/ja_translations.json.

Usage: python scripts/fill_translations.py   (then `manage.py compilemessages`).
Keeps existing translations; reports msgids still untranslated. Handles single- and multi-line msgids.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale/ja/LC_MESSAGES/django.po"
TABLE = ROOT / "scripts/ja_translations.json"


def unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def main() -> int:
    table: dict[str, str] = json.loads(TABLE.read_text(encoding="utf-8"))
    entries = PO.read_text(encoding="utf-8").split("\n\n")
    missing: list[str] = []
    out = []
    for entry in entries:
        match = re.search(r'^msgid ((?:".*"\n?)+)^msgstr ((?:".*"\n?)+)', entry + "\n", re.M)
        if not match or entry.lstrip().startswith('msgid ""\nmsgstr ""\n"Project'):
            out.append(entry)
            continue
        msgid = unquote(re.findall(r'^(".*")$', match.group(1), re.M))
        msgstr = unquote(re.findall(r'^(".*")$', match.group(2), re.M))
        if not msgid:
            out.append(entry)
            continue
        fuzzy = "#, fuzzy" in entry
        if (not msgstr or fuzzy) and msgid in table:
            head = entry[: match.start()].replace("#, fuzzy\n", "").replace(", fuzzy", "")
            head = re.sub(r"^#\| .*\n", "", head, flags=re.M)
            entry = f"{head}msgid {quote(msgid)}\nmsgstr {quote(table[msgid])}"
        elif not msgstr or fuzzy:
            missing.append(msgid)
        out.append(entry.rstrip("\n"))
    PO.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    for msgid in missing:
        print("untranslated:", msgid)
    print(f"{len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
