"""The vectorised Pareto front equals the definition, checked pair by pair."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from archkit.alternatives import dominates, nondominated


def brute(F):
    n = len(F)
    return np.array([not any(dominates(F[j], F[i]) for j in range(n) if j != i) for i in range(n)], dtype=bool)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 60), st.integers(1, 5)),
                  elements=st.sampled_from([0.0, 1.0, 2.0, 3.5, np.inf])),
       st.integers(1, 9))
def test_front_equals_definition(F, block):
    assert np.array_equal(nondominated(F, block=block), brute(F))


def test_equal_vectors_are_both_on_the_front():
    F = np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 2.0]])
    assert nondominated(F).tolist() == [True, True, False]


def test_empty_and_no_columns():
    assert nondominated(np.zeros((0, 3))).size == 0
    assert nondominated(np.zeros((4, 0))).all()
