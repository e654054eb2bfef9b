"""Two DAGs joined by a dataset: the producer updates it, the consumer is scheduled on it.

On Airflow 3 the dataset is an asset with the same URI.
"""

from __future__ import annotations

import datetime

try:  # Airflow 3: datasets are assets
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG
    from airflow.sdk import Asset as Dataset
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.datasets import Dataset
    from airflow.operators.bash import BashOperator

CLIENT_TEST_DATASET = Dataset(uri="s3://client-test/dataset")

with DAG(
    dag_id="client_test_dataset_producer",
    description="Updates s3://client-test/dataset",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
) as producer:
    BashOperator(
        task_id="produce",
        bash_command="echo producing s3://client-test/dataset",
        outlets=[CLIENT_TEST_DATASET],
    )

with DAG(
    dag_id="client_test_dataset_consumer",
    description="Runs when s3://client-test/dataset is updated",
    schedule=[CLIENT_TEST_DATASET],
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
) as consumer:
    BashOperator(task_id="consume", bash_command="echo consumed s3://client-test/dataset")
