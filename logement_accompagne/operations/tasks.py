"""A task that does nothing but answer: checks that a task backend (database or Redis) and its
workers run tasks end to end (tests, and an operator after a deployment)."""

from django_tasks import task


@task()
def echo(text: str) -> str:
    return text.upper()
