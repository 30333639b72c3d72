"""Write the output folders of several environments as one all-or-nothing commit.

Every tree is staged first (in the scratch folder, under the repository lock the caller
holds); a single `Transaction` then swaps them all in. An I/O error anywhere, staging or
swapping, leaves every environment as it was and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from compiler.fsio import write_failed
from compiler.models.artifacts import OutputTree
from compiler.output.transaction import Transaction, recover
from compiler.output.write import WriteReport, stage_tree
from compiler.project import Project


def write_environments(
    project: Project, trees: Mapping[str, Sequence[OutputTree]]
) -> dict[str, list[WriteReport]]:
    """Swap in every environment's trees together; per environment, one report per tree."""
    transaction = Transaction(project.root)
    try:
        reports = {
            env: [stage_tree(project, tree, transaction) for tree in env_trees]
            for env, env_trees in trees.items()
        }
        transaction.commit()
    except OSError as exc:
        raise write_failed(exc, project.root, _outcome(transaction, "environment")) from None
    finally:
        transaction.discard()
    return reports


def write_files(project: Project, files: Mapping[str, bytes], what: str) -> None:
    """Replace several files (repository-relative paths) together, all or none."""
    transaction = Transaction(project.root)
    try:
        for path, data in files.items():
            transaction.stage_file(project.root / path, data)
        transaction.commit()
    except OSError as exc:
        raise write_failed(exc, project.root, _outcome(transaction, what)) from None
    finally:
        transaction.discard()


def recover_interrupted(project: Project) -> None:
    """Finish the commit of a run that was killed, and delete what it left behind."""
    try:
        recover(project.root)
    except OSError as exc:
        raise write_failed(exc, project.root, "an interrupted commit is still pending") from None


def _outcome(transaction: Transaction, what: str) -> str:
    if transaction.pending:
        return f"the {what} change is half applied; the next run completes it"
    return f"no {what} was changed"
