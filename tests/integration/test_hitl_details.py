"""client.hitl_details against the real server: Airflow 3.1+ answers, Airflow 2 refuses.

The human-in-the-loop DAG (``client_test_hitl``) exists on servers from Airflow 3.1.
"""

from __future__ import annotations

import anyio
import pytest

from airflow_client_async import AsyncClient, ConflictError, UnsupportedByServerError
from airflow_client_async.models import HITLDetail

from ._runs import airflow_minor, delete_run, trigger, unpause, wait

HITL = "client_test_hitl"


async def waiting_detail(client: AsyncClient, run_id: str, *, timeout: float = 120) -> HITLDetail:
    """Wait until the run's approval task asks its question."""
    with anyio.fail_after(timeout):
        while True:
            page = await client.hitl_details.list(HITL, run_id)
            if page.items:
                return page.items[0]
            await anyio.sleep(1.0)


async def test_refused_before_airflow_3_1(client: AsyncClient) -> None:
    if await airflow_minor(client) >= (3, 1):
        pytest.skip("this server has human-in-the-loop details")
    with pytest.raises(UnsupportedByServerError):
        await client.hitl_details.list()
    with pytest.raises(UnsupportedByServerError):
        await client.hitl_details.update("d", "r", "t", chosen_options=["Approve"])


async def test_answer_an_approval(client: AsyncClient, unique: str) -> None:
    minor = await airflow_minor(client)
    if minor < (3, 1):
        pytest.skip("human-in-the-loop details need Airflow 3.1")
    run_id = f"client-test-hitl-{unique}"
    await unpause(client, HITL)
    await trigger(client, HITL, run_id)
    try:
        asked = await waiting_detail(client, run_id)
        assert asked.task_instance is not None and asked.task_instance.task_id == "approve"
        assert asked.options == ["Approve", "Reject"]
        assert asked.subject == f"Ship client-test run {run_id}?"
        assert asked.response_received is False and asked.chosen_options is None
        unanswered = await client.hitl_details.list(
            HITL, run_id, response_received=False, subject_search="client-test"
        )
        assert [d.subject for d in unanswered.items] == [asked.subject]

        got = await client.hitl_details.get(HITL, run_id, "approve")
        assert got.subject == asked.subject and got.created_at == asked.created_at

        answer = await client.hitl_details.update(
            HITL, run_id, "approve", chosen_options=["Approve"]
        )
        assert answer.chosen_options == ["Approve"]
        assert answer.responded_by is not None and answer.responded_at is not None
        with pytest.raises(ConflictError, match="already been updated"):
            await client.hitl_details.update(HITL, run_id, "approve", chosen_options=["Reject"])

        assert await wait(client, HITL, run_id) == "success"
        answered = await client.hitl_details.get(HITL, run_id, "approve")
        assert answered.response_received is True
        assert answered.chosen_options == ["Approve"]
        if minor >= (3, 2):
            first_try = await client.hitl_details.get(HITL, run_id, "approve", try_number=1)
            assert first_try.subject == asked.subject
        else:
            with pytest.raises(UnsupportedByServerError, match=r"3\.2"):
                await client.hitl_details.get(HITL, run_id, "approve", try_number=1)
    finally:
        await delete_run(client, HITL, run_id)
