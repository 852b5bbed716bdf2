"""Hypothesis strategies shared by the route tests."""

from hypothesis import strategies as st

label = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
hostnames = (
    st.lists(label, min_size=1, max_size=4)
    .map(".".join)
    .filter(lambda name: not name.replace(".", "").isdigit())
)
hosts = st.one_of(hostnames, st.ip_addresses(v=4).map(str), st.ip_addresses(v=6).map(str))
