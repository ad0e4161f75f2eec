"""Fill empty or fuzzy msgstr entries of locale/ja/LC_MESSAGES/django.po from the Japanese tables.

The tables are scripts/ja_translations.json plus every scripts/ja_translations/*.json (one per area,
so that work on different features does not edit the same file).

Usage: python scripts/fill_translations.py   (then `manage.py compilemessages`).
The table maps each English msgid (for plurals: the singular) to its Japanese translation; Japanese
has one plural form, so msgstr[0] gets it. Prints the msgids still untranslated.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale/ja/LC_MESSAGES/django.po"
TABLES = [ROOT / "scripts/ja_translations.json", *sorted((ROOT / "scripts/ja_translations").glob("*.json"))]
FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def parse(entry: str) -> tuple[list[str], dict[str, str]]:
    """Comment lines and {field: text} of one PO entry (continuation lines joined)."""
    comments, fields, current = [], {}, None
    for line in entry.splitlines():
        match = FIELD.match(line)
        if match:
            current = match.group(1)
            fields[current] = json.loads(match.group(2))
        elif line.startswith('"') and current:
            fields[current] += json.loads(line)
        else:
            comments.append(line)
    return comments, fields


def render(comments: list[str], fields: dict[str, str]) -> str:
    lines = list(comments)
    for name, text in fields.items():
        lines.append(f"{name} {json.dumps(text, ensure_ascii=False)}")
    return "\n".join(lines)


def load_table() -> dict[str, str]:
    """Every table merged; the same English text must not get two different translations."""
    table: dict[str, str] = {}
    for path in TABLES:
        for msgid, msgstr in json.loads(path.read_text(encoding="utf-8")).items():
            if table.get(msgid, msgstr) != msgstr:
                raise SystemExit(f"{path.name}: {msgid!r} translated differently elsewhere")
            table[msgid] = msgstr
    return table


def main() -> int:
    table = load_table()
    out, missing = [], []
    for entry in PO.read_text(encoding="utf-8").strip("\n").split("\n\n"):
        comments, fields = parse(entry)
        msgid = fields.get("msgid", "")
        target = "msgstr[0]" if "msgid_plural" in fields else "msgstr"
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in comments)
        if not msgid or (fields.get(target) and not fuzzy):
            out.append(entry)
            continue
        if msgid not in table:
            missing.append(msgid)
            out.append(entry)
            continue
        comments = [line for line in comments if not line.startswith("#|")]
        comments = [re.sub(r",? fuzzy", "", line) for line in comments]
        comments = [line for line in comments if line.strip() != "#,"]
        fields[target] = table[msgid]
        out.append(render(comments, fields))
    PO.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    for msgid in missing:
        print("untranslated:", msgid)
    print(f"{len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
