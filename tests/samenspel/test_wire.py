"""Frames written straight to Daphne sockets read back as the same message by a client."""

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from samenspel.live import wire


def read_frame(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        while True:
            next(parser)
    except StopIteration as done:
        return done.value


@pytest.mark.parametrize("length", [0, 125, 126, 65_535, 65_536, 200_000])
def test_text_frames_of_every_length_class_read_back_as_the_same_text(length):
    text = ("Idee voor Diemen – ë " * (length // 20 + 1))[:length]
    frame = read_frame(wire.frame(text))
    assert frame.opcode is Opcode.TEXT and frame.fin
    assert frame.data.decode() == text


def test_binary_frames_read_back_as_the_same_bytes():
    payload = bytes(range(256)) * 300
    frame = read_frame(wire.frame(payload))
    assert frame.opcode is Opcode.BINARY and frame.data == payload


def test_the_same_object_is_framed_once_and_an_equal_new_one_is_framed_again():
    text = "x" * 1000
    first = wire.frame(text)
    assert wire.frame(text) is first
    other = "".join(["x" * 500, "x" * 500])
    assert other is not text and wire.frame(other) == first
