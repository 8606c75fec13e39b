"""`files.read_regular`: the one bounded reader behind articles, covers and cache entries."""

from __future__ import annotations

import os

import pytest

from audiobook.files import ReadRefused, read_regular


def refusal(path, limit, follow_links=True) -> ReadRefused:
    with pytest.raises(ReadRefused) as refused:
        read_regular(path, limit, follow_links)
    return refused.value


def test_a_file_up_to_the_limit_is_read_whole(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 10)
    assert read_regular(tmp_path / "a", 10) == b"x" * 10
    assert read_regular(tmp_path / "a", None) == b"x" * 10  # None: as large as it is


def test_a_file_over_the_limit_is_refused_with_its_size_before_reading(tmp_path):
    (tmp_path / "a").write_bytes(b"x" * 11)
    refused = refusal(tmp_path / "a", 10)
    assert (refused.why, refused.size, refused.grew) == ("too large", 11, False)


def test_what_is_not_a_regular_file_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "pipe")  # no writer: a blocking open would wait forever
    assert refusal(tmp_path / "pipe", 10).why == "special"
    assert refusal("/dev/zero", 10).why == "special"
    assert refusal(tmp_path, 10).why == "folder"
    missing = refusal(tmp_path / "none", 10)
    assert missing.why == "missing" and missing.detail == "No such file or directory"


def test_a_link_is_followed_only_when_asked(tmp_path):
    (tmp_path / "a").write_bytes(b"data")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    assert read_regular(tmp_path / "link", 10) == b"data"
    assert refusal(tmp_path / "link", 10, follow_links=False).why == "error"
