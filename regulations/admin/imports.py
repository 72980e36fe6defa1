"""The admin's import pages: upload, dry-run preview of every row, then confirmation.

The confirm button only appears when every row is good. The confirmation may name only an
upload of ours that still waits (anything else answers 400 and reads nothing); the upload is
removed once imported, or at once when its preview has errors. The rows themselves are read and
validated by the resources in regulations/importing/.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import re_path
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export import forms as import_forms
from import_export.admin import ImportMixin

from regulations.importing.bulk import PREVIEW_ROWS
from regulations.importing.formats import IMPORT_FORMATS
from regulations.importing.pending import remember_pending_import
from regulations.importing.resources import RequirementResource, RuleResource, SourceResource
from regulations.importing.uploads import ImportUploads

from .import_help import TEMPLATE_TYPES, ImportFileForm, help_context, read_failure, template_download

EXPIRED = "This preview has expired, was already imported or is not yours."


def choice_index(value: str, count: int, *, blank_is_first: bool = False) -> str:
    """``value`` if it is the index of one of ``count`` choices, as the import pages number them."""
    if value in ("", None) and blank_is_first:
        return "0"
    if not (value or "").isdigit() or int(value) >= count:
        raise ValidationError("Choose one of the choices the import page offers.")
    return value


class ConfirmImportForm(import_forms.ConfirmImportForm):
    """The confirmation of a preview: it names one of our waiting uploads, and a format and a resource we offer."""

    def __init__(self, *args, format_count: int, resource_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.format_count, self.resource_count = format_count, resource_count

    def clean_import_file_name(self):
        name = self.cleaned_data["import_file_name"]
        if not ImportUploads(name=name).exists():
            raise ValidationError(EXPIRED)
        return name

    def clean_format(self):
        return choice_index(self.cleaned_data["format"], self.format_count)

    def clean_resource(self):
        return choice_index(self.cleaned_data["resource"], self.resource_count, blank_is_first=True)


class ImportAdminMixin(ImportMixin):
    """Import with a dry-run preview; the confirm button only appears when every row is good."""

    import_formats = IMPORT_FORMATS
    skip_admin_log = True
    tmp_storage_class = ImportUploads
    confirm_form_class = ConfirmImportForm
    import_form_class = ImportFileForm
    import_template_name = "admin/regulations/import.html"

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "format_count": len(self.get_import_formats()),
            "resource_count": len(self.get_import_resource_classes(request)),
        }

    def get_context_data(self, **kwargs):
        resource = self.resource_classes[0]()
        return {**super().get_context_data(**kwargs), "preview_rows": PREVIEW_ROWS, **help_context(resource)}

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_template"
        types = "|".join(TEMPLATE_TYPES)
        view = self.admin_site.admin_view(self.import_template_view)
        return [re_path(rf"^import/template\.(?P<extension>{types})$", view, name=name), *super().get_urls()]

    def import_template_view(self, request, extension: str):
        """A template file of the columns this page imports, with an example row (importing/templates.py)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return template_download(self.resource_classes[0](), extension)

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error("import_file", read_failure(e, self.get_import_formats()[int(form.cleaned_data["format"])]))

    def import_action(self, request, **kwargs):
        """The preview; an upload that cannot be confirmed (its preview has errors) is not kept, and an upload
        the form refuses (not CSV or XLSX, not readable) answers 400."""
        response = super().import_action(request, **kwargs)
        name = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        confirm_form = response.context_data.get("confirm_form")
        if name and not confirm_form:
            ImportUploads(name=name).remove()
        elif name:  # waits for its confirmation: the start page lists it (importing/pending.py)
            remember_pending_import(
                user=request.user,
                model=self.model,
                confirm_initial=confirm_form.initial,
                row_count=response.context_data["result"].total_rows,
            )
        if request.method == "POST" and response.context_data["form"].errors:
            response.status_code = 400
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation: the upload named by the form, and no other file, imported and then removed.

        Replaces django-import-export's view, which answers 500 to a made-up file name or format,
        and reports an import whose rows failed (the data changed since the preview) as finished.
        """
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            problems = [error for errors in confirm_form.errors.values() for error in errors]
            return self.import_page(request, status=400, refusal=sorted(set(problems)))
        input_format = self.get_import_formats()[int(confirm_form.cleaned_data["format"])](encoding=self.from_encoding)
        upload = ImportUploads(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
        )
        try:
            try:
                dataset = input_format.create_dataset(upload.read())
            except Exception:  # any reader's failure: the file is not in the format the form names
                return self.import_page(
                    request, status=400, refusal=[f"The file cannot be read as {input_format.get_title()}."]
                )
            result = self.process_dataset(dataset, confirm_form, request, **kwargs)
        finally:
            upload.remove()
        if result.has_errors() or result.has_validation_errors():
            return self.import_page(request, status=409, result=result, failed_on_confirmation=True)
        return self.process_result(result, request)

    def import_page(self, request, *, status: int, **context):
        """The import page saying why nothing was imported, with a link to upload the file again."""
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": "Import",
            "opts": self.model._meta,
            "import_error_display": self.import_error_display,
            **context,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context, status=status)


class RuleImportMixin(ImportAdminMixin):
    resource_classes = [RuleResource]


class RequirementImportMixin(ImportAdminMixin):
    resource_classes = [RequirementResource]


class SourceImportMixin(ImportAdminMixin):
    resource_classes = [SourceResource]
