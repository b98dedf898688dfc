"""A photo with too many pixels is refused from its header, before it is decoded: a PNG of a
few kilobytes declaring 10000 × 9000 pixels (a decompression bomb) gets a clear message, is
not saved, and costs the server next to no memory."""

import contextlib
import ctypes
import io
import pathlib
import struct

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from conversations.weekly.models import WeeklyUpdate
from learners.models import Evidence
from partnerships import files
from tests.hostile.images import bomb_png

TOO_LARGE = "That photo is too large for us to take: please send one under 40 megapixels."
MEMORY_BUDGET = 50 * 1024 * 1024  # bytes more than before the request, at its peak
STATUS = pathlib.Path("/proc/self/status")
CLEAR_REFS = pathlib.Path("/proc/self/clear_refs")


def _kilobytes(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


@contextlib.contextmanager
def peak_memory_growth():
    """How far this process's resident memory rose above where it started, at its highest,
    in bytes (``["bytes"]``), or None where Linux cannot tell. Pillow decodes outside
    Python's allocator, so ``tracemalloc`` would not see it: the kernel's high-water mark
    does, once reset (writing 5 to ``clear_refs``), and once memory freed earlier has been
    given back to the system (glibc's ``malloc_trim``)."""
    measured = {"bytes": None}
    with contextlib.suppress(OSError, AttributeError):
        # Memory an earlier test freed but kept would be reused unseen: give it back first.
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    try:
        CLEAR_REFS.write_text("5")
        start = _kilobytes("VmRSS")
    except OSError:
        yield measured
        return
    yield measured
    measured["bytes"] = (_kilobytes("VmHWM") - start) * 1024


def _bomb(name="bomb.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, bomb_png(10_000, 9_000), content_type="image/png")


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_bomb_is_small_and_declares_90_megapixels():
    """A guard on the test: the file is tiny, and its header says 10000 × 9000."""
    data = bomb_png(10_000, 9_000)
    assert len(data) < 20_000
    assert struct.unpack(">II", data[16:24]) == (10_000, 9_000)  # IHDR: width, height


@pytest.mark.parametrize("role", ["student_user", "whanau", "teacher"])
def test_a_bomb_as_evidence_is_refused_plainly_in_bounded_memory(client, world, role):
    """Evidence on a goal: the bomb is refused with the limit in words, nothing is saved,
    and the request's memory stays within 50 MB of where it started."""
    client.force_login(getattr(world, role))
    url = reverse("evidence_add", args=[world.goal.pk])
    client.get(world.goal.get_absolute_url())  # templates and translations loaded first

    with peak_memory_growth() as memory:
        response = client.post(url, {"note": "Look how big", "file": _bomb()})

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
    assert not Evidence.objects.exists()
    if memory["bytes"] is None:
        pytest.skip("this system cannot reset its memory high-water mark (Linux only)")
    assert memory["bytes"] < MEMORY_BUDGET, f"{memory['bytes'] / 2**20:.0f} MB"


def test_a_bomb_as_the_weekly_photo_is_refused_plainly_in_bounded_memory(client, world):
    """The weekly update's photo: refused with the limit in words, the update not saved."""
    client.force_login(world.student_user)
    url = reverse("weekly_update_write")
    client.get(url)

    with peak_memory_growth() as memory:
        response = client.post(url, {"learned": "Volcanoes", "photo": _bomb()})

    assert response.status_code == 200
    assert TOO_LARGE in response.content.decode()
    assert not WeeklyUpdate.objects.filter(student=world.student).exists()
    if memory["bytes"] is None:
        pytest.skip("this system cannot reset its memory high-water mark (Linux only)")
    assert memory["bytes"] < MEMORY_BUDGET, f"{memory['bytes'] / 2**20:.0f} MB"


def test_a_photo_just_over_the_limit_is_refused_before_it_is_decoded(monkeypatch):
    """The pixel count from the header decides, whatever Pillow's own limit: over it, the
    photo is refused and never loaded."""
    monkeypatch.setattr(files, "MAX_PIXELS", 400)
    loaded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: loaded.append(image))
    upload = SimpleUploadedFile("wide.png", _png(21, 20), content_type="image/png")

    with pytest.raises(forms.ValidationError) as refused:
        files.checked_upload(upload)

    assert refused.value.code == "too_many_pixels"
    assert not loaded


def test_a_photo_within_the_limit_is_taken(monkeypatch):
    """At the limit exactly, the photo is re-encoded and taken as before."""
    monkeypatch.setattr(files, "MAX_PIXELS", 400)
    upload = SimpleUploadedFile("square.png", _png(20, 20), content_type="image/png")

    checked = files.checked_upload(upload)

    assert checked.checked_content_type == "image/png"
    with Image.open(checked) as image:
        assert image.size == (20, 20)


def test_pillow_refuses_past_the_limit_on_its_own():
    """Pillow's own guard is set to the same limit, for any image this process opens."""
    assert Image.MAX_IMAGE_PIXELS == files.MAX_PIXELS == 40_000_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(bomb_png(10_000, 9_000)))
