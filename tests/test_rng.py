"""The counter-based random numbers of the compiled processes (sim/model/rng.py)."""

import numpy as np
import pytest

from sim.model.rng import Stream, _philox4x32, blocks_of, fill_blocks, round_keys, stream_keys, uniforms

#: Random123's known-answer vectors for Philox4x32-10 (its kat_vectors file): counter (4
#: words), key (2 words), the four words out
KNOWN_ANSWERS = [
    ("00000000 00000000 00000000 00000000 00000000 00000000", "6627e8d5 e169c58d bc57ac4c 9b00dbd8"),
    ("ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff", "408f276d 41c83b0e a20bc7c6 6d5451fd"),
    ("243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0", "d16cfe09 94fdcceb 5001e420 24126ea1"),
]


@pytest.mark.parametrize("given,expected", KNOWN_ANSWERS)
def test_philox_gives_random123s_known_answers(given, expected):
    words = [np.uint64(int(w, 16)) for w in given.split()]
    assert [f"{int(w):08x}" for w in _philox4x32(*words)] == expected.split()


def test_the_weekly_chances_are_each_citizens_own_block_zero():
    """fill_blocks works out the round keys once for all citizens; its numbers must be
    those of uniforms(key, week, citizen, 0), row by row."""
    key = stream_keys(11)[Stream.CHANCES]
    out = np.zeros((257, 4))
    fill_blocks(key, 9, out)
    expected = np.array([uniforms(key, 9, i, 0) for i in range(257)])
    assert np.array_equal(out, expected)
    assert 0.0 < out.min() and out.max() < 1.0


def test_a_citizens_blocks_drawn_together_are_its_blocks_one_by_one():
    """blocks_of draws one citizen's first blocks side by side (a new citizen's draws at
    intake); its numbers must be those of uniforms(key, week, citizen, block)."""
    key = stream_keys(7)[Stream.POPULATION]
    k0s, k1s = round_keys(key)
    out = np.zeros((8, 4))
    for who in (0, 1, 1749, 2**31 + 5):
        blocks_of(k0s, k1s, 12, who, out)
        assert np.array_equal(out, np.array([uniforms(key, 12, who, b) for b in range(8)]))


def test_a_view_of_the_first_rows_is_filled_in_place():
    """The model fills the live rows of a larger table (a view of its first rows)."""
    key = stream_keys(3)[Stream.CHANCES]
    table = np.full((64, 4), -1.0)
    fill_blocks(key, 2, table[:40])
    assert (table[:40] > 0).all() and (table[40:] == -1.0).all()


def test_streams_differ_and_keys_are_stable_for_a_seed():
    keys = stream_keys(5)
    assert np.array_equal(keys, stream_keys(5))
    assert len({tuple(k) for k in keys}) == len(Stream)
    assert uniforms(keys[Stream.MATCH], 1, 1, 0) != uniforms(keys[Stream.MEETING], 1, 1, 0)
