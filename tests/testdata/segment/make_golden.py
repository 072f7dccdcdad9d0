#!/usr/bin/env python3
"""Writes the golden sealed segments of segment_test.cc: 000001.seg in format
1 (blocks stored as they are, which the reader still reads) and 000002.seg in
format 2 (compact stored records, every block with the trailer of a block
stored uncompressed).

Built from the byte layouts documented in engine/segment/segment_format.h,
engine/segment/stored_record.h, engine/mvcc/version_record.h and
engine/mvcc/internal_key.h, independently of
the C++ writer, so that segment_test.cc's GoldenFilePinsTheSegmentFormat fails
when the writer's output drifts from the documented format.

Run from anywhere: python3 tests/testdata/segment/make_golden.py
"""
import os
import struct

SPACE_ID = 7
DIMS = 2
TREE_FANOUT = 16
MAGIC = b"INFDBSEG"  # kMagic 0x4745534244464E49 as little-endian bytes

# Hilbert keys (engine/hilbert/hilbert.h, 4 * DIMS bytes, big-endian) of the
# points used below. They were printed once by a throwaway C++ program calling
# hilbert::EncodeToString on each point; (1, 0) -> ...01 and (0, 2) -> ...04
# agree with the worked example of hilbert.h.
HILBERT_KEYS = {
    (1, 2): bytes.fromhex("0000000000000007"),
    (0xFFFFFFFF, 0): bytes.fromhex("ffffffffffffffff"),
    (3, 0): bytes.fromhex("000000000000000f"),
}

# (branch_id, point, revision, hlc, origin, deleted, value); segment_test.cc
# writes the same versions with SegmentWriter.
VERSIONS = [
    (1, (1, 2), 5, 0x0123456789AB0005, 42, False, b"hi"),
    (1, (1, 2), 9, 0x0123456789AB0009, 42, True, b""),
    (1, (0xFFFFFFFF, 0), 6, 0x0123456789AB0006, 43, False, b"xyz"),
    (2, (3, 0), 7, 0x0123456789AB0007, 42, False, b"\x00\xff"),
]


def crc32c(data):
    """CRC32C (Castagnoli), reflected polynomial 0x82F63B78, bit by bit."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def u8(v):
    return struct.pack("<B", v)


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def internal_key(branch, point, revision):
    # branch BE, space BE, Hilbert key BE, inverted revision BE.
    inverted = ~revision & 0xFFFFFFFFFFFFFFFF
    return (struct.pack(">II", branch, SPACE_ID) + HILBERT_KEYS[point] +
            struct.pack(">Q", inverted))


def version_record(key, hlc, origin, deleted, point, value):
    # key_length, key, flags, hlc, origin, coordinates, value_len, value.
    out = u32(len(key)) + key + u8(1 if deleted else 0) + u64(hlc) + u32(origin)
    for c in point:
        out += u32(c)
    return out + u32(len(value)) + value


def stored_record(previous_hilbert, hilbert, revision, hlc, origin, deleted,
                  point, value):
    # Format 2 (engine/segment/stored_record.h): shared, key_suffix,
    # revision, flags, hlc, origin, coordinates, value_len, value.
    shared = 0
    while (shared < len(previous_hilbert) and
           previous_hilbert[shared] == hilbert[shared]):
        shared += 1
    out = u8(shared) + hilbert[shared:]
    out += u64(revision) + u8(1 if deleted else 0) + u64(hlc) + u32(origin)
    for c in point:
        out += u32(c)
    return out + u32(len(value)) + value


def mbr_bytes(mins, maxs):
    return b"".join(u32(lo) + u32(hi) for lo, hi in zip(mins, maxs))


def write_segment(name, format_version):
    # (key, revision, point, record bytes, branch, (hlc, origin, deleted,
    # value))
    entries = []
    for branch, point, revision, hlc, origin, deleted, value in VERSIONS:
        key = internal_key(branch, point, revision)
        record = version_record(key, hlc, origin, deleted, point, value)
        entries.append((key, revision, point, record, branch,
                        (hlc, origin, deleted, value)))
    entries.sort()  # internal-key order (memcmp)

    # One block per branch (the versions are far below kTargetBlockBytes).
    branches = sorted({e[4] for e in entries})
    data = b""
    block_entries = b""
    block_mbrs = []
    for branch in branches:
        mine = [e for e in entries if e[4] == branch]
        block = b""
        if format_version == 1:
            offsets = []
            for entry in mine:
                offsets.append(len(block))
                block += entry[3]
            block += b"".join(u32(o) for o in offsets) + u32(len(mine))
        else:
            block = u32(branch) + u32(SPACE_ID) + u8(DIMS)
            previous = b""
            for key, revision, point, _, _, (hlc, origin, deleted,
                                             value) in mine:
                hilbert = HILBERT_KEYS[point]
                block += stored_record(previous, hilbert, revision, hlc,
                                       origin, deleted, point, value)
                previous = hilbert
            block += u32(len(mine))
            block += u32(len(block)) + u8(0)  # raw_size, codec 0 (none)
        block += u32(crc32c(block))
        mins = [min(e[2][axis] for e in mine) for axis in range(DIMS)]
        maxs = [max(e[2][axis] for e in mine) for axis in range(DIMS)]
        block_mbrs.append((mins, maxs))
        revisions = [e[1] for e in mine]
        block_entries += (u64(len(data)) + u32(len(block)) + u32(len(mine)) +
                          u64(min(revisions)) + u64(max(revisions)) +
                          u32(len(mine[0][0])) + mine[0][0] +
                          u32(len(mine[-1][0])) + mine[-1][0] +
                          mbr_bytes(mins, maxs))
        data += block

    # R-tree levels bottom-up until one node is left (at most TREE_FANOUT
    # blocks here, so a single level with one node when there are 2+ blocks).
    assert len(block_mbrs) <= TREE_FANOUT
    levels = b""
    level_count = 0
    if len(block_mbrs) > 1:
        mins = [min(m[0][axis] for m in block_mbrs) for axis in range(DIMS)]
        maxs = [max(m[1][axis] for m in block_mbrs) for axis in range(DIMS)]
        levels = u32(1) + mbr_bytes(mins, maxs)
        level_count = 1

    index = (u32(len(branches)) + u8(DIMS) + u8(TREE_FANOUT) +
             u8(level_count) + u8(0) + block_entries + levels)
    footer = (u64(len(data)) + u64(len(index)) + u32(crc32c(index)) +
              u32(format_version) + u32(SPACE_ID) + u32(0) + MAGIC)
    assert len(footer) == 40

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(path, "wb") as f:
        f.write(data + index + footer)


def main():
    write_segment("000001.seg", 1)
    write_segment("000002.seg", 2)


if __name__ == "__main__":
    main()
