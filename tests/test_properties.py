"""Property-based: `predict()` takes any Unicode text or list and raises only its documented errors."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reseaumedia import InputError, predict

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Any code point, surrogates and control characters included, plus the French and social-media ones.
TEXT = st.text(st.characters(codec=None), max_size=300) | st.lists(
    st.sampled_from(list("abcéèàùçÉ !?.,'’«»#@\n\t😂👉") + ["https://t.co/x", "&amp;", "\u200b", "merci", "vous"]), max_size=40
).map("".join)


@SETTINGS
@given(text=TEXT)
def test_any_single_text_gives_a_prediction_or_an_input_error(text, shipped_model):
    try:
        p = predict(text, model=shipped_model)
    except InputError as exc:
        assert not text.strip() and str(exc)
        return
    assert p.label in ("reseau", "media")
    assert abs(sum(p.probabilities.values()) - 1) < 1e-5
    assert all(0 <= s.start < s.end <= len(text) for s in p.sentences)
    assert all(0 <= a < b <= len(text) for r in p.reasons for a, b in r.spans)


@SETTINGS
@given(items=st.lists(TEXT | st.integers() | st.none(), max_size=5))
def test_any_list_gives_one_prediction_per_text_or_an_input_error(items, shipped_model):
    try:
        results = predict(items, model=shipped_model, reasons=False, sentences=False)
    except InputError:
        assert any(not isinstance(i, str) or not i.strip() for i in items)
        return
    assert len(results) == len(items)
