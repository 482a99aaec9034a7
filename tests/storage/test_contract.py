"""What every store backend promises (`twf.storage.ObjectStore`), on a local folder and on S3 (SeaweedFS):
whole objects, identities that change with every replacement, conditional writes that refuse a second writer,
listings confined to their prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from twf.errors import InvalidPathSegment, ObjectNotFound, WriteConflict
from twf.storage import LocalStore, ObjectStore


@pytest.fixture
def storage(empty_store: ObjectStore) -> ObjectStore:
    return empty_store


def test_an_object_put_is_read_back_whole_and_by_range(storage: ObjectStore) -> None:
    info = storage.put("published/hrrr/a.json", b"0123456789")
    assert storage.get("published/hrrr/a.json") == b"0123456789"
    assert storage.get_range("published/hrrr/a.json", 2, 3) == b"234"
    assert storage.get_range("published/hrrr/a.json", 8, 10) == b"89"
    assert storage.head("published/hrrr/a.json") == info and info.size == 10


def test_a_missing_object_is_not_found_and_deleting_it_is_fine(storage: ObjectStore) -> None:
    assert storage.head("published/hrrr/none.json") is None
    with pytest.raises(ObjectNotFound):
        storage.get("published/hrrr/none.json")
    with pytest.raises(ObjectNotFound):
        storage.get_range("published/hrrr/none.json", 0, 1)
    storage.delete("published/hrrr/none.json")


def test_replacing_an_object_changes_its_identity(storage: ObjectStore) -> None:
    first = storage.put("manifests/hrrr/x.json", b'{"generation": 1}')
    second = storage.put("manifests/hrrr/x.json", b'{"generation": 2}')
    assert first.identity != second.identity
    data, info = storage.get_with_info("manifests/hrrr/x.json")
    assert data == b'{"generation": 2}' and info == second


def test_create_refuses_an_existing_object(storage: ObjectStore) -> None:
    storage.create("manifests/hrrr/runs.json", b"one")
    with pytest.raises(WriteConflict):
        storage.create("manifests/hrrr/runs.json", b"two")
    assert storage.get("manifests/hrrr/runs.json") == b"one"


def test_replace_refuses_when_another_writer_replaced_the_object_first(storage: ObjectStore) -> None:
    read = storage.put("published/hrrr/LATEST.json", b"16z")
    storage.replace("published/hrrr/LATEST.json", b"17z", read)  # the first writer
    with pytest.raises(WriteConflict):
        storage.replace("published/hrrr/LATEST.json", b"18z", read)  # the second, from the same read
    assert storage.get("published/hrrr/LATEST.json") == b"17z"


def test_placed_files_and_copies_are_whole_objects(storage: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "built.tif"
    source.write_bytes(b"cog bytes")
    storage.put_file("staging/hrrr/r/tmp2m/fh000.rgba.cog.tif", source)
    storage.copy("staging/hrrr/r/tmp2m/fh000.rgba.cog.tif", "published/hrrr/r/tmp2m/fh000.rgba.cog.tif")
    storage.sync(["published/hrrr/r/tmp2m/fh000.rgba.cog.tif"])
    assert storage.get("published/hrrr/r/tmp2m/fh000.rgba.cog.tif") == b"cog bytes"
    assert source.read_bytes() == b"cog bytes"


def test_listings_stay_inside_their_prefix(storage: ObjectStore) -> None:
    for key in ("published/hrrr/r1/tmp2m/fh000.json", "published/hrrr/r1/refc/fh000.json",
                "published/hrrr/r10/tmp2m/fh000.json", "published/hrrr/LATEST.json"):
        storage.put(key, b"{}")
    assert sorted(storage.list("published/hrrr/r1")) == [
        "published/hrrr/r1/refc/fh000.json", "published/hrrr/r1/tmp2m/fh000.json"]
    assert storage.children("published/hrrr") == {"r1", "r10", "LATEST.json"}
    assert storage.children("published/nam") == set()
    storage.delete_prefix("published/hrrr/r1")
    assert storage.children("published/hrrr") == {"r10", "LATEST.json"}


@pytest.mark.parametrize("key", ["../outside", "published/../../etc/passwd", "/etc/passwd", "a//b", ""])
def test_a_key_that_is_not_plain_is_refused(storage: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidPathSegment):
        storage.get(key)


def test_local_temp_files_of_a_dead_writer_are_found_and_discarded(tmp_path: Path) -> None:
    storage = LocalStore(tmp_path)
    storage.put("manifests/hrrr/x.json", b"{}")
    (tmp_path / "manifests" / "hrrr" / ".x.json.tmp-123").write_bytes(b"{")
    assert list(storage.list("manifests/hrrr")) == ["manifests/hrrr/x.json"]
    assert storage.partial_writes("manifests/hrrr") == ["manifests/hrrr/.x.json.tmp-123"]
    storage.discard_partial(["manifests/hrrr"])
    assert storage.partial_writes("manifests/hrrr") == []
