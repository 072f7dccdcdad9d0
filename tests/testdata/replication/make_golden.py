#!/usr/bin/env python3
"""Writes SUBSCRIBERS, the golden subscriber-acknowledgement file of
subscriber_acks_test.cc, from the layout documented in
engine/replication/subscriber_acks.h and the frame layout of
engine/common/framing.h, independently of the C++ writer.

Run from anywhere: python3 tests/testdata/replication/make_golden.py
"""
import os
import struct


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def frame(frame_type, payload):
    body = struct.pack("<IB", len(payload), frame_type) + payload
    return struct.pack("<I", crc32c(body)) + body


# (id, acked_revision), in id order; subscriber_acks_test.cc expects these.
ACKS = [(b"node-2", 41), (b"peer.b", 0), (b"z", 2**40 + 7)]

contents = b"".join(
    frame(1, struct.pack("<QI", acked, len(name)) + name)
    for name, acked in ACKS)
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "SUBSCRIBERS")
with open(path, "wb") as f:
    f.write(contents)
