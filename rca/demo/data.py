"""The demo provider's records: fictional people, realistic shapes.

Every name here is invented; the reviews themselves are in ``stories.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: One shared password for every demo account, printed by ``flask --app rca demo`` and the README.
DEMO_PASSWORD = "demo-workbench-2026"  # noqa: S105 (documented, demo only)
PROVIDER = "Hollybrook Care"
#: A reserved top-level domain, so no demo address can ever reach a real inbox.
EMAIL_DOMAIN = "hollybrook.example"

SERVICES: list[dict[str, str]] = [
    {"code": "OAK", "name": "Oakfield House", "kind": "care-home"},
    {"code": "WIL", "name": "Willow Lane Supported Living", "kind": "supported-living"},
    {"code": "RIV", "name": "Riverside Homecare (Kettering branch)", "kind": "homecare"},
    # A second care home, opened this year and not yet reviewed: where Oakfield House's findings
    # about the building and its systems are suggested ("look here too", rca.governance).
    {"code": "ELM", "name": "Elm Court", "kind": "care-home"},
]

# (service, name, job title, employment, start date, managerial)
STAFF: list[tuple[str, str, str, str, str, bool]] = [
    ("OAK", "Sarah Mitchell", "Registered Manager", "permanent", "2019-04-01", True),
    ("OAK", "Amira Hussain", "Deputy Manager", "permanent", "2021-02-15", True),
    ("OAK", "Lucy Evans", "Senior Care Worker", "permanent", "2020-09-07", False),
    ("OAK", "Patrick Nolan", "Team Leader (Nights)", "permanent", "2018-11-19", True),
    ("OAK", "Bethany Cole", "Care Worker", "permanent", "2024-05-13", False),
    ("OAK", "Marek Nowak", "Care Worker", "bank", "2023-01-09", False),
    ("OAK", "Chidi Eze", "Care Worker", "agency", "2026-06-02", False),
    ("OAK", "Rosa Fernandes", "Care Worker", "agency", "2026-08-17", False),
    ("OAK", "Karen Whitlock", "Rota Coordinator", "permanent", "2017-03-27", False),
    ("OAK", "Jamal Ahmed", "Maintenance Officer", "permanent", "2022-07-04", False),
    ("WIL", "Daniel Okafor", "Registered Manager", "permanent", "2020-01-06", True),
    ("WIL", "Hannah Price", "Deputy Manager", "permanent", "2022-10-03", True),
    ("WIL", "Ellie Robinson", "Team Leader", "permanent", "2021-06-21", True),
    ("WIL", "Sam Turner", "Senior Support Worker", "permanent", "2019-08-12", False),
    ("WIL", "Aisha Begum", "Support Worker (Key Worker)", "permanent", "2023-03-20", False),
    ("WIL", "Liam Hughes", "Support Worker", "bank", "2024-11-04", False),
    ("WIL", "Gabriela Silva", "Support Worker", "agency", "2026-07-13", False),
    ("WIL", "Tom Reid", "Support Worker", "permanent", "2025-02-24", False),
    ("RIV", "Grace Adeyemi", "Registered Manager", "permanent", "2018-05-14", True),
    ("RIV", "Joanne Price", "Care Coordinator", "permanent", "2021-09-01", True),
    ("RIV", "Kwame Mensah", "Field Supervisor", "permanent", "2020-04-20", True),
    ("RIV", "Natalie Ford", "Rota Coordinator", "permanent", "2022-01-10", False),
    ("RIV", "Ioana Popescu", "Senior Care Worker", "permanent", "2019-10-28", False),
    ("RIV", "Ryan Bell", "Care Worker", "permanent", "2025-06-09", False),
    ("RIV", "Fatima Malik", "Care Worker", "bank", "2024-02-19", False),
    ("RIV", "Owen Parry", "Care Worker", "agency", "2026-09-01", False),
    ("ELM", "Priya Shah", "Registered Manager", "permanent", "2026-03-02", True),
    ("ELM", "Megan Lloyd", "Care Worker", "permanent", "2026-03-16", False),
]

#: People supported, by the care system's reference only (the demo holds no names).
PEOPLE: dict[str, list[str]] = {
    "OAK": [f"OAK-P-{n:03d}" for n in (3, 7, 11, 14, 18, 22, 27, 31)],
    "WIL": [f"WIL-P-{n:03d}" for n in (2, 4, 5, 9, 12, 15)],
    "RIV": [f"RIV-P-{n:03d}" for n in (101, 108, 113, 117, 124, 130, 142)],
    "ELM": [f"ELM-P-{n:03d}" for n in (201, 204, 209)],
}


@dataclass(frozen=True)
class DemoUser:
    key: str
    name: str
    role: str
    #: Service codes; None means every service.
    services: tuple[str, ...] | None
    job: str

    @property
    def email(self) -> str:
        return f"{self.key}@{EMAIL_DOMAIN}"


USERS: list[DemoUser] = [
    DemoUser("helen.carter", "Helen Carter", "admin", None, "Nominated Individual"),
    DemoUser("tom.whitfield", "Tom Whitfield", "investigator", None, "Provider Quality Lead"),
    DemoUser("sarah.mitchell", "Sarah Mitchell", "investigator", ("OAK",), "Registered Manager"),
    DemoUser("daniel.okafor", "Daniel Okafor", "investigator", ("WIL",), "Registered Manager"),
    DemoUser("grace.adeyemi", "Grace Adeyemi", "investigator", ("RIV",), "Registered Manager"),
    DemoUser("amira.hussain", "Amira Hussain", "facilitator", ("OAK",), "Deputy Manager"),
    DemoUser("hannah.price", "Hannah Price", "facilitator", ("WIL",), "Deputy Manager"),
    DemoUser("joanne.price", "Joanne Price", "facilitator", ("RIV", "WIL"), "Safeguarding Lead"),
    DemoUser("lucy.evans", "Lucy Evans", "contributor", ("OAK",), "Senior Care Worker"),
    DemoUser("kwame.mensah", "Kwame Mensah", "contributor", ("RIV",), "Field Supervisor"),
    DemoUser("margaret.doyle", "Margaret Doyle", "read-only", None, "Governance Lead"),
    DemoUser("ian.fletcher", "Ian Fletcher", "read-only", ("WIL",), "Commissioning Liaison"),
]
