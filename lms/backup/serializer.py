"""Django's JSON Lines serialiser, keeping datetimes and times to the microsecond.

Django's JSON encoder keeps milliseconds (as ECMA-262 dates do): a restored site would have every timestamp moved,
and whatever was compared, ordered or signed with one would differ from the original. Read back by Django's own JSON
Lines deserialiser, which parses full ISO 8601.
"""

import datetime

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder

FORMAT_NAME = "backupjsonl"  # registered by lms.backup's AppConfig


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder


Deserializer = jsonl.Deserializer
