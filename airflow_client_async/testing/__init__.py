"""Test helpers: :class:`FakeAirflow`, an in-memory Airflow that speaks the REST API.

Use it through its httpx transport, as ``fake.client()``, or served as an ASGI app; the
pytest plugin (installed with the package) gives the ``airflow_fake`` and
``airflow_client`` fixtures.
"""

from ._dialect import SUPPORTED_RELEASES
from ._fake import FakeAirflow, FakeASGIApp, FakeTransport, ReceivedRequest

__all__ = [
    "SUPPORTED_RELEASES",
    "FakeASGIApp",
    "FakeAirflow",
    "FakeTransport",
    "ReceivedRequest",
]
