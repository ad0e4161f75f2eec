"""The Japanese catalogue is complete, the committed .mo matches the .po, and the tables hold nothing dead."""

import gettext
import json
from pathlib import Path

from scripts.fill_translations import TABLES, parse

LOCALE = Path(__file__).resolve().parents[2] / "locale/ja/LC_MESSAGES"


def catalogue_entries():
    for entry in (LOCALE / "django.po").read_text(encoding="utf-8").strip("\n").split("\n\n"):
        comments, fields = parse(entry)
        if fields.get("msgid") and not any(line.startswith("#~") for line in comments):
            yield comments, fields


def test_every_message_has_a_japanese_translation():
    untranslated = [
        fields["msgid"]
        for comments, fields in catalogue_entries()
        if not (fields.get("msgstr") or fields.get("msgstr[0]"))
        or any(line.startswith("#,") and "fuzzy" in line for line in comments)
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    compiled = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))
    stale = [
        fields["msgid"]
        for _, fields in catalogue_entries()
        if "msgid_plural" not in fields and compiled.gettext(fields["msgid"]) != fields["msgstr"]
    ]
    assert stale == []


def test_every_japanese_table_entry_is_still_used():
    # A message deleted or reworded in the code leaves its old key behind: delete it with the message.
    used = {fields["msgid"] for _, fields in catalogue_entries()}
    unused = [
        f"{table.name}: {msgid}"
        for table in TABLES
        for msgid in json.loads(table.read_text(encoding="utf-8"))
        if msgid not in used
    ]
    assert unused == []
