import pytest
from django.db import transaction
from django.test import Client

from tests.access.matrix import MATRIX
from tests.access.objects import Things
from tests.access.outcomes import ROLES
from tests.hostile import values
from tests.hostile.test_hostile_input import Target, _refused

SWEEP = values.DATES + values.NUMBERS + ["\x00", "a" * 10_000, "ā" * 3_000, "-1", ""]


@pytest.mark.parametrize("name", [n for n in MATRIX])
def test_sweep(world, settings, name):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    row = MATRIX[name]
    roles = [r for r in ROLES if not _refused(row.post[r]) and r != "anonymous"]
    if not roles:
        return
    role = roles[0]
    target = Target(name, "POST", Things(world))
    client = Client()
    client.force_login(getattr(world, role))
    path = row.url(target_things := None) if False else None
    base = {k: v[0] for k, v in target.body.items()}
    base.update(target.base_body)
    from django.urls import reverse
    url = reverse(target.url_name, kwargs={k: v for k, (c, v) in target.arguments.items()})
    bad = []
    for field in sorted(target.body):
        for value in SWEEP:
            body = dict(base)
            body[field] = value
            with transaction.atomic():
                try:
                    r = client.post(url, body)
                    if r.status_code == 302 and r["Location"].startswith("/"):
                        f = client.get(r["Location"])
                        if f.streaming:
                            f.getvalue()
                        if f.status_code >= 500:
                            bad.append((field, value[:30], "follow", f.status_code))
                    if r.status_code >= 500:
                        bad.append((field, value[:30], r.status_code))
                except Exception as e:  # noqa: BLE001
                    bad.append((field, value[:30], repr(e)[:200]))
                transaction.set_rollback(True)
            client.force_login(getattr(world, role))
    assert not bad, bad
