"""The API's JSON parser: DRF's, with the nesting limit every outside document gets.

``[`` × 100,000 in a request body made ``json.load`` raise ``RecursionError``: a 500 instead of
the API's 400 in its one error shape.
"""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from badges.openbadges import jsontext


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return jsontext.loads(text)
        except jsontext.TooDeep as exc:
            raise ParseError(_("The JSON sent is nested more than %(depth)s levels deep.") % {"depth": exc.max_depth})
        except ValueError as exc:
            raise ParseError(_("The JSON sent is not valid.")) from exc
