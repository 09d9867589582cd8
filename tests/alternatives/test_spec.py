"""Requirements and objectives: what reads, and the message and hint for what does not."""

import pytest

from archkit.alternatives._spec import SECONDS_PER_MONTH, SpecError, parse_objective, parse_requirement

FLOWS = ["overlay", "usage-telemetry"]


@pytest.mark.parametrize("text,key,op,value", [
    ("latency(overlay) <= 200ms", "latency(overlay)", "<=", 0.2),
    ("latency(overlay) <= 200 ms", "latency(overlay)", "<=", 0.2),
    ("latency( overlay ) < 1.5 s", "latency(overlay)", "<", 1.5),
    ("offline(overlay)", "offline(overlay)", "==", 1.0),
    ("typical_latency(overlay) <= 200 ms", "typical_latency(overlay)", "<=", 0.2),
    ("not offline(usage-telemetry)", "offline(usage-telemetry)", "==", 0.0),
    ("cost <= 5000 USD/month", "cost", "<=", 5000.0),
    ("cost <= 1 USD/h", "cost", "<=", SECONDS_PER_MONTH / 3600),
    ("update_cost <= 100 USD/month", "update_cost", "<=", 100.0),
    ("utilization <= 80%", "utilisation", "<=", 0.8),
    ("peak_link_utilisation <= 0.5", "utilisation", "<=", 0.5),
    ("personal_data <= 0", "personal_data", "<=", 0.0),
    ("not model_on_device", "model_on_device", "==", 0.0),
])
def test_requirements_read(text, key, op, value):
    r = parse_requirement(text, FLOWS)
    assert (r.key, r.op) == (key, op)
    assert r.value == pytest.approx(value)


@pytest.mark.parametrize("text,fragment", [
    ("latncy(overlay) <= 2 ms", "did you mean 'latency'"),
    ("latency(overly) <= 2 ms", "did you mean 'overlay'"),
    ("latency <= 2 ms", "name the flow, e.g. latency(overlay)"),
    ("cost(overlay) <= 2 USD/month", "is not measured per flow"),
    ("offline(overlay) <= 3", "is yes/no"),
    ("cost <= 200 ms", "a duration, but a price per time is expected"),
    ("cost", "needs a comparison"),
    ("cost <= 10..20 USD/h", "one threshold, not a range"),
    ("latency(overlay) <=", "the value is missing"),
    ("latency(overlay) != 3 ms", "unknown comparison"),
    ("__import__('os').system('true')", "is not a metric"),
    ("", "empty"),
    ("personal_data <= 3 MB", "cannot read '3 MB' as a number"),
])
def test_bad_requirements_say_what_and_how(text, fragment):
    with pytest.raises(SpecError) as e:
        parse_requirement(text, FLOWS)
    assert fragment in str(e.value)
    assert e.value.hint


def test_objectives():
    assert parse_objective("minimize cost", FLOWS).key == "cost"
    o = parse_objective("minimise latency(overlay)", FLOWS)
    assert (o.sense, o.key) == ("minimize", "latency(overlay)")
    assert parse_objective("maximize offline(overlay)", FLOWS).sense == "maximize"
    assert parse_objective("offline(overlay)", FLOWS).sense == "maximize"  # bare: its better direction
    with pytest.raises(SpecError, match="did you mean 'minimize'"):
        parse_objective("minimze cost", FLOWS)


def test_month_matches_the_analyses():
    from archkit.analysis import HOURS_PER_MONTH

    assert SECONDS_PER_MONTH == HOURS_PER_MONTH * 3600


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["latency", "cost", "offline", "(", ")", "overlay", "<=", "<", "==", "=", "!", " ", "200",
                           "ms", "USD/month", "%", "not ", "minimize ", "max ", "..", "1e400", "-3", "utilisation"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(_PIECES, max_size=8).map("".join)))
def test_any_text_reads_or_fails_with_a_spec_error(text):
    for parse in (parse_requirement, parse_objective):
        try:
            parse(text, FLOWS)
        except SpecError as e:
            assert e.hint
