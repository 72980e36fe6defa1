"""A django-import-export resource that validates every row without a query of its own and writes in bulk.

Before the first row, one query per related model finds every jurisdiction, authority, topic or rule
the file names, one query finds every existing row the file updates, and one per unique constraint
finds the database rows it could clash with; rows are then checked in Python (fields, check
constraints, uniqueness against the database and against earlier rows of the file, a row key given
twice, and a column the import does not read is an error too) and written a thousand at a time with
their history. A 10,000-row file costs about as many queries as a 20-row one. All or nothing still
holds: any bad row rolls the whole import back.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import Diff
from import_export.results import RowResult

from .constraints import check_constraint_errors
from .uniqueness import unique_checks
from .widgets import CodeWidget, SlugsWidget, in_chunks
from .writing import PENDING, related_now, remember_related_rows, save_in_bulk

PREVIEW_ROWS = 100  # rows of a file whose values the preview shows; every bad row is listed whatever its number
BEFORE = "_import_before"  # on an existing instance: its values as loaded, to skip rows that change nothing
SHOWN_BEFORE = "_import_shown_before"  # on an instance the preview shows: its cells as loaded


def tidy(dataset) -> None:
    """Strip every cell and header, read an empty XLSX cell (None) as a CSV's empty text, and drop rows whose
    cells are all empty (blank lines of a spreadsheet)."""
    dataset.headers = [str(header or "").strip() for header in dataset.headers or []] or None
    blank = []
    for index, row in enumerate(dataset):
        cells = tuple(cell.strip() if isinstance(cell, str) else "" if cell is None else cell for cell in row)
        if all(cell == "" for cell in cells):
            blank.append(index)
        else:
            dataset[index] = cells
    for index in reversed(blank):
        del dataset[index]


class RelatedField(fields.Field):
    """A many-to-many column: what the row gives is kept on the instance and written with it, in bulk."""

    def get_value(self, instance):
        return related_now(instance, self.attribute)


class PreviewDiff(Diff):
    """django-import-export's diff of a row, from cells exported when the row was loaded (no copy of it)."""

    def __init__(self, left: list[str], right: list[str], new: bool):
        self.left, self.right, self.new = left, right, new


class PrefetchedInstanceLoader(BaseInstanceLoader):
    """Every existing row the file names, found once (``import_id_fields`` may be several, e.g. rule and key)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        rows = dataset.dict if dataset else []
        keys = [resource.row_key(row) for row in rows]
        self.instances = resource.existing_instances(set(keys) - {None}, shown=set(keys[:PREVIEW_ROWS]) - {None})

    def get_instance(self, row):
        key = self.resource.row_key(row)
        return self.instances.get(key) if key else None


class BulkResource(resources.ModelResource):
    """Validate every row and report every bad one; write only when all are good, in bulk, with history."""

    change_reason = "Imported"

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        kwargs.setdefault("use_transactions", True)
        return super().import_data(dataset, **kwargs)

    # Before the first row: every lookup the file needs.

    def before_import(self, dataset, **kwargs):
        tidy(dataset)
        self.user, self.dry_run = kwargs.get("user"), kwargs.get("dry_run", False)
        self.keys_seen: dict[tuple, int] = {}
        columns = set(dataset.headers or [])
        for field in self.lookup_fields():
            if field.column_name in columns:
                field.widget.prime(dataset[field.column_name])
        rows = dataset.dict if dataset.headers else []
        self.uniques = unique_checks(self._meta.model, self.get_import_id_fields())
        for check in self.uniques:
            check.prime({name: self.column_values(name, rows) for name in check.fields})
        super().before_import(dataset, **kwargs)
        self.refuse_unknown_columns(dataset.headers or [])

    def refuse_unknown_columns(self, headers: list[str]) -> None:
        """A column the import does not read would be dropped without a word (a typo: ``applies_form``)."""
        known = [field.column_name for field in self.get_import_fields()]
        unknown = [header for header in headers if header and header not in known]
        if unknown:
            columns = "column" if len(unknown) == 1 else "columns"
            raise ValueError(f"Unknown {columns}: {', '.join(unknown)}. The columns are: {', '.join(known)}.")

    def lookup_fields(self) -> list[fields.Field]:
        return [field for field in self.get_import_fields() if isinstance(field.widget, CodeWidget | SlugsWidget)]

    def column_values(self, attribute: str, rows) -> set:
        """The values (ids for related objects) the file gives a model field, as the rows will clean them."""
        field = next((f for f in self.get_import_fields() if f.attribute == attribute), None)
        if field is None or not rows or field.column_name not in rows[0]:
            return set()
        values = set()
        for row in rows:
            try:
                value = field.clean(row)
            except ValueError:
                continue
            values.add(value.pk if isinstance(value, models.Model) else value)
        return values - {None}

    def row_key(self, row) -> tuple | None:
        """The row's ``import_id_fields`` as the database holds them (ids for related objects), or None."""
        key = []
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                value = field.clean(row)
            except (KeyError, ValueError):
                return None
            if value in (None, ""):
                return None
            key.append(value.pk if isinstance(value, models.Model) else value)
        return tuple(key)

    def key_attnames(self) -> list[str]:
        model_fields = self._meta.model._meta
        return [model_fields.get_field(self.fields[name].attribute).attname for name in self.get_import_id_fields()]

    def existing_instances(self, keys: set[tuple], shown: set[tuple] = frozenset()) -> dict[tuple, models.Model]:
        """The rows ``keys`` name, locked for the real import, with their values as loaded (and, for those the
        preview ``shown``, their cells)."""
        attnames = self.key_attnames()
        queryset = self.get_queryset()
        if not self.dry_run:
            queryset = queryset.select_for_update(of=("self",))
        found = {}
        for chunk in in_chunks(sorted({key[0] for key in keys})):
            for instance in queryset.filter(**{f"{attnames[0]}__in": chunk}):
                key = tuple(getattr(instance, attname) for attname in attnames)
                if key in keys:
                    found[key] = instance
        for field in self.related_fields():
            remember_related_rows(self._meta.model, field.attribute, found.values())
        import_fields = self.get_import_fields()
        for key, instance in found.items():
            instance.__dict__[BEFORE] = [self.comparable(field, instance) for field in import_fields]
            if key in shown:
                instance.__dict__[SHOWN_BEFORE] = [field.export(instance) for field in import_fields]
        return found

    def get_import_fields(self):
        """Computed once: django-import-export asks for them several times a row."""
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def related_fields(self) -> list[fields.Field]:
        return [field for field in self.get_import_fields() if isinstance(field, RelatedField)]

    # Each row.

    def before_import_row(self, row, row_number=None, **kwargs):
        """A row whose key an earlier row already gave is an error naming that row: nothing is merged."""
        self.row_number = row_number
        key = self.row_key(row)
        if key is not None:
            earlier = self.keys_seen.setdefault(key, row_number)
            if earlier != row_number:
                id_fields = [self.fields[name] for name in self.get_import_id_fields()]
                given = ", ".join(str(field.widget.render(field.clean(row))) for field in id_fields)
                raise ValidationError(
                    f"Row {earlier} of this file has the same {' and '.join(f.column_name for f in id_fields)} "
                    f"({given}): each {self._meta.model._meta.verbose_name} may appear once in a file."
                )
        super().before_import_row(row, row_number=row_number, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """Every field of the row, many-to-many ones included (kept for the bulk write), each error collected."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        pending = {}
        for field in self.related_fields():
            if field.column_name in row and not field.readonly:
                try:
                    pending[field.attribute] = field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error), code="invalid")
        instance.__dict__[PENDING] = pending
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An existing row the file leaves as it is (compared with its values as loaded, not with a copy)."""
        before = instance.__dict__.get(BEFORE)
        if not self._meta.skip_unchanged or import_validation_errors or before is None:
            return False
        return [self.comparable(field, instance) for field in self.get_import_fields()] == before

    @staticmethod
    def comparable(field, instance):
        value = field.get_value(instance)
        if isinstance(field, RelatedField):
            return sorted(obj.pk for obj in value or [])
        return value.pk if isinstance(value, models.Model) else value

    def after_import_row(self, row, row_result, row_number=None, **kwargs):
        """The preview's diff of the first ``PREVIEW_ROWS`` rows (a diff of 10,000 rows is neither quick nor read)."""
        super().after_import_row(row, row_result, row_number=row_number, **kwargs)
        instance = row_result.instance
        if row_number is None or row_number > PREVIEW_ROWS or instance is None:
            return
        fields_ = self.get_import_fields()
        new = row_result.import_type == RowResult.IMPORT_TYPE_NEW
        left = instance.__dict__.get(SHOWN_BEFORE) or [""] * len(fields_)
        row_result.diff = PreviewDiff(left, [field.export(instance) for field in fields_], new).as_html()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """``full_clean`` without its queries: related objects come from the lookups (known to exist),
        check constraints are evaluated in Python, uniqueness against the lookups and the earlier rows."""
        errors = dict(import_validation_errors or {})
        looked_up = {field.attribute for field in self.lookup_fields()} - {f.attribute for f in self.related_fields()}
        try:
            exclude = {*errors, *looked_up, *instance.get_deferred_fields()}  # reading a deferred field is a query
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in looked_up - set(errors):
            field = instance._meta.get_field(name)
            try:
                models.Field.validate(field, getattr(instance, field.attname), instance)  # null/blank, no query
            except ValidationError as error:
                errors[name] = error.error_list
        problems = check_constraint_errors(instance, exclude=set(errors))
        problems += [
            ValidationError(message) for check in self.uniques if (message := check.error(instance, self.row_number))
        ]
        if problems:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(problems)
        if errors:
            raise ValidationError(errors)

    # Writing, a batch at a time (django-import-export calls these every ``batch_size`` rows, then at the end).

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write(self.create_instances, True, using_transactions, dry_run, raise_errors, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write(self.update_instances, False, using_transactions, dry_run, raise_errors, result)

    def write(self, instances, created, using_transactions, dry_run, raise_errors, result):
        if not instances or not (using_transactions or not dry_run):
            instances.clear()
            return
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                save_in_bulk(
                    self._meta.model,
                    instances,
                    created=created,
                    fields=self.update_fields(),
                    related=[field.attribute for field in self.related_fields()],
                    user=self.user,
                    reason=self.change_reason,
                )
                self.after_write(list(instances), created=created)
        except Exception as error:  # reported like django-import-export's own bulk errors; the import rolls back
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def update_fields(self) -> list[str]:
        names = {field.attribute for field in self.get_import_fields() if not field.readonly}
        names -= {self.fields[name].attribute for name in self.get_import_id_fields()}
        return [field.name for field in self._meta.model._meta.concrete_fields if field.name in names]

    def after_write(self, instances, *, created: bool) -> None:
        """Called with each batch written (in the import's transaction): what else the write records."""


class SharedMeta:
    """Import options every resource shares: validate each model, skip unchanged rows, one transaction,
    bulk writes a thousand rows at a time, existing rows found in one query."""

    clean_model_instances = True
    skip_unchanged = True
    report_skipped = False
    use_transactions = True
    use_bulk = True
    batch_size = 1000
    instance_loader_class = PrefetchedInstanceLoader
    skip_diff = True  # no copy of each row to diff against: BulkResource compares with the values as loaded
    store_instance = True  # for the preview's diff, in after_import_row
