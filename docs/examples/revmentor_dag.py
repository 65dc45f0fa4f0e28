"""Airflow DAG: run a reverse-mentoring programme's monitor stage every Monday at 06:00.

Exit code 75 means another run holds the workspace: Airflow retries later. Exit 1 (a stage
failed) also retries, then fails the task; reports/summary.json says which stage and why.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

WORKSPACE = "/srv/programmes/my-programme"
REVMENTOR = "/srv/programmes/.venv/bin/revmentor"

with DAG(
    dag_id="revmentor_monitor",
    schedule="0 6 * * 1",
    start_date=datetime(2026, 1, 5),
    catchup=False,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=15)},
) as dag:
    monitor = BashOperator(
        task_id="monitor",
        # --wait 600: queue behind a colleague's run for up to 10 minutes, then exit 75 (retried)
        bash_command=f"{REVMENTOR} run {WORKSPACE} --stage monitor --wait 600 --timeout 1800",
        execution_timeout=timedelta(hours=1),
    )
    evaluate = BashOperator(
        task_id="evaluate",
        bash_command=f"{REVMENTOR} run {WORKSPACE} --stage evaluate --wait 600 --timeout 1800",
    )
    monitor >> evaluate
