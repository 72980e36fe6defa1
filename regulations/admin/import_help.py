"""What the admin's import pages add to help people prepare a file: the upload form, template files, help.

The upload form asks only for the file: its format is read from the extension (django-import-export's
form asks for it in a select whose first choice is "---"). Template files hold the resource's columns
and an example row (regulations/importing/templates.py); the page's help is built from the code that
reads the files (regulations/importing/guide.py).
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from import_export import forms as import_forms

from regulations.exports.cells import attachment
from regulations.exports.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from regulations.importing.formats import UnreadableFile, accepted_extensions, format_for
from regulations.importing.guide import columns_of, file_rules, key_columns
from regulations.importing.templates import import_template, template_csv, template_xlsx

TEMPLATE_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}
HELP_ID = "import-help"


class ImportFileForm(import_forms.ImportForm):
    """The upload: the file alone, its format read from its extension (so no format select to get wrong)."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = list(formats)
        del self.fields["format"]
        upload = self.fields["import_file"]
        upload.label = "File to import (CSV or XLSX)"
        upload.widget.attrs = {"accept": ",".join(accepted_extensions()), "aria-describedby": HELP_ID}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None:
            file_format = format_for(upload.name)
            if file_format in self.formats:
                cleaned["format"] = str(self.formats.index(file_format))
            else:
                extensions = ", ".join(accepted_extensions())
                self.add_error(
                    "import_file", f"{upload.name} is neither CSV nor XLSX: its name must end in {extensions}."
                )
        return cleaned

    @property
    def media(self):
        return forms.Media()  # django-import-export's script only guesses the format select we no longer have


def read_failure(error: Exception, file_format) -> str:
    """Why an upload cannot be read, for the form: our reader's own words, or the format it was read as."""
    if isinstance(error, UnreadableFile):
        return str(error)
    title = file_format().get_title().upper()
    return f"The file cannot be read as {title}: check that it is a {title} file, saved from a spreadsheet."


def help_context(resource) -> dict:
    """The import page's help: the file rules, the columns (one query, for the topics), the key columns."""
    return {
        "file_rules": file_rules(),
        "columns": columns_of(resource),
        "key_columns": key_columns(resource),
        "template_types": list(TEMPLATE_TYPES),
        "help_id": HELP_ID,
    }


def template_download(resource, extension: str) -> HttpResponse:
    template = import_template(resource)
    content = template_csv(template) if extension == "csv" else template_xlsx(template)
    return attachment(HttpResponse(content, content_type=TEMPLATE_TYPES[extension]), f"{template.name}.{extension}")
