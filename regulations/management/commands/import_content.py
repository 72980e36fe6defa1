"""Import a file of rules, requirements or sources from the shell, for files too big for one web request.

    manage.py import_content rules FILE --user NAME [--dry-run]

The same resources as the admin's import page, so the same checks and guarantees: every bad row is
listed and then nothing is imported; imported rules are drafts; only reviewers change published
rules; history records each row as "Imported" by NAME. Exits with status 1 when anything is wrong.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from regulations.importing.formats import read_dataset
from regulations.importing.resources import RequirementResource, RuleResource, SourceResource

RESOURCES = {"rules": RuleResource, "requirements": RequirementResource, "sources": SourceResource}


def row_problems(result) -> list[str]:
    """Every error of an import result, one line each: the file's, then each bad row's."""
    lines = [f"File: {error.error}" for error in result.base_errors]
    for number, errors in result.row_errors():
        lines += [f"Row {number}: {error.error}" for error in errors]
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            prefix = "" if field == "__all__" else f"{field}: "
            lines += [f"Row {invalid.number}: {prefix}{message}" for message in messages]
    return lines


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of rules, requirements or sources, all or nothing, as the admin's import does."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="who imports: a staff user allowed to import these")
        parser.add_argument("--dry-run", action="store_true", help="check every row and change nothing")

    def handle(self, *args, kind, file, user, dry_run, **options):
        resource = RESOURCES[kind]()
        model = resource._meta.model
        importer = get_user_model().objects.filter(username=user, is_active=True, is_staff=True).first()
        if importer is None or not importer.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}"):
            raise CommandError(f"{user} may not import {kind}: give an active staff user allowed to add {kind}.")
        try:
            dataset = read_dataset(file)
        except Exception as error:  # any reader's failure: missing file, not CSV or XLSX, bad encoding
            raise CommandError(f"Cannot read {file}: {error}") from error
        if not dataset.headers or not len(dataset):
            raise CommandError(f"{file} has no rows under a header line: nothing to import.")
        result = resource.import_data(dataset, dry_run=dry_run, user=importer, file_name=file.name)
        problems = row_problems(result)
        if problems:
            for line in problems:
                self.stderr.write(line)
            bad = len(result.invalid_rows) + len(result.row_errors())
            file_errors = f" and {len(result.base_errors)} file error(s)" if result.base_errors else ""
            raise CommandError(f"Nothing imported: {bad} bad row{'s' if bad != 1 else ''}{file_errors}, listed above.")
        totals = result.totals
        summary = f"{totals['new']} new, {totals['update']} changed, {totals['skip']} unchanged {kind}."
        self.stdout.write(f"Dry run, nothing changed: {summary}" if dry_run else f"Imported: {summary}")
