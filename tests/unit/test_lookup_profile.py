"""The profile's orchestration, with stand-in lookup functions: parallel, streamed,
cancellable, and one failure does not stop the others."""

import queue
import threading
from collections.abc import Callable
from functools import partial

import pytest

from workstation.errors import LookupFailed, LookupInputError, NoRoute
from workstation.lookup.context import Cancelled, LookupContext
from workstation.lookup.kinds import (
    KINDS,
    LookupFunction,
    OfflineConnector,
    check_target,
    run_lookup,
)
from workstation.lookup.profile import ProfileResult, ProfileStep, plan, run_profile
from workstation.lookup.result import LookupResult, Pivot, utc_now
from workstation.lookup.targets import classify

WAIT = 10.0  # bound for anything that only waits for other threads; never reached when green
DOMAIN_KINDS = ("dns", "registration", "cert", "headers")


def context() -> LookupContext:
    return LookupContext(connector=OfflineConnector(), timeout=WAIT)


def answer(kind: str, target: str, pivots: tuple[Pivot, ...] = ()) -> LookupResult:
    now = utc_now()
    return LookupResult(kind, target, "test", now, now, {"kind": kind}, pivots=pivots)


def answering(kind: str, before: Callable[[], object] = lambda: None) -> LookupFunction:
    def lookup(target: str, ctx: LookupContext) -> LookupResult:
        before()
        return answer(kind, target)

    return lookup


def in_thread(function: Callable[[], ProfileResult]) -> "queue.Queue[ProfileResult]":
    done: queue.Queue[ProfileResult] = queue.Queue()
    threading.Thread(target=lambda: done.put(function()), daemon=True).start()
    return done


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Webshop.Example", [("dns", "webshop.example"), ("registration", "webshop.example"),
                             ("cert", "webshop.example"), ("headers", "https://webshop.example/")]),
        ("192.0.2.10", [("dns", "192.0.2.10"), ("registration", "192.0.2.10"),
                        ("asn", "192.0.2.10")]),
        ("seller@webshop.example", [("email", "seller@webshop.example"),
                                    ("dns", "webshop.example"),
                                    ("registration", "webshop.example"),
                                    ("cert", "webshop.example"),
                                    ("headers", "https://webshop.example/")]),
        ("https://shop.example:8443/item?id=7", [("headers", "https://shop.example:8443/item?id=7"),
                                                  ("cert", "shop.example:8443"),
                                                  ("dns", "shop.example"),
                                                  ("registration", "shop.example")]),
        ("http://[2001:db8::1]/", [("headers", "http://[2001:db8::1]/"), ("dns", "2001:db8::1"),
                                   ("registration", "2001:db8::1")]),
        ("+49 30 123456", [("phone", "+4930123456")]),
        ("AS64500", [("asn", "AS64500"), ("rdap", "AS64500")]),
    ],
)  # fmt: skip
def test_each_kind_of_target_gets_its_lookups(typed: str, expected: list[tuple[str, str]]) -> None:
    steps = plan(classify(typed))
    assert [(s.kind, s.target) for s in steps] == expected
    assert all(step.kind in KINDS for step in steps)


def test_lookups_run_at_the_same_time() -> None:
    # The barrier only opens when all four lookups are waiting at it together.
    barrier = threading.Barrier(len(DOMAIN_KINDS), timeout=WAIT)
    fakes = {kind: answering(kind, barrier.wait) for kind in DOMAIN_KINDS}
    outcome = run_profile("webshop.example", context(), lookups=fakes)
    assert outcome.failures == {}
    assert sorted(r.kind for r in outcome.results) == sorted(DOMAIN_KINDS)
    assert outcome.ok and not outcome.cancelled and outcome.not_run == []


def test_results_are_streamed_in_the_order_they_arrive() -> None:
    release = {kind: threading.Event() for kind in DOMAIN_KINDS}
    fakes = {kind: answering(kind, partial(release[kind].wait, WAIT)) for kind in DOMAIN_KINDS}
    streamed: queue.Queue[str] = queue.Queue()
    done = in_thread(
        lambda: run_profile(
            "webshop.example", context(), lambda r: streamed.put(r.kind), lookups=fakes
        )
    )
    order = ["headers", "dns", "cert", "registration"]
    for kind in order:
        release[kind].set()
        assert streamed.get(timeout=WAIT) == kind  # handed on before the next one ends
    outcome = done.get(timeout=WAIT)
    assert [r.kind for r in outcome.results] == order


def test_a_failing_lookup_does_not_stop_the_others() -> None:
    def refused(target: str, ctx: LookupContext) -> LookupResult:
        raise LookupFailed("The registry refused the question.")

    def broken(target: str, ctx: LookupContext) -> LookupResult:
        raise RuntimeError("a bug")

    fakes = {**{k: answering(k) for k in DOMAIN_KINDS}, "registration": refused, "cert": broken}
    errors: list[tuple[str, str]] = []
    outcome = run_profile(
        "webshop.example",
        context(),
        on_error=lambda kind, exc: errors.append((kind, type(exc).__name__)),
        lookups=fakes,
    )
    assert sorted(r.kind for r in outcome.results) == ["dns", "headers"]
    assert outcome.failures == {
        "registration": "The registry refused the question.",
        "cert": "The cert lookup failed unexpectedly (RuntimeError); see the log.",
    }
    assert sorted(errors) == [("cert", "RuntimeError"), ("registration", "LookupFailed")]
    assert not outcome.ok and not outcome.cancelled


def test_a_kind_missing_from_the_registry_is_a_failure_not_a_crash() -> None:
    outcome = run_profile("192.0.2.10", context(), lookups={"dns": answering("dns")})
    assert [r.kind for r in outcome.results] == ["dns"]
    assert outcome.failures == {
        "registration": "There is no 'registration' lookup in this workstation.",
        "asn": "There is no 'asn' lookup in this workstation.",
    }


def test_cancel_returns_at_once_and_drops_late_answers() -> None:
    ctx = context()
    all_running = threading.Barrier(len(DOMAIN_KINDS), timeout=WAIT)
    stubborn_may_finish = threading.Event()
    stubborn_finished = threading.Event()

    def polite(target: str, c: LookupContext) -> LookupResult:
        all_running.wait()
        c.cancel_event.wait(WAIT)  # stands for "between two exchanges"
        c.check_cancelled()
        raise AssertionError("not cancelled")

    def stubborn(target: str, c: LookupContext) -> LookupResult:
        # One that is stuck in a slow exchange and only notices the cancel afterwards.
        all_running.wait()
        stubborn_may_finish.wait(WAIT)
        stubborn_finished.set()
        return answer("headers", target)

    streamed: list[str] = []

    def on_result(result: LookupResult) -> None:
        streamed.append(result.kind)
        if result.kind == "dns":
            ctx.cancel_event.set()  # the officer cancels once the first result is in

    fakes = {
        "dns": answering("dns", all_running.wait),
        "registration": polite,
        "cert": polite,
        "headers": stubborn,
    }
    outcome = run_profile("webshop.example", ctx, on_result, lookups=fakes)
    assert not stubborn_finished.is_set()  # returned without waiting for it
    assert outcome.cancelled and not outcome.ok
    assert [r.kind for r in outcome.results] == ["dns"]
    assert sorted(outcome.not_run) == ["cert", "headers", "registration"]
    assert outcome.failures == {}
    stubborn_may_finish.set()
    assert stubborn_finished.wait(WAIT)
    for worker in threading.enumerate():
        if worker.name.startswith("profile"):
            worker.join(WAIT)  # its late answer has been dealt with
    assert streamed == ["dns"] and [r.kind for r in outcome.results] == ["dns"]


def test_a_profile_cancelled_before_it_starts_runs_nothing() -> None:
    ctx = context()
    ctx.cancel_event.set()
    called: list[str] = []
    fakes = {k: answering(k, partial(called.append, k)) for k in DOMAIN_KINDS}
    outcome = run_profile("webshop.example", ctx, lookups=fakes)
    assert called == []
    assert outcome.cancelled and sorted(outcome.not_run) == sorted(DOMAIN_KINDS)


def test_pivots_are_collected_once_and_known_ones_left_out() -> None:
    def with_pivots(kind: str, *pivots: Pivot) -> LookupFunction:
        return lambda target, ctx: answer(kind, target, pivots)

    nameserver = Pivot("dns", "ns1.webshop.example", "nameserver")
    fakes = {
        "email": with_pivots(
            "email",
            Pivot("profile", "webshop.example", "mail domain"),  # the profile covers it
            Pivot("dns", "mx1.webshop.example", "mail server"),
        ),
        "dns": with_pivots("dns", nameserver, Pivot("dns", "webshop.example", "itself")),
        "registration": with_pivots("registration", nameserver),
        "cert": with_pivots("cert"),
        "headers": with_pivots("headers"),
    }
    outcome = run_profile("seller@webshop.example", context(), lookups=fakes)
    assert sorted((p.kind, p.target) for p in outcome.pivots) == [
        ("dns", "mx1.webshop.example"),
        ("dns", "ns1.webshop.example"),
    ]


def test_a_callback_that_fails_loses_nothing() -> None:
    def clumsy(result: LookupResult) -> None:
        raise ValueError("display broke")

    fakes = {k: answering(k) for k in ("dns", "registration", "asn")}
    outcome = run_profile("192.0.2.10", context(), clumsy, lookups=fakes)
    assert sorted(r.kind for r in outcome.results) == ["asn", "dns", "registration"]


def test_an_invalid_target_is_refused_before_anything_runs() -> None:
    with pytest.raises(LookupInputError, match="is not a domain"):
        run_profile("not a target!", context(), lookups={})


def test_cancelled_lookups_are_not_failures() -> None:
    def cancelled(target: str, ctx: LookupContext) -> LookupResult:
        raise Cancelled("The lookup was cancelled.")

    outcome = run_profile(
        "AS64500", context(), lookups={"asn": cancelled, "rdap": answering("rdap")}
    )
    assert outcome.failures == {} and outcome.not_run == ["asn"]
    assert [s for s in outcome.steps] == [
        ProfileStep("asn", "AS64500"),
        ProfileStep("rdap", "AS64500"),
    ]


# -- the registry of kinds -------------------------------------------------------------------


def test_an_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(LookupInputError, match="no 'ping' lookup; the kinds are asn, cert, dns"):
        run_lookup("ping", "webshop.example", context())


def test_the_registry_runs_the_real_offline_lookup() -> None:
    result = run_lookup("phone", "+49 30 123456", context())
    assert (result.kind, result.data["e164"], result.exchanges) == ("phone", "+4930123456", ())


@pytest.mark.parametrize(
    ("kind", "typed", "refused"),
    [
        ("dns", "seller@webshop.example", "is an e-mail address; the dns lookup needs"),
        ("email", "webshop.example", "is a domain name; the email lookup needs an e-mail"),
        ("asn", "https://webshop.example/", "is a web address; the asn lookup needs"),
        ("phone", "192.0.2.1", "is an IP address; the phone lookup needs a phone number"),
        ("dns", "webshop.example", None),
        ("cert", "webshop.example:8443", None),
        ("whois", "AS64500", None),
    ],
)
def test_a_target_of_the_wrong_kind_is_refused(kind: str, typed: str, refused: str | None) -> None:
    target = classify(typed)
    if refused is None:
        check_target(kind, target)
        return
    with pytest.raises(LookupInputError, match=refused):
        check_target(kind, target)


def test_a_lookup_without_a_route_cannot_connect() -> None:
    with pytest.raises(NoRoute, match="runs without a route"):
        context().connect("webshop.example", 443)


def test_an_interrupted_profile_makes_no_more_callbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    from workstation.lookup import profile  # noqa: PLC0415

    first = threading.Event()
    rest_may_finish = threading.Event()

    def interrupted_wait(self: object, cancel: threading.Event) -> None:
        first.wait(WAIT)
        raise KeyboardInterrupt  # the officer pressed Ctrl-C while the profile ran

    monkeypatch.setattr(profile._ProfileRun, "wait", interrupted_wait)
    streamed: list[str] = []
    fakes = {
        "dns": answering("dns"),
        "registration": answering("registration", partial(rest_may_finish.wait, WAIT)),
        "asn": answering("asn", partial(rest_may_finish.wait, WAIT)),
    }

    def on_result(result: LookupResult) -> None:
        streamed.append(result.kind)
        first.set()

    with pytest.raises(KeyboardInterrupt):
        run_profile("192.0.2.10", context(), on_result, lookups=fakes)
    rest_may_finish.set()
    for worker in threading.enumerate():
        if worker.name.startswith("profile"):
            worker.join(WAIT)
    assert streamed == ["dns"]
