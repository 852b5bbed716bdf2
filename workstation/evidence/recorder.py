"""Recording for the browser: the interception CA, the traffic journal, the WARC per page.

One Recorder per process: it gives the route gate its Interception (what to present to
the browser, what to trust of origins, where exchanges go) and the browser its SPKI pin,
and turns a page's recorded traffic into the exhibit's WARC when it is sealed.
"""

import dataclasses
from dataclasses import dataclass, field

from workstation.evidence.snapshot import CapturedPage
from workstation.evidence.traffic import TrafficJournal
from workstation.evidence.warc import warc_bytes
from workstation.paths import data_dir
from workstation.route.interception_ca import InterceptionCA
from workstation.route.recording import Interception, origin_context

CA_FOLDER = "interception-ca"


@dataclass
class Recorder:
    ca: InterceptionCA
    origin_cafile: str | None = None  # extra roots for origins (a unit's own PKI; tests)
    journal: TrafficJournal = field(default_factory=TrafficJournal)

    @classmethod
    def for_this_install(cls, origin_cafile: str | None = None) -> "Recorder":
        return cls(InterceptionCA.load_or_create(data_dir() / CA_FOLDER), origin_cafile)

    def interception(self) -> Interception:
        context = origin_context()
        if self.origin_cafile:
            context.load_verify_locations(cafile=self.origin_cafile)
        return Interception(self.ca.server_context, context, self.journal)

    def spki_pin(self) -> str:
        return self.ca.spki_pin()

    def with_warc(self, page: CapturedPage, gate_identity: str | None) -> CapturedPage:
        """page with the WARC of its identity's traffic since its navigation began.

        gate_identity is who the gate saw browsing (the persona's gate alias, or None
        for a process that browses on the gate's main port).
        """
        since = page.load_started_utc or page.started_utc
        exchanges = self.journal.between(gate_identity, since)
        warcinfo = {
            "software": "investigator-workstation route gate",
            "format": "WARC File Format 1.1",
            "description": f"Traffic recorded while loading {page.requested_url}",
            "isPartOf": page.final_url,
        }
        data = warc_bytes(exchanges, warcinfo)
        return dataclasses.replace(page, warc=data, recorded_exchanges=len(exchanges))
