"""The integrity rules every downloaded range must pass."""

from __future__ import annotations

import pytest

from twf.errors import FetchError
from twf.fetch.idx import ByteRange
from twf.fetch.validate import check_grib, check_range_response, grib_message_lengths


def test_a_206_of_exactly_the_range_passes_and_reports_the_file_size():
    assert check_range_response("u", ByteRange(10, 19), 206, "bytes 10-19/100", b"x" * 10) == 100
    assert check_range_response("u", ByteRange(90, None), 206, "bytes 90-99/100", b"x" * 10) == 100


@pytest.mark.parametrize(
    ("status", "content_range", "body", "message"),
    [
        (200, None, b"x" * 100, "HTTP 200 instead of 206"),
        (206, None, b"x" * 10, "206 without a usable Content-Range"),
        (206, "bytes 0-9/100", b"x" * 10, "server sent bytes 0-9 instead"),
        (206, "bytes 10-19/100", b"x" * 9, "body has 9 bytes, expected 10"),
    ],
)
def test_anything_else_is_an_error_naming_the_url_and_range(status, content_range, body, message):
    with pytest.raises(FetchError, match=rf"^http://h/f \[bytes=10-19\]: {message}"):
        check_range_response("http://h/f", ByteRange(10, 19), status, content_range, body)


def test_whole_messages_are_counted_and_anything_else_refused(real_messages):
    two = real_messages["tmp2m_f01"] + real_messages["refc_f01"]
    assert grib_message_lengths(two) == [len(real_messages["tmp2m_f01"]), len(real_messages["refc_f01"])]
    check_grib("u", ByteRange(0, len(two) - 1), two, 2)
    for broken in (two[:-1], two[1:], b"<html>" + two, two[:-4] + b"0000"):
        with pytest.raises(FetchError, match="stale .idx"):
            check_grib("u", ByteRange(0, None), broken, 2)
    with pytest.raises(FetchError, match="2 GRIB2 messages, the .idx lists 1"):
        check_grib("u", ByteRange(0, None), two, 1)
